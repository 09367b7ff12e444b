package io.kmsjca.internal.engine;

import io.kmsjca.internal.crypto.ChunkedAead;
import io.kmsjca.internal.crypto.EcdsaP384;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.EnvelopeHeader;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.internal.service.LifecycleFixture;
import io.kmsjca.keys.DataKeyCache;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsKeyRing;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsEnvelopeReader;
import io.kmsjca.provider.KmsEnvelopeSpec;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.Key;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Signed KMSEnvelope messages (version 2) through the provider's own cipher and reader: they
 * round-trip for every recipient, every byte is authenticated (header tag, verification key,
 * chunks, footer), the verification key is bound into each wrapped data key so a recipient
 * cannot re-sign a message under its own key, and a reader that requires a signature refuses,
 * audited, an unsigned message. (The conformance tests cover more; these keep the engine's
 * signed path defended by the provider module's own suite.)
 */
class SignedEnvelopeEngineTest {

    private static final Map<String, String> CTX = Map.of("file", "payroll.csv");
    private static final byte[] VERIFICATION_KEY_LABEL =
            "kms-jca/KMSEnvelope/v2/verification-key".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    LifecycleFixture f;
    KmsKeyHandle a;
    KmsKeyHandle b;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        a = f.keys.createKey("a", "");
        b = f.keys.createKey("b", "");
    }

    private static Cipher cipher(int mode, Key key, KmsEnvelopeSpec spec) throws Exception {
        Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        c.init(mode, key, spec);
        return c;
    }

    private byte[] encryptSigned(byte[] plain) throws Exception {
        return cipher(Cipher.ENCRYPT_MODE, KmsKeyRing.of(a, b), KmsEnvelopeSpec.withContext(CTX).signed()).doFinal(plain);
    }

    private static byte[] decrypt(Key key, byte[] message) throws Exception {
        return cipher(Cipher.DECRYPT_MODE, key, KmsEnvelopeSpec.withContext(CTX)).doFinal(message);
    }

    private static byte[] plaintext(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 13 + 1);
        }
        return p;
    }

    @Test
    void aSignedMessage_readsForEachRecipient_inPiecesAndAtRandom_andItsSizeIsKnownAhead() throws Exception {
        byte[] plain = plaintext(ChunkedAead.CHUNK + 500);
        Cipher enc = cipher(Cipher.ENCRYPT_MODE, KmsKeyRing.of(a, b), KmsEnvelopeSpec.withContext(CTX).signed());
        int predicted = enc.getOutputSize(plain.length);
        byte[] signed = enc.doFinal(plain);
        byte[] unsigned = cipher(Cipher.ENCRYPT_MODE, KmsKeyRing.of(a, b), KmsEnvelopeSpec.withContext(CTX)).doFinal(plain);

        assertEquals(EnvelopeHeader.VERSION_SIGNED, signed[4]);
        assertEquals(signed.length, predicted, "getOutputSize is exact for a signed message");
        assertEquals(unsigned.length + EcdsaP384.PUBLIC_KEY_BYTES + EnvelopeHeader.TAG_BYTES + EcdsaP384.SIGNATURE_BYTES,
                signed.length, "the verification key, the header tag and the footer");
        assertArrayEquals(plain, decrypt(a, signed));
        assertArrayEquals(plain, decrypt(b, signed));
        Cipher d = cipher(Cipher.DECRYPT_MODE, b, KmsEnvelopeSpec.withContext(CTX).signed());
        var out = new ByteArrayOutputStream();
        for (int off = 0; off < signed.length; off += 997) {
            byte[] got = d.update(signed, off, Math.min(997, signed.length - off));
            if (got != null) {
                out.writeBytes(got);
            }
        }
        out.writeBytes(d.doFinal());
        assertArrayEquals(plain, out.toByteArray());
        Path file = Files.write(dir.resolve("signed.kmse"), signed);
        try (SeekableByteChannel reader = KmsEnvelopeReader.open(Files.newByteChannel(file), a,
                KmsEnvelopeSpec.withContext(CTX).signed())) {
            assertEquals(plain.length, reader.size());
            ByteBuffer got = ByteBuffer.allocate(plain.length);
            while (got.hasRemaining() && reader.read(got) >= 0) {
                // all of it
            }
            assertArrayEquals(plain, got.array());
        }
    }

    /** Any flipped bit, in the header, its tag, the verification key, a chunk or the footer, fails. */
    @Test
    void everyFlippedByteOfASignedMessage_isRejected() throws Exception {
        byte[] message = encryptSigned(plaintext(200));
        for (int i = 0; i < message.length; i++) {
            byte[] bad = message.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            assertThrows(GeneralSecurityException.class, () -> decrypt(b, bad), "byte " + i);
        }
    }

    /** The header tag of a signed header is checked with the data key before any chunk is read. */
    @Test
    void anAlteredHeaderTag_failsAsTheHeader_notLaterAsTheBody() throws Exception {
        byte[] message = encryptSigned(plaintext(20));
        int h = EnvelopeHeader.length(message, message.length);
        message[h - 1] ^= 1;

        var e = assertThrows(AEADBadTagException.class, () -> decrypt(a, message));

        assertTrue(e.getMessage().contains("header failed authentication"), e.getMessage());
    }

    /**
     * What the holder of key a only can do with b's message: unwrap the data key, write a new
     * body, and sign it with a key pair of its own put in the header, the header tag recomputed.
     * b's wrapped data key carries the original verification key as AAD, so b refuses it; and the
     * original footer does not sign a new body.
     */
    @Test
    void aRecipientCannotResignAMessageUnderItsOwnVerificationKey() throws Exception {
        byte[] message = encryptSigned(plaintext(300));
        int h = EnvelopeHeader.length(message, message.length);
        byte[] header = Arrays.copyOf(message, h);
        EnvelopeHeader parsed = EnvelopeHeader.parse(header, h);
        byte[] dataKey = unwrapWithA(parsed);
        byte[] forged = "pay the forger".getBytes(StandardCharsets.UTF_8);

        byte[] keptFooter = concat(concat(header, body(dataKey, header, forged)),
                Arrays.copyOfRange(message, message.length - EcdsaP384.SIGNATURE_BYTES, message.length));
        assertThrows(AEADBadTagException.class, () -> decrypt(b, keptFooter), "the footer signs the original body");

        KeyPair mine = EcdsaP384.generate(new SecureRandom());
        byte[] swapped = header.clone();
        int keyAt = h - EnvelopeHeader.TAG_BYTES - EnvelopeHeader.VERIFICATION_KEY_BYTES;
        System.arraycopy(EcdsaP384.encode(mine), 0, swapped, keyAt, EnvelopeHeader.VERIFICATION_KEY_BYTES);
        retag(swapped, dataKey);
        byte[] reheadered = concat(swapped, body(dataKey, swapped, forged));
        Signature signer = EcdsaP384.signer(mine.getPrivate(), new SecureRandom());
        signer.update(reheadered);
        byte[] resigned = concat(reheadered, signer.sign());

        assertThrows(AEADBadTagException.class, () -> decrypt(b, resigned),
                "b's wrapped data key is bound to the original verification key");
        assertThrows(AEADBadTagException.class, () -> decrypt(a, resigned), "and so is a's");
    }

    /**
     * The header tag is the one docs/FORMAT.md defines, HMAC-SHA256 of the header before it under
     * HKDF-Expand-SHA256(data key, "kms-jca/KMSEnvelope/v1/header-tag"), so another implementation
     * that holds the data key computes the same.
     */
    @Test
    void theHeaderTag_isTheOneTheFormatDefines() throws Exception {
        byte[] message = encryptSigned(plaintext(20));
        int h = EnvelopeHeader.length(message, message.length);
        byte[] header = Arrays.copyOf(message, h);
        byte[] dataKey = unwrapWithA(EnvelopeHeader.parse(header, h));

        byte[] retagged = header.clone();
        Arrays.fill(retagged, h - EnvelopeHeader.TAG_BYTES, h, (byte) 0);
        retag(retagged, dataKey);

        assertArrayEquals(header, retagged);
    }

    /** A reader that requires a signature refuses an unsigned message, audited for the key that would open it. */
    @Test
    void anUnsignedMessage_whereASignatureIsRequired_isRefused_andAudited() throws Exception {
        byte[] unsigned = cipher(Cipher.ENCRYPT_MODE, KmsKeyRing.of(a, b), KmsEnvelopeSpec.withContext(CTX))
                .doFinal(plaintext(10));
        f.audit.clear();

        var e = assertThrows(AEADBadTagException.class,
                () -> cipher(Cipher.DECRYPT_MODE, b, KmsEnvelopeSpec.withContext(CTX).signed()).doFinal(unsigned));

        assertTrue(e.getMessage().contains("not signed"), e.getMessage());
        var refused = f.last(AuditOperation.UNWRAP_KEY);
        assertNotEquals(AuditOutcome.SUCCESS, refused.outcome());
        assertEquals(b.keyId().toString(), refused.keyId());
        assertEquals(1, refused.keyVersion());
        Path file = Files.write(dir.resolve("unsigned.kmse"), unsigned);
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            assertThrows(AEADBadTagException.class,
                    () -> KmsEnvelopeReader.open(channel, a, KmsEnvelopeSpec.withContext(CTX).signed()));
        }
        assertArrayEquals(plaintext(10), decrypt(b, unsigned), "without signed() it reads");
    }

    /** A signed message never takes a data-key cache: neither the cipher nor the engine itself starts one. */
    @Test
    void aSignedMessageWithADataKeyCache_isRefused() {
        DataKeyCache cache = new DataKeyCache(10, 1 << 20, Duration.ofMinutes(1), f.clock);
        assertThrows(InvalidAlgorithmParameterException.class, () -> cipher(Cipher.ENCRYPT_MODE, a,
                KmsEnvelopeSpec.withContext(CTX).withDataKeyCache(cache).signed()));
        assertThrows(InvalidAlgorithmParameterException.class, () -> new EnvelopeEngine()
                .seal(KmsKeyRing.of(a), EncryptionContext.of(CTX), CachedDataKeys.of(cache), true));
    }

    /** a's copy of the data key, unwrapped with the public KMSWrap cipher and the verification key as AAD. */
    private byte[] unwrapWithA(EnvelopeHeader header) throws Exception {
        byte[] blob = header.wrappedKeys().stream().filter(w -> WrappedKeyBlob.keyId(w).equals(a.keyId()))
                .findFirst().orElseThrow();
        Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        c.init(Cipher.DECRYPT_MODE, a, new KmsEncryptionContextSpec(CTX));
        c.updateAAD(concat(VERIFICATION_KEY_LABEL, header.verificationKey()));
        return c.doFinal(blob);
    }

    /** A C2SP body under the data key with the (version 2) header itself as context, as anyone with the data key can write. */
    private static byte[] body(byte[] dataKey, byte[] header, byte[] plaintext) throws Exception {
        byte[] salt = new byte[ChunkedAead.SALT];
        new SecureRandom().nextBytes(salt);
        ChunkedAead.Material m = ChunkedAead.derive(ChunkedAead.Suite.AES_256_GCM, dataKey, salt, header);
        var enc = new ChunkedAead.Encryptor(m.key(), m.baseNonce());
        byte[] chunks = new byte[enc.finalOutputSize(plaintext.length)];
        enc.doFinal(plaintext, 0, plaintext.length, chunks, 0);
        return concat(concat(salt, m.commitment()), chunks);
    }

    /** Recomputes the header tag, as anyone who knows the data key can (docs/FORMAT.md). */
    private static void retag(byte[] header, byte[] dataKey) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(dataKey, "HmacSHA256"));
        mac.update("kms-jca/KMSEnvelope/v1/header-tag".getBytes(StandardCharsets.US_ASCII));
        byte[] tagKey = mac.doFinal(new byte[] {1});
        mac.init(new SecretKeySpec(tagKey, "HmacSHA256"));
        mac.update(header, 0, header.length - EnvelopeHeader.TAG_BYTES);
        mac.doFinal(header, header.length - EnvelopeHeader.TAG_BYTES);
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }
}
