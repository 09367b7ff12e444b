package io.kmsjca.conformance;

import io.kmsjca.keys.CreatedAccessKey;
import io.kmsjca.keys.KeyService;
import io.kmsjca.provider.KmsAdmin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the golden files of the access keys' records (docs/FORMAT.md, "Access keys"), once:
 * {@code mvn -o -pl conformance-tests -am test -Dtest=GoldenAccessKeysWriter -Dgolden.write=true
 * -Dsurefire.failIfNoSpecifiedTests=false} writes {@code src/test/resources/golden/access-keys-v1}: a store
 * with a key user's access key, an administrator's, and a slot freed by a deleted one, and
 * {@code access-keys.txt} (id, principal, administrator, secret per line: test data, never a real
 * secret). Never rerun: {@link GoldenAccessKeysTest} must keep reading the committed bytes.
 */
class GoldenAccessKeysWriter {

    static final String DIR = "src/test/resources/golden/access-keys-v1";
    static final String USER = "golden-user";
    static final String OPS = "golden-ops";

    @Test
    @EnabledIfSystemProperty(named = "golden.write", matches = "true")
    void write() throws Exception {
        if (Files.exists(Path.of(DIR))) {
            return; // written once
        }
        Path dir = Files.createDirectories(Path.of(DIR));
        List<String> lines = new ArrayList<>();
        try (KeyService keys = KmsAdmin.open(dir.resolve("store.kms"), GoldenFileWriter.PASSWORD.toCharArray(),
                Fixtures.cheapOptions().withMaintenanceInterval(Duration.ZERO))) {
            keys.createKey(GoldenFileWriter.ALIAS, "golden file key");
            for (var k : List.of(keys.createAccessKey(USER, false), keys.createAccessKey(OPS, true))) {
                lines.add(line(k));
            }
            keys.deleteAccessKey(keys.createAccessKey("golden-deleted", false).info().accessKeyId());
        }
        Files.write(dir.resolve("access-keys.txt"), lines);
        Files.delete(dir.resolve("store.kms.prev")); // the live file's previous generation and lock are not golden
        Files.delete(dir.resolve("store.kms.lock"));
    }

    private static String line(CreatedAccessKey k) {
        char[] secret = k.secretAccessKey();
        try {
            return k.info().accessKeyId() + " " + k.info().principal() + " " + k.info().administrator() + " "
                    + new String(secret) + " " + k.info().created().toEpochMilli();
        } finally {
            java.util.Arrays.fill(secret, '\0');
            k.wipe();
        }
    }
}
