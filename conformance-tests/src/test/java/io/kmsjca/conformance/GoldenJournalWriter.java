package io.kmsjca.conformance;

import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsProvider;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Writes the golden files of a live file store with a journal (store image version 2, journal
 * version 1), once: {@code java -cp <test class path> io.kmsjca.conformance.GoldenJournalWriter
 * conformance-tests/src/test/resources/golden/journal-v1}. Never rerun: {@link GoldenJournalTest}
 * must keep reading the committed bytes.
 */
public final class GoldenJournalWriter {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        Path file = dir.resolve("store.kms");
        KeyServiceOptions options = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
                .withMaintenanceInterval(Duration.ZERO)
                .withAudit(io.kmsjca.audit.AuditOptions.DEFAULTS.withListeners(false, java.util.List.of(), false));
        try (KeyService service = KeyStores.openFile(file, GoldenFileWriter.PASSWORD.toCharArray(), options)) {
            KmsKeyHandle key = service.createKey(GoldenFileWriter.ALIAS, "golden file key");
            service.createKey(GoldenFileWriter.SECOND_ALIAS, "second golden file key"); // in the journal
            service.rotateKeyOnDemand(GoldenFileWriter.SECOND_ALIAS); // in the journal
            Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
            c.init(Cipher.WRAP_MODE, key, new KmsEncryptionContextSpec(GoldenFileWriter.CONTEXT));
            Files.write(dir.resolve("wrapped-key.bin"), c.wrap(new SecretKeySpec(GoldenFileWriter.DATA_KEY, "AES")));
            Files.writeString(dir.resolve("key-id.txt"), key.keyId() + "\n");
        }
        Files.deleteIfExists(dir.resolve("store.kms.lock"));
    }
}
