package io.kmsjca.provider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proof programs of the security review of the issue #14 changes for the provider
 * module. Each test is an attack that must fail.
 */
class SecurityReviewFindingsTest {

    @TempDir
    Path dir;

    /**
     * Finding 5: a JDBC URL may carry the database password as a parameter. When no backend on
     * the class path opens {@code store.url} (keystore-postgres missing), the configuration error
     * repeats the URL with only {@code user@} credentials removed, so the password lands in the
     * exception message and in whatever logs it.
     */
    @Test
    void storeUrlWithAPasswordParameter_unknownBackend_isRejectedWithoutThePassword() throws Exception {
        Path conf = dir.resolve("kms.conf");
        Files.writeString(conf, String.join("\n",
                "store.url=jdbc:postgresql://db.internal/kms?user=app&password=s3cret-db-pw&ssl=true",
                "store.password.file=password", ""));
        var e = assertThrows(IllegalArgumentException.class, () -> new KmsProvider().configure(conf.toString()));
        assertTrue(e.getMessage().contains("db.internal/kms"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret-db-pw"), "the database password is in the message: " + e.getMessage());
    }
}
