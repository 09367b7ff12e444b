package io.kmsjca.conformance;

import io.kmsjca.audit.AuditOptions;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsProvider;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A second process writing the audit log of a store another process writes too: opens STORE
 * (password "audit-log") with its log at LOG, says READY, waits for a line on its input, then
 * wraps COUNT data keys under ALIAS (one audit record each) and closes.
 * Arguments: STORE LOG ALIAS COUNT sync|async.
 */
public final class AuditWriterMain {

    public static void main(String[] args) throws Exception {
        AuditOptions audit = AuditOptions.DEFAULTS.withFile(Path.of(args[1]), true, 1 << 20);
        if (args[4].equals("async")) {
            audit = audit.withDelivery(AuditOptions.Delivery.ASYNC, 1024, AuditOptions.WhenFull.BLOCK);
        }
        try (KeyService keys = KeyStores.openFile(Path.of(args[0]), "audit-log".toCharArray(), KeyServiceOptions.defaults()
                .withKdf(Argon2Params.insecureForTests()).withMaintenanceInterval(Duration.ZERO).withAudit(audit))) {
            KmsKeyHandle key = keys.findKey(args[2]).orElseThrow();
            Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
            System.out.println("READY");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            for (int i = 0; i < Integer.parseInt(args[3]); i++) {
                c.init(Cipher.WRAP_MODE, key);
                c.wrap(new SecretKeySpec(new byte[32], "AES"));
            }
        }
        System.out.println("DONE");
    }
}
