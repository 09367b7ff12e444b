package io.kmsjca.internal.engine;

import io.kmsjca.internal.service.ServiceKeyHandle;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsKeyRing;

import io.kmsjca.internal.crypto.ChunkedAead;
import io.kmsjca.internal.crypto.ChunkedReader;
import io.kmsjca.internal.crypto.ConstantTime;
import io.kmsjca.internal.crypto.EcdsaP384;
import io.kmsjca.internal.crypto.Hkdf;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.crypto.Primitives;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.crypto.SignedBody;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.EnvelopeHeader;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.spi.audit.AuditOperation;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Mac;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Starts and opens KMSEnvelope messages: a data key per message (or a cached one), wrapped with
 * KMSWrap under every recipient master key, an authenticated header, then a C2SP chunked body
 * whose context is that header. A signed message (opt-in) also carries the verification key of a
 * key pair made for it, bound into every wrapped data key, and ends with the sender's signature
 * over all the bytes before it, so no recipient can write a message the others accept.
 * The envelope cipher and reader only adapt it to their APIs: the chunk layout, the data key and
 * the body's keys stay here. One engine per cipher or reader; not thread-safe.
 */
public final class EnvelopeEngine {

    /** Plaintext bytes per chunk: the most a random-access read decrypts at once. */
    public static final int CHUNK = ChunkedAead.CHUNK;

    private static final ChunkedAead.Suite SUITE = ChunkedAead.Suite.AES_256_GCM;
    private static final byte[] HEADER_TAG_LABEL = "kms-jca/KMSEnvelope/v1/header-tag".getBytes(StandardCharsets.US_ASCII);
    /** Before the verification key in each wrapped data key's AAD: binds the key to every wrap. */
    private static final byte[] VERIFICATION_KEY_LABEL =
            "kms-jca/KMSEnvelope/v2/verification-key".getBytes(StandardCharsets.US_ASCII);

    private final WrapEngine wrap = new WrapEngine();
    // one message at a time per engine, so one of each primitive, looked up once
    private final javax.crypto.Cipher chunkGcm = Primitives.aesGcm();
    private final Mac sha512 = Primitives.mac("HmacSHA512");
    private final Mac sha256 = Primitives.mac("HmacSHA256");
    private final MessageDigest headerDigest = Primitives.digest("SHA-256");

    /**
     * A message being written: the bytes before the first chunk, the body (chunks, and a
     * signature if signed), the cache entry it came from, and the random epoch its key, salt and
     * nonces belong to.
     */
    public record Sealing(byte[] prefix, ChunkedAead.Body body, CachedDataKeys.Entry cached, int epoch) {
        /** Counts encrypted bytes against the cached data key's limit, if one is in use. */
        public void countBytes(long n) {
            if (cached != null) {
                cached.bytes.addAndGet(n);
            }
        }

        /**
         * Refuses to go on with a message begun before a checkpoint: every copy of a snapshot
         * would finish it with its own data under the same key and nonces (for a cached key's
         * message, the key of all its messages). One volatile read.
         */
        public void refuseIfCheckpointed() throws GeneralSecurityException {
            if (KmsRandom.epoch() != epoch) {
                throw new GeneralSecurityException("a checkpoint was taken (or begun) while this message was being"
                        + " written; each copy of the snapshot would finish it under the same key and nonces:"
                        + " write the message again");
            }
        }
    }

    /**
     * Fails, audited, if a recipient key of {@code ring} may not be used now (Cipher.init's check),
     * and refuses a signed message with a data-key cache.
     */
    public void checkUsable(KmsKeyRing ring, EncryptionContext context, CachedDataKeys cache, boolean signed)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        if (signed && cache != null) {
            // a cached header would carry one verification key for many messages, so its private key
            // would have to live in the cache too: a signed message gets a new data key and key pair
            throw new InvalidAlgorithmParameterException("a signed KMSEnvelope message takes no data-key cache");
        }
        if (ring.encryptionKeys().isEmpty()) {
            throw new InvalidKeyException("a store-wide key ring decrypts only: encrypt to named master keys");
        }
        for (KmsKeyHandle k : ring.encryptionKeys()) {
            if (signed && MasterKeyOperations.isRemote(k)) {
                throw remoteSigned(k);
            }
            MasterKeyOperations.of(k, wrap).checkUsable(k, context, AuditOperation.WRAP_KEY);
        }
    }

    /**
     * The exact size of a new message's prefix (header and chunk header) for {@code recipients}
     * keys; {@code cached}: of a cached data key (version 4, numbered).
     */
    static int prefixLength(EncryptionContext context, int recipients, boolean signed, boolean cached) {
        return 4 + 1 + 1 + 2 + context.encodedLength() + 1 + recipients * (2 + 32 + WrappedKeyBlob.OVERHEAD)
                + (signed ? EnvelopeHeader.VERIFICATION_KEY_BYTES + EnvelopeHeader.TAG_BYTES : 0)
                + ChunkedAead.headerLength(cached);
    }

    /** The bytes after the last chunk: a signature footer, or none. */
    static int footerLength(boolean signed) {
        return signed ? SignedBody.FOOTER : 0;
    }

    /**
     * The exact length of a new message of {@code plaintext} bytes to {@code recipients} keys: its
     * prefix, its chunks and, if signed, the signature footer.
     */
    public static long messageLength(EncryptionContext context, int recipients, boolean signed, boolean cached,
                                     long plaintext) {
        return prefixLength(context, recipients, signed, cached) + plaintext / ChunkedAead.CHUNK * ChunkedAead.SEALED_CHUNK
                + plaintext % ChunkedAead.CHUNK + ChunkedAead.TAG + footerLength(signed);
    }

    /**
     * How many more bytes a message's prefix (its header, then the 56-byte chunk header) needs
     * after the {@code len} bytes in {@code head}: 0 once it is complete. Never a byte of the body,
     * so a streaming decryptor copies the prefix alone and decrypts the chunks in place.
     *
     * @throws BadPaddingException the bytes so far are not the start of a KMSEnvelope message
     */
    public static int prefixMissing(byte[] head, int len) throws BadPaddingException {
        int headerLength = EnvelopeHeader.length(head, len);
        return headerLength < 0 ? EnvelopeHeader.needed(head, len) - len
                : Math.max(0, headerLength + ChunkedAead.headerLength(EnvelopeHeader.numbered(head)) - len);
    }

    /**
     * Opens a message whose prefix is complete in {@code head[0..len)} ({@link #prefixMissing} is 0)
     * with a key of {@code ring}: recovers its data key, checks the header, the context and the
     * body's commitment, and returns the body's decryptor. The data key never leaves the engine.
     *
     * @param expected      the encryption context the caller requires, or null to accept the stored one
     * @param requireSigned refuse, audited, a message that is not signed
     */
    public ChunkedAead.Body open(byte[] head, int len, KmsKeyRing ring, EncryptionContext expected, boolean requireSigned)
            throws GeneralSecurityException {
        int headerLength = EnvelopeHeader.length(head, len);
        if (headerLength < 0 || len < headerLength + ChunkedAead.headerLength(EnvelopeHeader.numbered(head))) {
            throw new IllegalArgumentException("the message's prefix is not complete");
        }
        EnvelopeHeader header = EnvelopeHeader.parse(head, headerLength);
        byte[] dataKey = openDataKey(header, ring, expected, requireSigned);
        try {
            return body(dataKey, header, head, headerLength);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * Opens the message in {@code ciphertext} for random access with a key of {@code ring}: reads
     * its header, recovers its data key, verifies a signed message whole (one pass over the
     * channel), and checks the body's commitment. The data key never leaves the engine.
     *
     * @param expected      the encryption context the caller requires, or null to accept the stored one
     * @param requireSigned refuse, audited, a message that is not signed
     */
    public ChunkedReader openForReading(SeekableByteChannel ciphertext, KmsKeyRing ring, EncryptionContext expected,
                                        boolean requireSigned) throws IOException, GeneralSecurityException {
        int max = (int) Math.min(ciphertext.size(), EnvelopeHeader.MAX_HEADER_BYTES);
        byte[] head = new byte[max];
        ByteBuffer buf = ByteBuffer.wrap(head);
        ciphertext.position(0);
        while (buf.hasRemaining() && ciphertext.read(buf) >= 0) {
            // read the header's longest possible span, or the whole message if shorter
        }
        int headerLength = EnvelopeHeader.length(head, buf.position());
        if (headerLength < 0 || headerLength > buf.position()) { // the lengths are read, but not all their bytes
            throw new AEADBadTagException("message is truncated: it ends inside its header");
        }
        EnvelopeHeader header = EnvelopeHeader.parse(head, headerLength);
        byte[] dataKey = openDataKey(header, ring, expected, requireSigned);
        try {
            // a signed message is verified whole, once, before any of it can be read
            long end = header.signed() ? SignedBody.verify(verifier(header), ciphertext, headerLength) : ciphertext.size();
            return ChunkedReader.open(SUITE, dataKey, chunkContext(header.bytes()), ciphertext, headerLength, end,
                    header.numbered());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * Starts a message to {@code ring}'s keys under {@code context}.
     *
     * @param cache  a data-key cache, or null for a new data key per message
     * @param signed whether the message is signed: a verification key in the header, bound into
     *               every wrapped data key, and a signature footer (never with a cache)
     * @throws InvalidKeyException a recipient key cannot be used (audited for that key)
     */
    public Sealing seal(KmsKeyRing ring, EncryptionContext context, CachedDataKeys cache, boolean signed)
            throws GeneralSecurityException {
        if (ring.encryptionKeys().isEmpty()) {
            throw new InvalidKeyException("a store-wide key ring decrypts only: encrypt to named master keys");
        }
        if (signed && cache != null) {
            throw new InvalidAlgorithmParameterException("a signed KMSEnvelope message takes no data-key cache");
        }
        // the random epoch every random byte of this message is drawn in (or a cached key's, below)
        int epoch = KmsRandom.sessionEpoch();
        // the signing key pair comes from the provider's own generator, as every secret does
        KeyPair signing = signed ? EcdsaP384.generate(KmsRandom.generator()) : null;
        byte[] verificationKey = signed ? EcdsaP384.encode(signing) : null;
        byte[] wrapAad = signed ? verificationKeyAad(verificationKey) : null;
        CachedDataKeys.Recipients recipients = cache == null ? null : CachedDataKeys.Recipients.of(ring, context);
        // a reuse is checked against the recipient keys' state and current versions; refused, a fresh key is made
        CachedDataKeys.Reuse reuse = cache == null ? null : cache.take(recipients);
        if (reuse != null) {
            return reused(ring, context, reuse);
        }
        // one draw from the provider's generator per message (per cached key, whose entry keeps the
        // epoch, so no copy of a restored snapshot reuses it): the data key and the salt
        byte[] fresh = new byte[32 + ChunkedAead.SALT];
        KmsRandom.nextBytes(fresh);
        byte[] salt = Arrays.copyOfRange(fresh, 32, fresh.length);
        byte[] dataKey = Arrays.copyOf(fresh, 32);
        Arrays.fill(fresh, (byte) 0);
        List<byte[]> blobs = new ArrayList<>();
        int[] versions = new int[ring.encryptionKeys().size()];
        try {
            for (KmsKeyHandle k : ring.encryptionKeys()) {
                MasterKeyOperations ops = MasterKeyOperations.of(k, wrap);
                // a server's key makes the data key itself (GenerateDataKey), the others seal that one
                byte[] blob = blobs.isEmpty() && ops != wrap
                        ? ops.generateDataKey(k, dataKey, context, AuditOperation.WRAP_KEY)
                        : ops.seal(k, dataKey, 0, dataKey.length, context, wrapAad,
                        wrapAad == null ? 0 : wrapAad.length, AuditOperation.WRAP_KEY);
                versions[blobs.size()] = WrappedKeyBlob.keyVersion(blob);
                blobs.add(blob);
            }
        } catch (InvalidKeyException | RuntimeException refused) {
            Arrays.fill(dataKey, (byte) 0); // a recipient key may not encrypt (audited by the wrap)
            throw refused;
        }
        byte[] header;
        if (signed) { // version 2 keeps its header tag; versions 3 and 4 have none (the body's commitment binds the header)
            byte[] body = EnvelopeHeader.body(context, blobs, verificationKey);
            header = Arrays.copyOf(body, body.length + EnvelopeHeader.TAG_BYTES);
            System.arraycopy(headerTag(dataKey, body, body.length), 0, header, body.length, EnvelopeHeader.TAG_BYTES);
        } else {
            header = EnvelopeHeader.body(context, blobs, cache != null); // a cached key's messages are numbered
        }
        ChunkedAead.Material m = ChunkedAead.derive(SUITE, dataKey, salt, chunkContext(header), sha512);
        try {
            byte[] prefix = Arrays.copyOf(header, header.length + ChunkedAead.headerLength(cache != null));
            System.arraycopy(salt, 0, prefix, header.length, ChunkedAead.SALT);
            System.arraycopy(m.commitment(), 0, prefix, header.length + ChunkedAead.SALT, ChunkedAead.COMMITMENT);
            // message number 0 (the last four bytes of a numbered prefix) leaves the base nonce as derived
            CachedDataKeys.Entry entry = cache == null ? null : cache.put(recipients, m.key(), m.baseNonce(),
                    Arrays.copyOf(prefix, header.length + ChunkedAead.HEADER), versions, epoch);
            var chunks = new ChunkedAead.Encryptor(chunkGcm, m.key(), m.baseNonce());
            if (!signed) {
                return new Sealing(prefix, chunks, entry, epoch);
            }
            Signature signer = EcdsaP384.signer(signing.getPrivate(), KmsRandom.generator());
            signer.update(prefix);
            return new Sealing(prefix, new SignedBody.Signing(chunks, signer), entry, epoch);
        } finally {
            Arrays.fill(m.key(), (byte) 0);
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * Message {@code reuse.number()} of a cached data key (version 4): its entry's prefix and
     * number, and its body under the entry's chunk key with that message's base nonce. No random
     * bytes, no derivation: the per-message work is the body's GCM.
     */
    private Sealing reused(KmsKeyRing ring, EncryptionContext context, CachedDataKeys.Reuse reuse)
            throws InvalidKeyException {
        CachedDataKeys.Entry entry = reuse.entry();
        KmsKeyHandle first = ring.encryptionKeys().get(0);
        try {
            if (!MasterKeyOperations.isRemote(first)) { // a server's key: the server never sees a reuse, so none is audited
                ServiceKeyHandle.serviceOf(first).auditRecorder().record(AuditOperation.REUSE_CACHED_DATA_KEY,
                        first.keyId(), entry.firstVersion(), first.alias(), null, context);
            }
            int n = reuse.number();
            byte[] prefix = Arrays.copyOf(entry.prefix, entry.prefix.length + ChunkedAead.NUMBER);
            ChunkedAead.putNumber(prefix, entry.prefix.length, n);
            return new Sealing(prefix, new ChunkedAead.Encryptor(chunkGcm, reuse.chunkKey(),
                    ChunkedAead.numberedNonce(entry.baseNonce, n)), entry, entry.epoch);
        } finally {
            Arrays.fill(reuse.chunkKey(), (byte) 0);
        }
    }

    /**
     * Recovers a message's data key with a key of {@code ring} and checks the header tag of a
     * tagged (version 1 or 2) header; a version 3 header is checked by the body's commitment.
     *
     * @param expected       the encryption context the caller requires, or null to accept the stored one
     * @param requireSigned  refuse, audited, a message that is not signed
     * @return the data key; the caller wipes it
     * @throws InvalidKeyException no data key is wrapped under a key of the ring, or that key is unusable
     * @throws AEADBadTagException the header, or the context, is not what was encrypted; or the
     *                             message is unsigned and a signed one is required
     */
    private byte[] openDataKey(EnvelopeHeader header, KmsKeyRing ring, EncryptionContext expected, boolean requireSigned)
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
                if (requireSigned && !header.signed()) {
                    var e = new AEADBadTagException("the message is not signed, and a signed one is required: any "
                            + "recipient of an unsigned message could have written it");
                    if (!MasterKeyOperations.isRemote(handle.get())) {
                        ServiceKeyHandle.serviceOf(handle.get()).auditRecorder().record(AuditOperation.UNWRAP_KEY, id,
                                WrappedKeyBlob.keyVersion(blob), handle.get().alias(), e, stored);
                    }
                    throw e;
                }
                // a signed message's verification key is in each wrap's AAD: no recipient can swap in its own
                byte[] aad = header.signed() ? verificationKeyAad(header.verificationKey()) : null;
                if (aad != null && MasterKeyOperations.isRemote(handle.get())) {
                    throw remoteSigned(handle.get());
                }
                byte[] dataKey = MasterKeyOperations.of(handle.get(), wrap).open(handle.get(), blob, stored, aad,
                        aad == null ? 0 : aad.length, AuditOperation.UNWRAP_KEY);
                if (dataKey.length != 32 || header.tagged() && !tagMatches(dataKey, header)) {
                    Arrays.fill(dataKey, (byte) 0);
                    throw new AEADBadTagException("KMSEnvelope header failed authentication: it was altered");
                }
                // version 3: the header is authenticated by the body's commitment, checked before any chunk
                return dataKey;
            }
        }
        throw new InvalidKeyException("the message has no data key wrapped under " + ring + "; it names keys " + named);
    }

    /**
     * A signed message binds its verification key into each wrapped data key as AAD, and the AWS KMS
     * API has no AAD: signed messages need embedded keys (docs/decisions.md).
     */
    private static InvalidAlgorithmParameterException remoteSigned(KmsKeyHandle k) {
        return new InvalidAlgorithmParameterException("a signed KMSEnvelope message binds its verification key into "
                + "each wrapped data key as AAD, which a kms-jca server's key (" + k + ") cannot take: the AWS KMS API "
                + "has no AAD; sign with embedded keys, or send unsigned messages");
    }

    private static EncryptionContext decode(byte[] encoding) throws BadPaddingException {
        try {
            return EncryptionContext.decode(encoding);
        } catch (IllegalArgumentException e) {
            throw new BadPaddingException("KMSEnvelope encryption context is malformed: " + e.getMessage());
        }
    }

    /**
     * The body decryptor of a message whose data key is known: checks the body's commitment; for a
     * signed message it also verifies the footer before the final chunk comes out.
     */
    private ChunkedAead.Body body(byte[] dataKey, EnvelopeHeader header, byte[] chunkHeader, int off)
            throws GeneralSecurityException {
        var chunks = ChunkedAead.Decryptor.forMessage(SUITE, dataKey, chunkContext(header.bytes()), chunkHeader, off,
                header.numbered(), chunkGcm, sha512);
        if (!header.signed()) {
            return chunks;
        }
        Signature verifier = verifier(header);
        verifier.update(chunkHeader, off, ChunkedAead.HEADER);
        return new SignedBody.Verifying(chunks, verifier);
    }

    /** A verifier of a signed message's footer, already fed the message's header. */
    private static Signature verifier(EnvelopeHeader header) throws GeneralSecurityException {
        Signature verifier = EcdsaP384.verifier(header.verificationKey());
        verifier.update(header.bytes());
        return verifier;
    }

    /** The AAD each wrapped data key of a signed message carries: a label, then the verification key. */
    private static byte[] verificationKeyAad(byte[] verificationKey) {
        byte[] aad = Arrays.copyOf(VERIFICATION_KEY_LABEL, VERIFICATION_KEY_LABEL.length + verificationKey.length);
        System.arraycopy(verificationKey, 0, aad, VERIFICATION_KEY_LABEL.length, verificationKey.length);
        return aad;
    }

    static ChunkedAead.Suite suite() {
        return SUITE;
    }

    /**
     * The C2SP context of a message's body: SHA-256 of the header (version 3), or the header
     * itself (versions 1 and 2). Either way the body's key commitment binds every header byte.
     */
    private byte[] chunkContext(byte[] header) {
        return EnvelopeHeader.chunkContextIsDigest(header) ? headerDigest.digest(header) : header;
    }

    private boolean tagMatches(byte[] dataKey, EnvelopeHeader header) throws InvalidKeyException {
        byte[] bytes = header.bytes();
        byte[] tag = headerTag(dataKey, bytes, header.tagOffset());
        return ConstantTime.equals(tag, 0, bytes, header.tagOffset(), EnvelopeHeader.TAG_BYTES);
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
