package io.kmsjca.provider;

import io.kmsjca.internal.remote.FakeKmsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Security review of the remote client (#18), R7: the secret access key signs as its principal on
 * the server, as a credential key file opens the store, so its file is refused as a key file is
 * when group or others may read it, before any request.
 */
class RemoteSecretFileReviewTest {

    @TempDir
    Path dir;

    @Test
    void r7_aSecretAccessKeyFileOthersMayRead_isRefused() throws IOException {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "POSIX permissions");
        try (FakeKmsServer server = new FakeKmsServer()) {
            Path secret = Files.writeString(dir.resolve("secret"), "kms-jca-test-secret/0123456789abcdefghij\n");
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
            Path conf = Files.writeString(dir.resolve("kms.conf"), "store.url=" + server.url()
                    + "\naccess-key-id=AKIAKMSJCATEST0001\nsecret-access-key-file=secret\nregion=eu-west-1\n");
            server.answer(200, "{\"Aliases\":[]}");
            KmsConfig config = KmsConfig.load(conf);
            IOException e = assertThrows(IOException.class, config::openServer);
            assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
            assertEquals(0, server.requests().size(), "nothing sent with a secret others may have read");

            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            config.openServer().close(); // the owner-only file is taken
            assertEquals(1, server.requests().size());
        }
    }
}
