package io.kmsjca.internal.crypto;

import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.WrappingAlgorithm;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.interfaces.RSAKey;
import java.util.Arrays;

/**
 * Unwraps key material encrypted for KMS ImportKeyMaterial with a wrapping key from
 * GetParametersForImport, as AWS KMS defines its wrapping algorithms:
 * <ul>
 *   <li>{@code RSAES_OAEP_SHA_1/256}: the material is one RSA-OAEP ciphertext (MGF1 with the same hash, no label);</li>
 *   <li>{@code RSA_AES_KEY_WRAP_SHA_1/256}: an RSA-OAEP ciphertext of a 256-bit AES key (as long as the modulus),
 *       followed by the material wrapped under that AES key with AES key wrap with padding (RFC 5649, KWP).</li>
 * </ul>
 * Every failure, whichever step fails (length, OAEP padding, AES key length, KWP integrity check),
 * is the same {@link BadPaddingException} with the same message: no oracle on which check failed.
 */
public final class ImportUnwrap {

    /** The one message of every failure. */
    public static final String FAILED = "the encrypted key material does not decrypt with the import's wrapping key";
    /** The AES key of RSA_AES_KEY_WRAP: 256 bits, as AWS KMS requires. */
    static final int AES_KEY_BYTES = 32;

    private ImportUnwrap() {
    }

    /**
     * The material {@code encrypted} carries. {@code wrappingSpec} is the wrapping key's spec
     * (RSA_2048, RSA_3072, RSA_4096). The caller wipes the result. Thread-safe: each call has its
     * own RSA-OAEP cipher (imports of several keys may run at once; a shared cipher gave one
     * import another's material).
     */
    public static byte[] unwrap(PrivateKey wrappingKey, KeySpec wrappingSpec, WrappingAlgorithm algorithm,
                                byte[] encrypted) throws BadPaddingException {
        AsymmetricPrimitives rsa = new AsymmetricPrimitives();
        try {
            return switch (algorithm) {
                case RSAES_OAEP_SHA_1 -> rsa.decrypt(wrappingKey, wrappingSpec, EncryptionAlgorithm.RSAES_OAEP_SHA_1, encrypted);
                case RSAES_OAEP_SHA_256 -> rsa.decrypt(wrappingKey, wrappingSpec, EncryptionAlgorithm.RSAES_OAEP_SHA_256, encrypted);
                case RSA_AES_KEY_WRAP_SHA_1 -> twoStep(rsa, wrappingKey, wrappingSpec, EncryptionAlgorithm.RSAES_OAEP_SHA_1, encrypted);
                case RSA_AES_KEY_WRAP_SHA_256 -> twoStep(rsa, wrappingKey, wrappingSpec, EncryptionAlgorithm.RSAES_OAEP_SHA_256, encrypted);
            };
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new BadPaddingException(FAILED); // no cause: it would say which step failed
        }
    }

    private static byte[] twoStep(AsymmetricPrimitives rsa, PrivateKey wrappingKey, KeySpec spec, EncryptionAlgorithm oaep,
                                  byte[] encrypted) throws GeneralSecurityException {
        int rsaBytes = (((RSAKey) wrappingKey).getModulus().bitLength() + 7) / 8;
        if (encrypted.length <= rsaBytes) {
            throw new BadPaddingException(FAILED);
        }
        byte[] aesKey = rsa.decrypt(wrappingKey, spec, oaep, Arrays.copyOfRange(encrypted, 0, rsaBytes));
        try {
            if (aesKey.length != AES_KEY_BYTES) {
                throw new BadPaddingException(FAILED);
            }
            return kwpUnwrap(aesKey, Arrays.copyOfRange(encrypted, rsaBytes, encrypted.length));
        } finally {
            Arrays.fill(aesKey, (byte) 0);
        }
    }

    /**
     * AES key wrap with padding (RFC 5649 section 4.2) unwrapped under {@code aesKey} (16, 24 or
     * 32 bytes): the JDK's {@code AES/KWP/NoPadding} (SunJCE, JDK 17+), which checks the
     * alternative initial value A65959A6, the length indicator and the zero padding.
     */
    static byte[] kwpUnwrap(byte[] aesKey, byte[] wrapped) throws GeneralSecurityException {
        // RFC 5649: at least two 64-bit blocks, a whole number of them
        if (wrapped.length < 16 || wrapped.length % 8 != 0) {
            throw new BadPaddingException(FAILED);
        }
        SecretBytes key = new SecretBytes(aesKey, "AES");
        try {
            Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
            kwp.init(Cipher.DECRYPT_MODE, key);
            return kwp.doFinal(wrapped);
        } finally {
            key.destroy();
        }
    }
}
