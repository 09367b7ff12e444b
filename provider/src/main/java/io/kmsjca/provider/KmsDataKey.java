package io.kmsjca.provider;

import javax.crypto.SecretKey;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Arrays;

/**
 * A data key from {@code KeyGenerator "KMSDataKey"}: an AES key to encrypt data with, and its
 * wrapped form ({@link #ciphertextBlob()}, a KMSWrap blob) to store beside the data. Unwrap the
 * blob later with {@code Cipher "KMSWrap"} in UNWRAP_MODE (or DECRYPT_MODE) under the same
 * master key and encryption context. A key generated without plaintext has a null
 * {@link #getEncoded()}. {@link #destroy()} wipes the plaintext.
 */
public final class KmsDataKey implements SecretKey {
    private static final long serialVersionUID = 1L;

    private final byte[] plaintext;
    private final byte[] ciphertextBlob;
    private volatile boolean destroyed;

    public KmsDataKey(byte[] plaintext, byte[] ciphertextBlob) {
        this.plaintext = plaintext == null ? null : plaintext.clone();
        this.ciphertextBlob = ciphertextBlob.clone();
    }

    /** The wrapped key (KMS CiphertextBlob). */
    public byte[] ciphertextBlob() {
        return ciphertextBlob.clone();
    }

    /** Whether the plaintext key is here (false for GenerateDataKeyWithoutPlaintext, or once destroyed). */
    public boolean hasPlaintext() {
        return plaintext != null && !destroyed;
    }

    @Override
    public String getAlgorithm() {
        return "AES";
    }

    @Override
    public String getFormat() {
        return hasPlaintext() ? "RAW" : null;
    }

    /** A copy of the plaintext key, or null without one. */
    @Override
    public byte[] getEncoded() {
        return hasPlaintext() ? plaintext.clone() : null;
    }

    @Override
    public void destroy() {
        destroyed = true;
        if (plaintext != null) {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    private void writeObject(ObjectOutputStream out) throws NotSerializableException {
        throw new NotSerializableException("data keys are not serializable; store ciphertextBlob() instead");
    }

    @Override
    public String toString() {
        return "KmsDataKey[AES-" + (plaintext == null ? "?" : plaintext.length * 8) + ", blob "
                + ciphertextBlob.length + " bytes" + (hasPlaintext() ? "" : ", no plaintext") + "]";
    }
}
