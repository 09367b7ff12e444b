package io.kmsjca.keys;

import io.kmsjca.crypto.ChunkedAead;
import io.kmsjca.crypto.ConstantTime;
import io.kmsjca.crypto.Hkdf;
import io.kmsjca.crypto.KmsRandom;
import io.kmsjca.crypto.Primitives;
import io.kmsjca.crypto.SecretBytes;
import io.kmsjca.format.EncryptionContext;
import io.kmsjca.format.EnvelopeHeader;
import io.kmsjca.format.WrappedKeyBlob;
import io.kmsjca.spi.audit.AuditOperation;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Mac;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Starts and opens KMSEnvelope messages: a data key per message (or a cached one), wrapped with
 * KMSWrap under every recipient master key, an authenticated header, then a C2SP chunked body
 * whose context is that header. One engine per cipher or reader; not thread-safe.
 */
public final class EnvelopeEngine {

    private static final ChunkedAead.Suite SUITE = ChunkedAead.Suite.AES_256_GCM;
    private static final byte[] HEADER_TAG_LABEL = "kms-jca/KMSEnvelope/v1/header-tag".getBytes(StandardCharsets.US_ASCII);

    private final WrapEngine wrap = new WrapEngine();
    // one message at a time per engine, so one of each primitive, looked up once
    private final javax.crypto.Cipher chunkGcm = Primitives.aesGcm();
    private final Mac sha512 = Primitives.mac("HmacSHA512");
    private final Mac sha256 = Primitives.mac("HmacSHA256");

    /** A message being written: the bytes before the first chunk, and the chunk encryptor. */
    public record Sealing(byte[] prefix, ChunkedAead.Encryptor body, DataKeyCache.Entry cached) {
        /** Counts encrypted bytes against the cached data key's limit, if one is in use. */
        public void countBytes(long n) {
            if (cached != null) {
                cached.bytes.addAndGet(n);
            }
        }
    }

    /** Fails, audited, if a recipient key of {@code ring} may not be used now (Cipher.init's check). */
    public void checkUsable(KmsKeyRing ring, EncryptionContext context) throws InvalidKeyException {
        if (ring.encryptionKeys().isEmpty()) {
            throw new InvalidKeyException("a store-wide key ring decrypts only: encrypt to named master keys");
        }
        for (KmsKeyHandle k : ring.encryptionKeys()) {
            wrap.checkUsable(k, context, AuditOperation.WRAP_KEY);
        }
    }

    /** The exact size of a new message's prefix (header and chunk header) for {@code recipients} keys. */
    public static int prefixLength(EncryptionContext context, int recipients) {
        return 4 + 1 + 1 + 2 + context.encodedLength() + 1 + recipients * (2 + 32 + WrappedKeyBlob.OVERHEAD)
                + EnvelopeHeader.TAG_BYTES + ChunkedAead.HEADER;
    }

    /**
     * Starts a message to {@code ring}'s keys under {@code context}.
     *
     * @param cache a data-key cache, or null for a new data key per message
     * @throws InvalidKeyException a recipient key cannot be used (audited for that key)
     */
    public Sealing seal(KmsKeyRing ring, EncryptionContext context, DataKeyCache cache)
            throws GeneralSecurityException {
        if (ring.encryptionKeys().isEmpty()) {
            throw new InvalidKeyException("a store-wide key ring decrypts only: encrypt to named master keys");
        }
        String recipients = cache == null ? null : DataKeyCache.recipients(ring, context.encoded());
        DataKeyCache.Reuse reuse = cache == null ? null : cache.take(recipients);
        DataKeyCache.Entry entry = reuse == null ? null : reuse.entry();
        // one draw from the provider's generator per message: the data key (unless cached) and the salt
        byte[] fresh = new byte[(reuse == null ? 32 : 0) + ChunkedAead.SALT];
        KmsRandom.nextBytes(fresh);
        byte[] salt = Arrays.copyOfRange(fresh, fresh.length - ChunkedAead.SALT, fresh.length);
        byte[] dataKey;
        byte[] header;
        if (reuse != null) {
            dataKey = reuse.dataKey();
            header = entry.header;
            KmsKeyHandle first = ring.encryptionKeys().get(0);
            first.service().audit().record(AuditOperation.REUSE_CACHED_DATA_KEY, first.keyId(), 0, first.alias(), null,
                    context);
        } else {
            dataKey = Arrays.copyOf(fresh, 32);
            Arrays.fill(fresh, (byte) 0);
            List<byte[]> blobs = new ArrayList<>();
            for (KmsKeyHandle k : ring.encryptionKeys()) {
                blobs.add(wrap.seal(k, dataKey, 0, dataKey.length, context, null, 0, AuditOperation.WRAP_KEY));
            }
            byte[] body = EnvelopeHeader.body(context, blobs);
            header = Arrays.copyOf(body, body.length + EnvelopeHeader.TAG_BYTES);
            System.arraycopy(headerTag(dataKey, body, body.length), 0, header, body.length, EnvelopeHeader.TAG_BYTES);
            if (cache != null) {
                entry = cache.put(recipients, dataKey, header);
            }
        }
        ChunkedAead.Material m = ChunkedAead.derive(SUITE, dataKey, salt, header, sha512);
        try {
            byte[] prefix = Arrays.copyOf(header, header.length + ChunkedAead.HEADER);
            System.arraycopy(salt, 0, prefix, header.length, ChunkedAead.SALT);
            System.arraycopy(m.commitment(), 0, prefix, header.length + ChunkedAead.SALT, ChunkedAead.COMMITMENT);
            return new Sealing(prefix, new ChunkedAead.Encryptor(chunkGcm, m.key(), m.baseNonce()), entry);
        } finally {
            Arrays.fill(m.key(), (byte) 0);
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * Recovers a message's data key with a key of {@code ring} and checks the header tag.
     *
     * @param expected the encryption context the caller requires, or null to accept the stored one
     * @return the data key; the caller wipes it
     * @throws InvalidKeyException no data key is wrapped under a key of the ring, or that key is unusable
     * @throws AEADBadTagException the header, or the context, is not what was encrypted
     */
    public byte[] openDataKey(EnvelopeHeader header, KmsKeyRing ring, EncryptionContext expected)
            throws GeneralSecurityException {
        byte[] encoding = header.contextEncoding();
        // the encoding is canonical: the context the caller expects, if the bytes match, is the stored one
        EncryptionContext stored = expected != null && expected.isEncodedAs(encoding) ? expected : decode(encoding);
        if (expected != null && !expected.equals(stored)) {
            throw new AEADBadTagException("the message was encrypted under another encryption context (its keys: "
                    + stored.keys() + ")");
        }
        List<UUID> named = new ArrayList<>();
        for (byte[] blob : header.wrappedKeys()) {
            WrappedKeyBlob.check(blob);
            UUID id = WrappedKeyBlob.keyId(blob);
            named.add(id);
            Optional<KmsKeyHandle> handle = ring.handleFor(id);
            if (handle.isPresent()) {
                byte[] dataKey = wrap.open(handle.get(), blob, stored, null, 0, AuditOperation.UNWRAP_KEY);
                byte[] bytes = header.bytes();
                byte[] tag = headerTag(dataKey, bytes, header.tagOffset());
                if (dataKey.length != 32 || !ConstantTime.equals(tag, 0, bytes, header.tagOffset(), EnvelopeHeader.TAG_BYTES)) {
                    Arrays.fill(dataKey, (byte) 0);
                    throw new AEADBadTagException("KMSEnvelope header failed authentication: it was altered");
                }
                return dataKey;
            }
        }
        throw new InvalidKeyException("the message has no data key wrapped under " + ring + "; it names keys " + named);
    }

    private static EncryptionContext decode(byte[] encoding) throws BadPaddingException {
        try {
            return EncryptionContext.decode(encoding);
        } catch (IllegalArgumentException e) {
            throw new BadPaddingException("KMSEnvelope encryption context is malformed: " + e.getMessage());
        }
    }

    /** The chunk decryptor of a message whose data key is known: checks the body's commitment. */
    public ChunkedAead.Decryptor body(byte[] dataKey, EnvelopeHeader header, byte[] chunkHeader, int off)
            throws GeneralSecurityException {
        return ChunkedAead.Decryptor.forMessage(SUITE, dataKey, header.bytes(), chunkHeader, off, chunkGcm, sha512);
    }

    static ChunkedAead.Suite suite() {
        return SUITE;
    }

    /** HMAC-SHA256 over the header under HKDF-Expand-SHA256(data key, "kms-jca/KMSEnvelope/v1/header-tag"). */
    private byte[] headerTag(byte[] dataKey, byte[] header, int len) throws InvalidKeyException {
        SecretBytes prk = new SecretBytes(dataKey, "HmacSHA256");
        byte[] k = null;
        try {
            Mac mac = sha256;
            mac.init(prk);
            k = Hkdf.expand(mac, HEADER_TAG_LABEL, 32);
            SecretBytes tagKey = new SecretBytes(k, "HmacSHA256");
            mac.init(tagKey);
            mac.update(header, 0, len);
            byte[] tag = mac.doFinal();
            tagKey.destroy();
            return tag;
        } finally {
            prk.destroy();
            if (k != null) {
                Arrays.fill(k, (byte) 0);
            }
        }
    }
}
