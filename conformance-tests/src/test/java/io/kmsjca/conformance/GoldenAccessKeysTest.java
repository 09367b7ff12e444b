package io.kmsjca.conformance;

import io.kmsjca.internal.service.EmbeddedKeyService;
import io.kmsjca.internal.sigv4.SigV4;
import io.kmsjca.keys.AccessKeyInfo;
import io.kmsjca.keys.AccessKeySigner;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyService;
import io.kmsjca.provider.KmsAdmin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The frozen {@code golden/access-keys-v1} store ({@link GoldenAccessKeysWriter}): its access keys
 * list as written, sign with the secrets they were made with, act as their principals, and the
 * slot of the deleted one takes the next access key without a new record.
 */
class GoldenAccessKeysTest {

    @TempDir
    Path dir;

    record Written(AccessKeyInfo info, String secret) {
    }

    static List<Written> written() throws Exception {
        List<Written> all = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(GoldenAccessKeysWriter.DIR, "access-keys.txt"))) {
            String[] f = line.split(" ");
            all.add(new Written(new AccessKeyInfo(f[0], f[1], Boolean.parseBoolean(f[2]),
                    Instant.ofEpochMilli(Long.parseLong(f[4]))), f[3]));
        }
        return all;
    }

    @Test
    void theFrozenAccessKeysList_sign_andActAsWritten() throws Exception {
        Path file = dir.resolve("store.kms");
        Files.copy(Path.of(GoldenAccessKeysWriter.DIR, "store.kms"), file);
        List<Written> written = written();
        try (KeyService keys = KmsAdmin.open(file, GoldenFileWriter.PASSWORD.toCharArray(),
                Fixtures.cheapOptions().withMaintenanceInterval(Duration.ZERO))) {
            assertEquals(written.stream().map(Written::info).toList(), keys.listAccessKeys());
            byte[] stringToSign = "AWS4-HMAC-SHA256\n20261203T000000Z\n20261203/local/kms/aws4_request\n0"
                    .getBytes(StandardCharsets.US_ASCII);
            for (Written w : written) {
                AccessKeySigner signer = keys.accessKey(w.info().accessKeyId()).orElseThrow();
                byte[] key = SigV4.signingKey(w.secret().getBytes(StandardCharsets.US_ASCII), "20261203", "local", "kms");
                assertArrayEquals(SigV4.hmac(key, stringToSign), signer.signature("20261203", "local", "kms", stringToSign),
                        w.info().principal());
            }
            try (var ops = keys.accessKey(written.get(1).info().accessKeyId()).orElseThrow().actAs("golden")) {
                keys.createKey("made-by-ops", "");
            }
            try (var user = keys.accessKey(written.get(0).info().accessKeyId()).orElseThrow().actAs("golden")) {
                assertThrows(KeyAccessDeniedException.class, () -> keys.createKey("made-by-user", ""));
            }
            int records = EmbeddedKeyService.of(keys).backend().list().size();
            keys.createAccessKey("golden-next", false);
            assertEquals(records, EmbeddedKeyService.of(keys).backend().list().size(), "the freed slot is reused");
        }
    }
}
