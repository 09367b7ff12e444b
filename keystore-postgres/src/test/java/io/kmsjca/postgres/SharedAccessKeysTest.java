package io.kmsjca.postgres;

import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.internal.sigv4.SigV4;
import io.kmsjca.keys.AccessKeyInfo;
import io.kmsjca.keys.AccessKeySigner;
import io.kmsjca.keys.CreatedAccessKey;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsCredential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.kmsjca.postgres.Fleet.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Access keys on a PostgreSQL store shared by a fleet (issue #18): a server process sees an
 * access key the administrator's process made, and stops accepting it once deleted, after it reads
 * the store again; two processes making access keys at the same moment never take one slot.
 */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // JDBC and SQL: run once, on JDK 17; the store contract still runs on JDK 25 (README, "Supported JDKs")
class SharedAccessKeysTest {

    @TempDir
    Path dir;
    private final PostgresSettings settings;

    SharedAccessKeysTest() throws Exception {
        settings = TestDatabase.shared().settings(TestDatabase.uniqueStoreName());
    }

    private KeyService server(Path keyFile) throws Exception {
        return KeyStores.open(PostgresKeyRecordStore.open(settings), KmsCredential.keyFile(keyFile), OPTIONS);
    }

    private Path serverCredential(KeyService admin) throws Exception {
        CreatedCredential c = admin.createCredential(CredentialRequest.withKeyFile("kms-server").actsForOthers(true));
        Path file = dir.resolve("server.key");
        c.writeKeyFile(file);
        c.wipe();
        return file;
    }

    @Test
    void aServerSeesAccessKeysMadeAndDeletedElsewhere_afterRefresh() throws Exception {
        try (KeyService admin = open(settings)) {
            Path keyFile = serverCredential(admin);
            try (KeyService server = server(keyFile)) {
                CreatedAccessKey created = admin.createAccessKey("orders-service", false);
                String id = created.info().accessKeyId();
                char[] secret = created.secretAccessKey();
                server.refresh();
                AccessKeySigner signer = server.accessKey(id).orElseThrow();
                byte[] sts = "string to sign".getBytes(StandardCharsets.US_ASCII);
                byte[] key = SigV4.signingKey(new String(secret).getBytes(StandardCharsets.US_ASCII), "20261203", "local", "kms");
                java.util.Arrays.fill(secret, '\0');
                assertArrayEquals(SigV4.hmac(key, sts), signer.signature("20261203", "local", "kms", sts));

                admin.deleteAccessKey(id);
                server.refresh();
                assertTrue(server.accessKey(id).isEmpty());
                assertThrows(KeyAccessDeniedException.class, () -> signer.actAs("10.0.0.1"));
            }
        }
    }

    @Test
    void twoProcessesMakingAccessKeysAtOnceTakeDistinctSlots() throws Exception {
        // both take free slots and make new ones at the same moment: a lost compare-and-set must move a key on, never over another
        try (KeyService a = open(settings); KeyService b = open(settings)) {
            List<String> freed = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                freed.add(a.createAccessKey("freed" + i, false).info().accessKeyId());
            }
            for (String id : freed) {
                a.deleteAccessKey(id); // 15 free slots both processes will reach for first
            }
            b.refresh();
            var pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<List<String>>> made = new ArrayList<>();
                for (KeyService s : List.of(a, b)) {
                    Callable<List<String>> task = () -> {
                        List<String> ids = new ArrayList<>();
                        for (int i = 0; i < 15; i++) {
                            ids.add(s.createAccessKey("p" + i, false).info().accessKeyId());
                        }
                        return ids;
                    };
                    made.add(pool.submit(task));
                }
                Set<String> all = new HashSet<>();
                for (Future<List<String>> f : made) {
                    all.addAll(f.get());
                }
                assertEquals(30, all.size());
                a.refresh();
                b.refresh();
                for (KeyService s : List.of(a, b)) {
                    assertEquals(all, new HashSet<>(s.listAccessKeys().stream().map(AccessKeyInfo::accessKeyId).toList()),
                            "every key made survives in its own slot");
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
