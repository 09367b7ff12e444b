package io.kmsjca.conformance;

import io.kmsjca.format.WrappedKeyBlob;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Frozen files of format version 1 (store, wrapped key, KMSWrap ciphertext), written once by
 * {@link GoldenFileWriter}. Every later release must still read them, byte for byte.
 */
class GoldenFilesTest {

    private static final Path V1 = Path.of("src/test/resources/golden/v1");

    private static KeyStore store() throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", new KmsProvider());
        try (InputStream in = Files.newInputStream(V1.resolve("store.kms"))) {
            ks.load(in, GoldenFileWriter.PASSWORD.toCharArray());
        }
        return ks;
    }

    @Test
    void v1WrappedKey_unwrapsFromTheV1Store() throws Exception {
        KmsKeyHandle key = (KmsKeyHandle) store().getKey(GoldenFileWriter.ALIAS, null);
        assertEquals(UUID.fromString(Files.readString(V1.resolve("key-id.txt")).strip()), key.keyId());
        byte[] blob = Files.readAllBytes(V1.resolve("wrapped-key.bin"));
        assertEquals(key.keyId(), WrappedKeyBlob.keyId(blob));
        assertEquals(1, WrappedKeyBlob.keyVersion(blob));
        assertEquals(WrappedKeyBlob.VERSION, blob[4]);
        Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
        c.init(Cipher.UNWRAP_MODE, key, new KmsEncryptionContextSpec(GoldenFileWriter.CONTEXT));
        assertArrayEquals(GoldenFileWriter.DATA_KEY, c.unwrap(blob, "AES", Cipher.SECRET_KEY).getEncoded());
    }

    @Test
    void v1Ciphertext_decrypts() throws Exception {
        KmsKeyHandle key = (KmsKeyHandle) store().getKey(GoldenFileWriter.ALIAS, null);
        Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
        c.init(Cipher.DECRYPT_MODE, key);
        byte[] plaintext = c.doFinal(Files.readAllBytes(V1.resolve("encrypted.bin")));
        assertEquals(GoldenFileWriter.PAYLOAD, new String(plaintext, StandardCharsets.UTF_8));
    }

    @Test
    void v1Store_startsWithTheDocumentedMagicAndVersion() throws Exception {
        byte[] image = Files.readAllBytes(V1.resolve("store.kms"));
        assertArrayEquals("KMSJCAKS".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(image, 8));
        assertEquals(1, image[8]);
    }
}
