package io.kmsjca.conformance;

import io.kmsjca.audit.KmsAuditContext;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.KeyService;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import javax.crypto.Cipher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Writes the golden files of the version-2 root key header (credentials), once:
 * {@code mvn -o -pl conformance-tests test -Dtest=GoldenCredentialsWriter -Dgolden.write=true}
 * writes {@code src/test/resources/golden/credentials-v2}. Never rerun: {@link GoldenStoreCredentialsTest}
 * must keep reading the committed bytes.
 */
class GoldenCredentialsWriter {

    static final String DIR = "src/test/resources/golden/credentials-v2";
    static final String SERVICE = "golden-service";
    static final String ROOT = "golden-root";
    static final String ROOT_PASSWORD = "golden-root-password";
    static final String POLICY = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "golden-root"}, "Action": "kms:*", "Resource": "*"},
              {"Effect": "Allow", "Principal": {"AWS": "golden-service"}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}]}""";

    @Test
    @EnabledIfSystemProperty(named = "golden.write", matches = "true")
    void write() throws Exception {
        if (Files.exists(Path.of(DIR))) {
            return; // written once; the build's second test execution must not touch it either
        }
        Path dir = Files.createDirectories(Path.of(DIR));
        try (KeyService keys = KmsAdmin.open(dir.resolve("store.kms"), GoldenFileWriter.PASSWORD.toCharArray(),
                Fixtures.cheapOptions().withMaintenanceInterval(Duration.ZERO))) {
            keys.createKey(GoldenFileWriter.ALIAS, "golden file key");
            keys.createKey("golden-unnamed", "a key whose policy names no credential but the store's root");
            try (var root = KmsAuditContext.runAs(ROOT)) {
                keys.putKeyPolicy(GoldenFileWriter.ALIAS, POLICY, false);
                keys.putKeyPolicy("golden-unnamed", POLICY.replace("golden-service", "someone-else"), false);
            }
            CreatedCredential service = keys.createCredential(CredentialRequest.withKeyFile(SERVICE));
            service.writeKeyFile(dir.resolve(SERVICE + ".key"));
            service.wipe();
            keys.createCredential(CredentialRequest.withPassword(ROOT, ROOT_PASSWORD.toCharArray()).administrator(true));
            Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
            try (var root = KmsAuditContext.runAs(ROOT)) {
                c.init(Cipher.ENCRYPT_MODE, keys.findKey(GoldenFileWriter.ALIAS).orElseThrow(), new KmsEncryptionContextSpec(Map.of()));
                Files.write(dir.resolve("encrypted.bin"), c.doFinal(GoldenFileWriter.PAYLOAD.getBytes(StandardCharsets.UTF_8)));
            }
        }
        Files.delete(dir.resolve("store.kms.prev")); // the live file's previous generation and lock are not golden
        Files.delete(dir.resolve("store.kms.lock"));
    }
}
