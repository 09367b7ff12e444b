package io.kmsjca.conformance;

import io.kmsjca.internal.crypto.ChunkedAead;
import io.kmsjca.internal.crypto.EcdsaP384;
import io.kmsjca.internal.format.EnvelopeHeader;
import io.kmsjca.keys.DataKeyCache;
import io.kmsjca.keys.KeyService;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsKeyRing;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsEnvelopeReader;
import io.kmsjca.provider.KmsEnvelopeSpec;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.CipherOutputStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Signed KMSEnvelope messages (docs/FORMAT.md, version 2): with several recipients, one who can
 * unwrap the data key can write a new unsigned message under the original header that the others
 * accept; a signed one it cannot.
 */
class SignedEnvelopeTest {

    private static final KmsProvider PROVIDER = new KmsProvider();
    private static final Map<String, String> CTX = Map.of("file", "payroll.csv");
    private static final byte[] VERIFICATION_KEY_LABEL =
            "kms-jca/KMSEnvelope/v2/verification-key".getBytes(StandardCharsets.US_ASCII);

    private KeyService keys;
    private KmsKeyHandle a;
    private KmsKeyHandle b;
    private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        keys = KeyStores.newInMemory(Fixtures.cheapOptions().withMaintenanceInterval(Duration.ZERO));
        keys.addAuditListener(audit::add);
        a = keys.createKey("a", "");
        b = keys.createKey("b", "");
    }

    private static Cipher cipher(int mode, java.security.Key key, KmsEnvelopeSpec spec) throws Exception {
        Cipher c = Cipher.getInstance("KMSEnvelope", PROVIDER);
        c.init(mode, key, spec);
        return c;
    }

    private byte[] encryptSigned(byte[] msg) throws Exception {
        return cipher(Cipher.ENCRYPT_MODE, KmsKeyRing.of(a, b), KmsEnvelopeSpec.withContext(CTX).signed()).doFinal(msg);
    }

    private byte[] encryptUnsigned(byte[] msg) throws Exception {
        return cipher(Cipher.ENCRYPT_MODE, KmsKeyRing.of(a, b), KmsEnvelopeSpec.withContext(CTX)).doFinal(msg);
    }

    private static byte[] decrypt(KmsKeyHandle key, byte[] ct) throws Exception {
        return cipher(Cipher.DECRYPT_MODE, key, KmsEnvelopeSpec.withContext(CTX)).doFinal(ct);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, ChunkedAead.CHUNK - 100, ChunkedAead.CHUNK - 1, ChunkedAead.CHUNK,
            ChunkedAead.CHUNK + 1, 3 * ChunkedAead.CHUNK + 5})
    void roundTrip_eachRecipient_oneShotInPiecesAndThroughStreams(int n) throws Exception {
        byte[] msg = KmsEnvelopeTest.message(n, n);
        byte[] ct = encryptSigned(msg);
        assertEquals(EnvelopeHeader.VERSION_SIGNED, ct[4]);
        assertArrayEquals(msg, decrypt(a, ct));
        assertArrayEquals(msg, decrypt(b, ct));
        for (int piece : new int[] {1, 50, 97, 7777}) {
            if (piece == 1 && n > 20_000) {
                continue;
            }
            Cipher d = cipher(Cipher.DECRYPT_MODE, b, KmsEnvelopeSpec.withContext(CTX).signed());
            var out = new ByteArrayOutputStream();
            for (int off = 0; off < ct.length; off += piece) {
                out.writeBytes(d.update(ct, off, Math.min(piece, ct.length - off)));
            }
            out.writeBytes(d.doFinal());
            assertArrayEquals(msg, out.toByteArray(), "pieces of " + piece);
        }
        var sink = new ByteArrayOutputStream();
        try (var out = new CipherOutputStream(sink, cipher(Cipher.ENCRYPT_MODE, KmsKeyRing.of(a, b),
                KmsEnvelopeSpec.withContext(CTX).signed()))) {
            for (int off = 0; off < n; off += 7777) {
                out.write(msg, off, Math.min(7777, n - off));
            }
        }
        try (var in = new CipherInputStream(new ByteArrayInputStream(sink.toByteArray()),
                cipher(Cipher.DECRYPT_MODE, a, KmsEnvelopeSpec.withContext(CTX).signed()))) {
            assertArrayEquals(msg, in.readAllBytes());
        }
    }

    @Test
    void signing_addsTheVerificationKeyAndTheFooter_andGetOutputSizeIsExact() throws Exception {
        byte[] msg = KmsEnvelopeTest.message(40_000, 1);
        byte[] unsigned = encryptUnsigned(msg);
        Cipher c = cipher(Cipher.ENCRYPT_MODE, KmsKeyRing.of(a, b), KmsEnvelopeSpec.withContext(CTX).signed());
        int predicted = c.getOutputSize(msg.length);
        byte[] signed = c.doFinal(msg);
        // version 2 keeps the header tag that version 3 (unsigned) dropped
        assertEquals(unsigned.length + EcdsaP384.PUBLIC_KEY_BYTES + EnvelopeHeader.TAG_BYTES + EcdsaP384.SIGNATURE_BYTES,
                signed.length);
        assertEquals(predicted, signed.length);
    }

    /**
     * The documented limitation of unsigned messages, and what signing changes: the holder of
     * master key a only (not b) unwraps the data key and writes a new body under the original
     * header; the holder of b accepts it unless the message is signed.
     */
    @Test
    void aRecipientForgesANewBodyUnderTheOriginalHeader_unsignedIsAccepted_signedIsRejected() throws Exception {
        byte[] forged = "pay the forger".getBytes(StandardCharsets.UTF_8);

        byte[] unsigned = encryptUnsigned(KmsEnvelopeTest.message(50_000, 2));
        int h = EnvelopeHeader.length(unsigned, unsigned.length);
        byte[] header = Arrays.copyOf(unsigned, h);
        byte[] dataKey = unwrapWithA(EnvelopeHeader.parse(header, h), null);
        assertArrayEquals(forged, decrypt(b, concat(header, body(dataKey, header, forged))),
                "documented limitation: an unsigned message's recipients can write to each other");

        byte[] signed = encryptSigned(KmsEnvelopeTest.message(50_000, 3));
        h = EnvelopeHeader.length(signed, signed.length);
        header = Arrays.copyOf(signed, h);
        EnvelopeHeader parsed = EnvelopeHeader.parse(header, h);
        dataKey = unwrapWithA(parsed, parsed.verificationKey());
        byte[] forgedBody = concat(header, body(dataKey, header, forged));

        // 1. the original footer does not sign the new body
        byte[] keptFooter = concat(forgedBody, Arrays.copyOfRange(signed, signed.length - 96, signed.length));
        assertThrows(AEADBadTagException.class, () -> decrypt(b, keptFooter));
        // 2. a signature by the forger's own key does not verify under the header's key
        KeyPair mine = EcdsaP384.generate(new SecureRandom());
        byte[] ownSignature = concat(forgedBody, sign(mine, forgedBody));
        var e = assertThrows(AEADBadTagException.class, () -> decrypt(b, ownSignature));
        assertInstanceOf(SignatureException.class, e.getCause());
        // 3. the forger's own key in the header, header tag recomputed: b's wrapped key no longer opens
        byte[] swapped = header.clone();
        int keyAt = h - EnvelopeHeader.TAG_BYTES - EnvelopeHeader.VERIFICATION_KEY_BYTES;
        System.arraycopy(EcdsaP384.encode(mine), 0, swapped, keyAt, EnvelopeHeader.VERIFICATION_KEY_BYTES);
        retag(swapped, dataKey);
        byte[] reheadered = concat(swapped, body(dataKey, swapped, forged));
        byte[] resigned = concat(reheadered, sign(mine, reheadered));
        assertThrows(AEADBadTagException.class, () -> decrypt(b, resigned));
        // 4. a downgrade to an unsigned header over the same wrapped keys, tagged (version 1) or not
        // (version 3): b's wrapped key does not open either
        byte[] downgraded = new byte[h - EnvelopeHeader.VERIFICATION_KEY_BYTES];
        System.arraycopy(header, 0, downgraded, 0, keyAt);
        downgraded[4] = EnvelopeHeader.VERSION_TAGGED;
        downgraded[5] = EnvelopeHeader.SUITE_COBBLESTONE_256;
        retag(downgraded, dataKey);
        byte[] unsignedForgery = concat(downgraded, body(dataKey, downgraded, forged));
        assertThrows(AEADBadTagException.class, () -> decrypt(b, unsignedForgery));
        byte[] untagged = Arrays.copyOf(downgraded, downgraded.length - EnvelopeHeader.TAG_BYTES);
        untagged[4] = EnvelopeHeader.VERSION;
        byte[] untaggedForgery = concat(untagged, body(dataKey, untagged, forged));
        var refused = assertThrows(AEADBadTagException.class, () -> decrypt(b, untaggedForgery));
        assertFalse(refused.getMessage().contains("commitment"), "b's wrapped key, bound to the verification key, "
                + "fails before the body: " + refused.getMessage());
    }

    @Test
    void everyFlippedByte_everyTruncation_andAnExtension_ofASignedMessage_areRejected() throws Exception {
        byte[] ct = encryptSigned(KmsEnvelopeTest.message(300, 4));
        for (int i = 0; i < ct.length; i++) {
            byte[] bad = ct.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            assertThrows(GeneralSecurityException.class, () -> decrypt(b, bad), "byte " + i);
        }
        // every cut through the final chunk and the footer; elsewhere every seventh
        for (int len = 0; len < ct.length; len += len < ct.length - 400 ? 7 : 1) {
            byte[] cut = Arrays.copyOf(ct, len);
            assertThrows(GeneralSecurityException.class, () -> decrypt(b, cut), "cut at " + len);
        }
        assertThrows(AEADBadTagException.class, () -> decrypt(b, Arrays.copyOf(ct, ct.length + 1)));
    }

    @Test
    void streamingDecrypt_withholdsTheLastChunk_untilTheFooterVerifies() throws Exception {
        byte[] msg = KmsEnvelopeTest.message(2 * ChunkedAead.CHUNK + 100, 5);
        byte[] ct = encryptSigned(msg);
        byte[] badFooter = ct.clone();
        badFooter[ct.length - 1] ^= 1;

        Cipher d = cipher(Cipher.DECRYPT_MODE, b, KmsEnvelopeSpec.withContext(CTX));
        var released = new ByteArrayOutputStream();
        for (int off = 0; off < badFooter.length; off += 1000) {
            released.writeBytes(d.update(badFooter, off, Math.min(1000, badFooter.length - off)));
        }
        assertArrayEquals(Arrays.copyOf(msg, 2 * ChunkedAead.CHUNK), released.toByteArray(),
                "the full chunks, authenticated under the data key; not the final one");
        var e = assertThrows(AEADBadTagException.class, d::doFinal);
        assertInstanceOf(SignatureException.class, e.getCause());
        byte[] out = new byte[badFooter.length]; // before the header is read, the output size is bounded by the input's
        Cipher oneShot = cipher(Cipher.DECRYPT_MODE, b, KmsEnvelopeSpec.withContext(CTX));
        assertThrows(AEADBadTagException.class, () -> oneShot.doFinal(badFooter, 0, badFooter.length, out, 0));
        assertArrayEquals(new byte[out.length], out, "a one-shot decryption releases nothing");

        try (var in = new CipherInputStream(new ByteArrayInputStream(badFooter),
                cipher(Cipher.DECRYPT_MODE, b, KmsEnvelopeSpec.withContext(CTX)))) {
            byte[] buf = new byte[msg.length];
            int got = 0;
            IOException thrown = null;
            try {
                for (int n; (n = in.read(buf, got, buf.length - got)) > 0; ) {
                    got += n;
                }
            } catch (IOException io) {
                thrown = io;
            }
            assertNotNull(thrown, "the stream ends in an error, not at a clean end");
            assertTrue(got <= 2 * ChunkedAead.CHUNK, "read " + got + " bytes: the final chunk came out");
        }

        Cipher good = cipher(Cipher.DECRYPT_MODE, b, KmsEnvelopeSpec.withContext(CTX));
        assertEquals(2 * ChunkedAead.CHUNK, good.update(ct).length);
        assertArrayEquals(Arrays.copyOfRange(msg, 2 * ChunkedAead.CHUNK, msg.length), good.doFinal());
    }

    @Test
    void unsignedMessage_whenASignatureIsRequired_isRejected_andAudited() throws Exception {
        byte[] unsigned = encryptUnsigned(KmsEnvelopeTest.message(10, 6));
        audit.clear();
        var e = assertThrows(AEADBadTagException.class,
                () -> cipher(Cipher.DECRYPT_MODE, b, KmsEnvelopeSpec.withContext(CTX).signed()).doFinal(unsigned));
        assertTrue(e.getMessage().contains("not signed"), e.getMessage());
        assertTrue(audit.stream().anyMatch(ev -> ev.operation() == AuditOperation.UNWRAP_KEY
                && ev.outcome() != io.kmsjca.spi.audit.AuditOutcome.SUCCESS && ev.keyId().equals(b.keyId().toString())), audit.toString());
        try (var reader = KmsEnvelopeReader.open(new InMemoryChannel(encryptSigned(new byte[10])), a, CTX)) {
            assertEquals(10, reader.size(), "a signed message reads without asking for it");
        }
    }

    @Test
    void randomAccessWithASignedSpec_refusesAnUnsignedMessage_audited() throws Exception {
        byte[] unsigned = encryptUnsigned(KmsEnvelopeTest.message(100, 9));
        audit.clear();
        var e = assertThrows(AEADBadTagException.class, () -> KmsEnvelopeReader.open(new InMemoryChannel(unsigned), b,
                KmsEnvelopeSpec.withContext(CTX).signed()));
        assertTrue(e.getMessage().contains("not signed"), e.getMessage());
        assertTrue(audit.stream().anyMatch(ev -> ev.operation() == AuditOperation.UNWRAP_KEY
                && ev.outcome() != io.kmsjca.spi.audit.AuditOutcome.SUCCESS && ev.keyId().equals(b.keyId().toString())), audit.toString());
        try (var plain = KmsEnvelopeReader.open(new InMemoryChannel(unsigned), b, KmsEnvelopeSpec.withContext(CTX))) {
            assertEquals(100, plain.size(), "without signed() the same message reads");
        }
        try (var plain = KmsEnvelopeReader.open(new InMemoryChannel(unsigned), b, (KmsEnvelopeSpec) null)) {
            assertEquals(100, plain.size(), "no spec: the message's own context, signed or not");
        }
        try (var plain = KmsEnvelopeReader.open(new InMemoryChannel(encryptSigned(new byte[10])), b,
                KmsEnvelopeSpec.withContext(CTX).signed())) {
            assertEquals(10, plain.size());
        }
        assertThrows(AEADBadTagException.class, () -> KmsEnvelopeReader.open(new InMemoryChannel(encryptSigned(new byte[10])), b,
                KmsEnvelopeSpec.withContext(Map.of("other", "context")).signed()), "the spec's context is required too");
    }

    @Test
    void signedWithADataKeyCache_isRejected() {
        var spec = KmsEnvelopeSpec.withContext(CTX).withDataKeyCache(new DataKeyCache(10, 1 << 20, Duration.ofMinutes(1)))
                .signed();
        assertThrows(InvalidAlgorithmParameterException.class, () -> cipher(Cipher.ENCRYPT_MODE, a, spec));
    }

    @Test
    void theSigningKeyComesFromTheProvider_notFromTheCallersRandom() throws Exception {
        SecureRandom fixed = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                Arrays.fill(bytes, (byte) 7);
            }
        };
        byte[][] keysSeen = new byte[2][];
        for (int i = 0; i < 2; i++) {
            Cipher c = Cipher.getInstance("KMSEnvelope", PROVIDER);
            c.init(Cipher.ENCRYPT_MODE, a, KmsEnvelopeSpec.withContext(CTX).signed(), fixed);
            byte[] ct = c.doFinal(new byte[1]);
            keysSeen[i] = EnvelopeHeader.parse(ct, EnvelopeHeader.length(ct, ct.length)).verificationKey();
        }
        assertFalse(Arrays.equals(keysSeen[0], keysSeen[1]));
    }

    @Test
    void randomAccess_verifiesTheSignatureWhenItOpens() throws Exception {
        byte[] msg = KmsEnvelopeTest.message(3 * ChunkedAead.CHUNK + 10, 7);
        byte[] ct = encryptSigned(msg);
        try (var plain = KmsEnvelopeReader.open(new InMemoryChannel(ct), b, CTX)) {
            assertEquals(msg.length, plain.size());
            ByteBuffer buf = ByteBuffer.allocate(20);
            plain.position(msg.length - 10);
            assertEquals(10, plain.read(buf));
            assertArrayEquals(Arrays.copyOfRange(msg, msg.length - 10, msg.length), Arrays.copyOf(buf.array(), 10));
        }
        byte[] badFooter = ct.clone();
        badFooter[ct.length - 40] ^= 1;
        assertThrows(AEADBadTagException.class, () -> KmsEnvelopeReader.open(new InMemoryChannel(badFooter), b, CTX));
        byte[] noFooter = Arrays.copyOf(ct, ct.length - EcdsaP384.SIGNATURE_BYTES);
        assertThrows(AEADBadTagException.class, () -> KmsEnvelopeReader.open(new InMemoryChannel(noFooter), b, CTX));
    }

    /**
     * What a recipient holding key a can do: unwrap a's copy of the data key with the public
     * KMSWrap cipher, with the verification key as AAD (docs/FORMAT.md) or, failing that, without.
     */
    private byte[] unwrapWithA(EnvelopeHeader header, byte[] verificationKey) throws Exception {
        byte[] blob = header.wrappedKeys().stream().filter(w -> io.kmsjca.internal.format.WrappedKeyBlob.keyId(w).equals(a.keyId()))
                .findFirst().orElseThrow();
        Cipher c = Cipher.getInstance("KMSWrap", PROVIDER);
        if (verificationKey != null) {
            try {
                c.init(Cipher.DECRYPT_MODE, a, new KmsEncryptionContextSpec(CTX));
                c.updateAAD(concat(VERIFICATION_KEY_LABEL, verificationKey));
                return c.doFinal(blob);
            } catch (AEADBadTagException e) {
                // not bound that way: try without
            }
        }
        c.init(Cipher.DECRYPT_MODE, a, new KmsEncryptionContextSpec(CTX));
        return c.doFinal(blob);
    }

    /**
     * A C2SP chunked body of {@code plaintext} under the data key, with the header as context
     * (version 3: its SHA-256), as anyone who knows the data key can write (docs/FORMAT.md).
     */
    static byte[] body(byte[] dataKey, byte[] header, byte[] plaintext) throws Exception {
        byte[] salt = new byte[ChunkedAead.SALT];
        new SecureRandom().nextBytes(salt);
        byte[] context = header[4] == EnvelopeHeader.VERSION ? MessageDigest.getInstance("SHA-256").digest(header) : header;
        ChunkedAead.Material m = ChunkedAead.derive(ChunkedAead.Suite.AES_256_GCM, dataKey, salt, context);
        var enc = new ChunkedAead.Encryptor(m.key(), m.baseNonce());
        byte[] chunks = new byte[enc.finalOutputSize(plaintext.length)];
        enc.doFinal(plaintext, 0, plaintext.length, chunks, 0);
        return concat(concat(salt, m.commitment()), chunks);
    }

    /** Recomputes the header tag, as anyone who knows the data key can (docs/FORMAT.md). */
    static void retag(byte[] header, byte[] dataKey) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(dataKey, "HmacSHA256"));
        mac.update("kms-jca/KMSEnvelope/v1/header-tag".getBytes(StandardCharsets.US_ASCII));
        byte[] tagKey = mac.doFinal(new byte[] {1});
        mac.init(new SecretKeySpec(tagKey, "HmacSHA256"));
        mac.update(header, 0, header.length - EnvelopeHeader.TAG_BYTES);
        mac.doFinal(header, header.length - EnvelopeHeader.TAG_BYTES);
    }

    private static byte[] sign(KeyPair pair, byte[] message) throws Exception {
        Signature s = Signature.getInstance("SHA384withECDSAinP1363Format");
        s.initSign(pair.getPrivate());
        s.update(message);
        return s.sign();
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }
}
