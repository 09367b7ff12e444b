package io.kmsjca.conformance;

import io.kmsjca.audit.KmsAuditContext;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.InvalidParameterException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code credential.file} in kms.conf: {@code KeyStore.load(null, null)} opens the store as the key file's principal. */
class ConfiguredCredentialTest {

    static final char[] PASSWORD = "configured".toCharArray();

    @TempDir
    Path dir;

    @Test
    void theConfiguredStoreOpensAsTheKeyFilesPrincipal() throws Exception {
        try (KeyService admin = KmsAdmin.open(dir.resolve("keys.kms"), PASSWORD, Fixtures.cheapOptions())) {
            admin.createKey("orders", "");
            admin.createKey("payroll", "");
            try (var alice = KmsAuditContext.runAs("alice")) {
                admin.putKeyPolicy("orders", """
                        {"Version": "2012-10-17", "Statement": [
                          {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"},
                          {"Effect": "Allow", "Principal": {"AWS": "orders-service"}, "Action": "kms:Encrypt", "Resource": "*"}]}""",
                        false);
            }
            CreatedCredential svc = admin.createCredential(CredentialRequest.withKeyFile("orders-service"));
            svc.writeKeyFile(dir.resolve("orders.key"));
            svc.wipe();
        }
        Path conf = dir.resolve("kms.conf");
        Files.writeString(conf, String.join("\n", "store.file=keys.kms", "credential.file=orders.key",
                "kdf.insecureForTests=true", ""));
        Provider provider = new KmsProvider().configure(conf.toString());
        KeyStore ks = KeyStore.getInstance("KMS", provider);
        ks.load(null, null);

        Cipher c = Cipher.getInstance("KMSWrap", provider);
        c.init(Cipher.WRAP_MODE, ks.getKey("orders", null));
        assertEquals(true, c.wrap(new SecretKeySpec(new byte[32], "AES")).length > 32);
        Key payroll = ks.getKey("payroll", null);
        var refused = assertThrows(KeyUseDeniedException.class, () -> {
            try (var alice = KmsAuditContext.runAs("alice")) {
                c.init(Cipher.WRAP_MODE, payroll);
            }
        });
        assertEquals("orders-service", refused.denial().principal());
    }

    @Test
    void aKeyFileAndAPasswordSourceTogetherAreRefused() throws Exception {
        Path conf = dir.resolve("kms.conf");
        Files.writeString(conf, String.join("\n", "store.file=keys.kms", "credential.file=orders.key",
                "store.password.env=KMS_PW", ""));
        var refused = assertThrows(InvalidParameterException.class, () -> new KmsProvider().configure(conf.toString()));
        assertTrue(refused.getMessage().contains("two credentials"), refused.getMessage());
    }
}
