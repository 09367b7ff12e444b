package io.kmsjca.internal.engine;

import io.kmsjca.internal.crypto.Hkdf;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.format.WrappedKeyBlob;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.util.Arrays;
import java.util.UUID;

/**
 * The AES-256-GCM key and key commitment that one salt selects under one master-key version:
 * HKDF-Expand-SHA256(PRK = version material, info = "kms-jca/KMSWrap/v1" | key id | version |
 * salt, L = 64) = GCM key (32) | commitment (32). The master key is uniformly random, so Extract
 * is skipped (RFC 5869 §3.3). HMAC-SHA256 is collision resistant, so the commitment binds a
 * blob to exactly one key (docs/decisions.md, "KMSWrap key derivation").
 */
public final class DerivedKey {

    private static final byte[] LABEL = "kms-jca/KMSWrap/v1".getBytes(StandardCharsets.US_ASCII);
    /** Re-keying a JDK Mac with it overwrites the pads the master key left in it. */
    private static final SecretKeySpec ZERO_KEY = new SecretKeySpec(new byte[32], "HmacSHA256");

    public final byte[] salt;
    public final SecretBytes gcmKey;
    public final byte[] commitment;

    private DerivedKey(byte[] salt, SecretBytes gcmKey, byte[] commitment) {
        this.salt = salt;
        this.gcmKey = gcmKey;
        this.commitment = commitment;
    }

    public static DerivedKey derive(SecretBytes material, UUID keyId, int version, byte[] salt, Mac mac)
            throws InvalidKeyException {
        byte[] info = ByteBuffer.allocate(LABEL.length + 16 + 4 + WrappedKeyBlob.SALT_BYTES)
                .put(LABEL).putLong(keyId.getMostSignificantBits()).putLong(keyId.getLeastSignificantBits())
                .putInt(version).put(salt).array();
        mac.init(material);
        byte[] okm = null;
        try {
            okm = Hkdf.expand(mac, info, 64);
            return new DerivedKey(salt.clone(), new SecretBytes(Arrays.copyOf(okm, 32), "AES"),
                    Arrays.copyOfRange(okm, 32, 64));
        } finally {
            if (okm != null) {
                Arrays.fill(okm, (byte) 0);
            }
            mac.init(ZERO_KEY); // the JDK's Mac keeps the master key's pads until it is keyed again
        }
    }

    public boolean hasSalt(byte[] blob) {
        return Arrays.equals(salt, 0, salt.length, blob, WrappedKeyBlob.SALT_OFFSET,
                WrappedKeyBlob.SALT_OFFSET + WrappedKeyBlob.SALT_BYTES);
    }

    /**
     * Wipes the GCM key (a version's wipe does, for every derived key it still holds). The
     * commitment is kept: it is no secret (every blob carries it), and an unwrap comparing it at
     * that moment must not take a wiped key for an altered blob.
     */
    public void destroy() {
        gcmKey.destroy();
    }

    /** Whether {@link #destroy()} has wiped the GCM key. */
    public boolean isDestroyed() {
        return gcmKey.isDestroyed();
    }
}
