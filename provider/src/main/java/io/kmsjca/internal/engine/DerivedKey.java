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
 * The AES-256-GCM key and key commitment that one salt selects under one master-key version for
 * blobs of one format version n: HKDF-Expand-SHA256(PRK = version material, info =
 * "kms-jca/KMSWrap/vn" | key id | version | salt, L = 64) = GCM key (32) | commitment (32). The
 * master key is uniformly random, so Extract is skipped (RFC 5869 §3.3). HMAC-SHA256 is collision
 * resistant, so the commitment binds a blob to exactly one key, and the key to the blob's version,
 * key id, key version and salt (docs/decisions.md, "KMSWrap key derivation").
 */
public final class DerivedKey {

    private static final byte[] LABEL_V1 = "kms-jca/KMSWrap/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LABEL_V2 = "kms-jca/KMSWrap/v2".getBytes(StandardCharsets.US_ASCII);
    /** Re-keying a JDK Mac with it overwrites the pads the master key left in it. */
    private static final SecretKeySpec ZERO_KEY = new SecretKeySpec(new byte[32], "HmacSHA256");

    /** The blob format version whose label derived it. */
    public final int format;
    public final byte[] salt;
    public final SecretBytes gcmKey;
    public final byte[] commitment;

    private DerivedKey(int format, byte[] salt, SecretBytes gcmKey, byte[] commitment) {
        this.format = format;
        this.salt = salt;
        this.gcmKey = gcmKey;
        this.commitment = commitment;
    }

    /** @param format {@link WrappedKeyBlob#VERSION} or {@link WrappedKeyBlob#VERSION_1} */
    public static DerivedKey derive(SecretBytes material, int format, UUID keyId, int version, byte[] salt, Mac mac)
            throws InvalidKeyException {
        byte[] label = switch (format) {
            case WrappedKeyBlob.VERSION -> LABEL_V2;
            case WrappedKeyBlob.VERSION_1 -> LABEL_V1;
            default -> throw new IllegalArgumentException("no KMSWrap blob version " + format);
        };
        byte[] info = ByteBuffer.allocate(label.length + 16 + 4 + WrappedKeyBlob.SALT_BYTES)
                .put(label).putLong(keyId.getMostSignificantBits()).putLong(keyId.getLeastSignificantBits())
                .putInt(version).put(salt).array();
        mac.init(material);
        byte[] okm = null;
        try {
            okm = Hkdf.expand(mac, info, 64);
            return new DerivedKey(format, salt.clone(), new SecretBytes(Arrays.copyOf(okm, 32), "AES"),
                    Arrays.copyOfRange(okm, 32, 64));
        } finally {
            if (okm != null) {
                Arrays.fill(okm, (byte) 0);
            }
            mac.init(ZERO_KEY); // the JDK's Mac keeps the master key's pads until it is keyed again
        }
    }

    /**
     * Whether this is the key a checked blob's version and salt select. Key id and key version
     * are not compared: each {@code KeyVersion} keeps its own derived keys, one key's one version.
     */
    public boolean opens(byte[] blob) {
        return format == WrappedKeyBlob.version(blob) && Arrays.equals(salt, 0, salt.length, blob, WrappedKeyBlob.SALT_OFFSET,
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
