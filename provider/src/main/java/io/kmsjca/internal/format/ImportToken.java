package io.kmsjca.internal.format;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.WrappingAlgorithm;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The import token of GetParametersForImport (docs/FORMAT.md, "Import token"): 95 bytes,
 * <pre>
 *   "KMSI" | version 1 | key id (16) | wrapping algorithm (1) | wrapping key spec (1)
 *          | SHA-256 of the wrapping public key's SubjectPublicKeyInfo (32) | valid-to, epoch ms (8)
 *          | tag (32): HMAC-SHA256 under the store's import subkey of "kms-jca/v1/import-token" | the 63 bytes before
 * </pre>
 * The tag makes the token unforgeable and unalterable without the store's root key; the key's
 * record holds the wrapping private key the token names, so a token is good only for that key,
 * that wrapping key and until its expiry. Parsed with one length, then the tag checked in
 * constant time before any field is believed.
 */
public final class ImportToken {

    public static final byte[] MAGIC = {'K', 'M', 'S', 'I'};
    public static final int VERSION = 1;
    public static final int BODY_BYTES = 4 + 1 + 16 + 1 + 1 + 32 + 8;
    public static final int TAG_BYTES = 32;
    public static final int BYTES = BODY_BYTES + TAG_BYTES;
    public static final byte[] TAG_LABEL = "kms-jca/v1/import-token".getBytes(StandardCharsets.US_ASCII);

    /** The fields a token carries, once its tag checked. */
    public record Fields(UUID keyId, WrappingAlgorithm algorithm, KeySpec wrappingSpec, byte[] publicKeyDigest,
                         Instant validTo) {
    }

    private ImportToken() {
    }

    /** The token of {@code fields}; {@code tagger} is HMAC under the import subkey with {@link #TAG_LABEL}. */
    public static byte[] encode(Fields fields, Function<byte[], byte[]> tagger) {
        ByteBuffer b = ByteBuffer.allocate(BYTES);
        b.put(MAGIC).put((byte) VERSION);
        b.putLong(fields.keyId().getMostSignificantBits()).putLong(fields.keyId().getLeastSignificantBits());
        b.put((byte) fields.algorithm().ordinal()).put((byte) fields.wrappingSpec().ordinal());
        b.put(fields.publicKeyDigest());
        b.putLong(fields.validTo().toEpochMilli());
        byte[] body = Arrays.copyOf(b.array(), BODY_BYTES);
        b.put(tagger.apply(body));
        return b.array();
    }

    /** The fields of {@code token} if it is well formed and its tag is right; empty otherwise (one answer for every fault). */
    public static Optional<Fields> decode(byte[] token, Function<byte[], byte[]> tagger) {
        if (token == null || token.length != BYTES) {
            return Optional.empty();
        }
        byte[] body = Arrays.copyOf(token, BODY_BYTES);
        byte[] tag = Arrays.copyOfRange(token, BODY_BYTES, BYTES);
        if (!MessageDigest.isEqual(tagger.apply(body), tag)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        byte[] magic = new byte[4];
        b.get(magic);
        int version = b.get() & 0xFF;
        UUID id = new UUID(b.getLong(), b.getLong());
        int algorithm = b.get() & 0xFF;
        int spec = b.get() & 0xFF;
        byte[] digest = new byte[32];
        b.get(digest);
        long validTo = b.getLong();
        if (!Arrays.equals(magic, MAGIC) || version != VERSION || algorithm >= WrappingAlgorithm.values().length
                || spec >= KeySpec.values().length) {
            return Optional.empty(); // authentic but not ours to read: never written so
        }
        return Optional.of(new Fields(id, WrappingAlgorithm.values()[algorithm], KeySpec.values()[spec], digest,
                Instant.ofEpochMilli(validTo)));
    }

    /** SHA-256 of a wrapping public key's DER: how a token names its wrapping key. */
    public static byte[] publicKeyDigest(byte[] publicKeyDer) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(publicKeyDer);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
