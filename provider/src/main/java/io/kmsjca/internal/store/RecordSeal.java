package io.kmsjca.internal.store;

import io.kmsjca.internal.crypto.AesGcm;
import io.kmsjca.internal.crypto.Hkdf;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.crypto.Primitives;
import io.kmsjca.internal.crypto.SecretBytes;

import javax.crypto.AEADBadTagException;
import javax.crypto.Mac;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Seals key record payloads under the root key (docs/FORMAT.md, "Sealed record"). Writes
 * version 2: every record under an AES-256-GCM key of its own, derived from the root key, the
 * record's key id and revision and a salt, so no number of writes ever spends the random-nonce
 * budget of one GCM key. Reads version 1 too (one record key for all records, random nonces),
 * so stores written before still open; a record changes to version 2 when it is next written.
 */
public final class RecordSeal {

    static final byte[] MAGIC = "KMSS".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 2;
    public static final int SALT_BYTES = 32;
    static final int HEADER_BYTES = MAGIC.length + 1 + SALT_BYTES;
    private static final byte[] KEY_LABEL = "kms-jca/v2/record-key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SALT_LABEL = "kms-jca/v2/record-salt".getBytes(StandardCharsets.US_ASCII);
    /** Each version 2 key seals one payload, so a fixed nonce never repeats under a key. */
    private static final byte[] ZERO_NONCE = new byte[AesGcm.NONCE_BYTES];
    private static final byte[] V1_KEY_LABEL = "kms-jca/v1/record-seal".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V1_AAD = "kms-jca/v1/record".getBytes(StandardCharsets.US_ASCII);

    private final SecretBytes root;
    private final SecretBytes v1Key;

    /** Seals under {@code root} (kept, not copied: the root key's owner destroys it). */
    public RecordSeal(SecretBytes root) throws GeneralSecurityException {
        this.root = root;
        byte[] k = Hkdf.expand(keyed(root), V1_KEY_LABEL, 32);
        this.v1Key = new SecretBytes(k, "AES");
        Arrays.fill(k, (byte) 0);
    }

    /** A version 2 sealed record of {@code payload}, for {@code keyId} at {@code revision}. */
    public byte[] seal(String keyId, long revision, byte[] payload) throws GeneralSecurityException {
        byte[] random = new byte[SALT_BYTES];
        KmsRandom.nextBytes(random);
        return seal(keyId, revision, payload, random);
    }

    /**
     * Seals with {@code random} as the generator's bytes (fixed bytes only in the format
     * fingerprint test). The salt is HMAC(root, label | random | payload): should the generator
     * ever repeat, two different payloads still get different salts, hence different keys, and
     * the same payload seals to the same bytes, which reveals nothing more.
     */
    public byte[] seal(String keyId, long revision, byte[] payload, byte[] random) throws GeneralSecurityException {
        Mac mac = keyed(root);
        mac.update(SALT_LABEL);
        mac.update(random);
        byte[] salt = mac.doFinal(payload);
        byte[] header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).put((byte) VERSION).put(salt).array();
        SecretBytes key = recordKey(keyId, revision, salt);
        try {
            byte[] ct = AesGcm.encrypt(key, ZERO_NONCE, header, payload);
            byte[] sealed = Arrays.copyOf(header, HEADER_BYTES + ct.length);
            System.arraycopy(ct, 0, sealed, HEADER_BYTES, ct.length);
            return sealed;
        } finally {
            key.destroy();
        }
    }

    /**
     * The payload of a record of either version.
     *
     * @throws AEADBadTagException the record was altered, moved to another key id or revision,
     *                             sealed under another root key, or is of a version not read here
     */
    byte[] open(String keyId, long revision, byte[] sealed) throws GeneralSecurityException {
        if (!hasMagic(sealed)) {
            return openV1(keyId, revision, sealed);
        }
        try {
            if (sealed[MAGIC.length] == VERSION) {
                return openV2(keyId, revision, sealed);
            }
        } catch (AEADBadTagException e) {
            return openV1OrThrow(keyId, revision, sealed, e);
        }
        return openV1OrThrow(keyId, revision, sealed, new AEADBadTagException("record is sealed in format version "
                + (sealed[MAGIC.length] & 0xFF) + ", which this release does not read"));
    }

    /**
     * A version 1 record's nonce is random, so one in 2^32 begins with the magic: such a record
     * is still read as version 1 when the version 2 reading fails.
     */
    private byte[] openV1OrThrow(String keyId, long revision, byte[] sealed, AEADBadTagException failure)
            throws GeneralSecurityException {
        try {
            return openV1(keyId, revision, sealed);
        } catch (AEADBadTagException notV1Either) {
            throw failure;
        }
    }

    private byte[] openV2(String keyId, long revision, byte[] sealed) throws GeneralSecurityException {
        if (sealed.length < HEADER_BYTES + AesGcm.TAG_BYTES) {
            throw new AEADBadTagException("sealed record is " + sealed.length + " bytes, shorter than header and tag");
        }
        SecretBytes key = recordKey(keyId, revision, Arrays.copyOfRange(sealed, MAGIC.length + 1, HEADER_BYTES));
        try {
            return AesGcm.decrypt(key, ZERO_NONCE, Arrays.copyOf(sealed, HEADER_BYTES),
                    Arrays.copyOfRange(sealed, HEADER_BYTES, sealed.length));
        } finally {
            key.destroy();
        }
    }

    private byte[] openV1(String keyId, long revision, byte[] sealed) throws GeneralSecurityException {
        byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
        byte[] aad = ByteBuffer.allocate(V1_AAD.length + 2 + id.length + 8)
                .put(V1_AAD).putShort((short) id.length).put(id).putLong(revision).array();
        return AesGcm.open(v1Key, aad, sealed);
    }

    /** HKDF-Expand-SHA256(PRK = root, info = label | salt | u16 id length | id | u64 revision, 32). */
    private SecretBytes recordKey(String keyId, long revision, byte[] salt) throws GeneralSecurityException {
        byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
        byte[] info = ByteBuffer.allocate(KEY_LABEL.length + SALT_BYTES + 2 + id.length + 8)
                .put(KEY_LABEL).put(salt).putShort((short) id.length).put(id).putLong(revision).array();
        byte[] k = Hkdf.expand(keyed(root), info, 32);
        try {
            return new SecretBytes(k, "AES");
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    private static boolean hasMagic(byte[] sealed) {
        return sealed.length > MAGIC.length && Arrays.equals(sealed, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    private static Mac keyed(SecretBytes key) throws GeneralSecurityException {
        Mac mac = Primitives.mac("HmacSHA256");
        mac.init(key);
        return mac;
    }

    void destroy() {
        v1Key.destroy();
    }
}
