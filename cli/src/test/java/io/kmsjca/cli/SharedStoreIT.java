package io.kmsjca.cli;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** kms --config on a provider configuration naming a PostgreSQL store, as a fleet's operator uses it. */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // kms --config on PostgreSQL: the command layer, run once, on JDK 17 (README, "Supported JDKs")
class SharedStoreIT {

    @TempDir
    Path dir;

    @Test
    void theCommandsWorkOnAStoreInPostgres() throws Exception {
        try (EmbeddedPostgres db = EmbeddedPostgres.builder().start()) {
            Path conf = Files.writeString(dir.resolve("kms.conf"), String.join("\n",
                    "store.url=jdbc:postgresql://localhost:" + db.getPort() + "/postgres",
                    "store.postgres.user=postgres",
                    "store.postgres.name=cli",
                    "kdf.insecureForTests=true", ""));
            Kms kms = new Kms(dir);
            kms.env.remove("KMS_KEYSTORE");
            kms.env.put("KMS_CONFIG", conf.toString());

            Kms.Result created = kms.run("create-key", "--alias", "fleet");
            assertEquals(0, created.code(), created.toString());
            Kms.Result dataKey = kms.run("generate-data-key", "--key-id", "alias/fleet", "--encryption-context", "app=x");
            assertEquals(0, dataKey.code(), dataKey.toString());
            assertEquals("", dataKey.err(), "nothing but the result: no pool or logger chatter");
            assertEquals(2, kms.run("rotate-key-on-demand", "--key-id", "fleet").json().get("CurrentKeyVersion").getAsInt());
            Kms.Result decrypted = kms.run("decrypt", "--ciphertext-blob", dataKey.field("CiphertextBlob"),
                    "--encryption-context", "app=x");
            assertArrayEquals(dataKey.blob("Plaintext"), decrypted.blob("Plaintext"), decrypted.toString());
            Kms.Result flag = kms.run(kms.envWith("KMS_CONFIG", null), "list-keys", "--config", conf.toString(), "--output", "text");
            assertTrue(flag.out().contains("alias/fleet"), flag.toString());

            Kms.Result wrong = kms.run(kms.envWith("KMS_KEYSTORE_PASSWORD", "wrong"), "list-keys");
            assertEquals(3, wrong.code(), wrong.toString());
            Kms.Result noLog = kms.run("audit", "verify");
            assertEquals(2, noLog.code(), noLog.toString());
            assertTrue(noLog.err().contains("--audit-log"), noLog.err());
            Files.writeString(conf, Files.readString(conf) + "store.postgres.typo=1\n");
            Kms.Result typo = kms.run("list-keys");
            assertEquals(2, typo.code(), typo.toString());
            assertTrue(typo.err().contains("store.postgres.typo"), typo.err());
        }
    }
}
