package io.kmsjca.internal.service;

import io.kmsjca.internal.crypto.ChunkedAead;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.format.EnvelopeHeader;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.DataKeyCache;
import io.kmsjca.keys.ExpirationModel;
import io.kmsjca.keys.GrantOperation;
import io.kmsjca.keys.GrantRequest;
import io.kmsjca.keys.ImportParameters;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.WrappingAlgorithm;
import io.kmsjca.provider.KmsEnvelopeSpec;
import io.kmsjca.spi.audit.AuditOperation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyStoreException;
import java.security.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import static io.kmsjca.internal.service.ImportKeyMaterialTest.encrypt;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Review of the fixes of stop 43's security reviews. The first four tests failed on the code as
 * reviewed (73d10af and fed26ff fix them); the others are bypasses of a fix that the code
 * refuses, kept as a regression net.
 */
class TodaysFixesReviewTest {

    private static final Map<String, String> CTX = Map.of("file", "report.pdf");
    private static final int CHUNK = ChunkedAead.CHUNK;
    private static final int SEALED = ChunkedAead.SEALED_CHUNK;

    @TempDir
    Path dir;
    LifecycleFixture f;
    KmsKeyHandle orders;

    @BeforeEach
    void open() throws Exception {
        f = new LifecycleFixture(dir);
        orders = f.keys.createKey("orders", "");
    }

    @AfterEach
    void close() throws Exception {
        f.keys.close();
    }

    // ---------------------------------------------------------------- helpers

    private Cipher envelope(int mode) throws Exception {
        Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        c.init(mode, orders, KmsEnvelopeSpec.withContext(CTX));
        return c;
    }

    /** A message of 20,000 bytes of 'A': one whole chunk, then a final chunk of 3,616 bytes. */
    private static byte[] plaintext() {
        byte[] p = new byte[20_000];
        Arrays.fill(p, (byte) 'A');
        return p;
    }

    /** Where the first chunk starts. */
    private static int chunksAt(byte[] message) throws Exception {
        return EnvelopeHeader.length(message, message.length) + ChunkedAead.headerLength(EnvelopeHeader.numbered(message));
    }

    private static byte[] withLastByteFlipped(byte[] message) {
        byte[] forged = message.clone();
        forged[forged.length - 1] ^= 1; // the final chunk's tag
        return forged;
    }

    private static int count(byte[] b, int from, int to, byte value) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (b[i] == value) {
                n++;
            }
        }
        return n;
    }

    private long count(AuditOperation op) {
        f.keys.auditRecorder().flush();
        return f.audit.stream().filter(e -> e.operation() == op).count();
    }

    // ================================================================ findings (failed on the reviewed code)

    /**
     * FINDING (fix 3, low/medium): "a failed decryption call leaves nothing in its output" (README,
     * 727e088). The wipe covers {@code len} bytes, the input of the failing call, but the call
     * writes the plaintext of every chunk it completes, including bytes an earlier update buffered:
     * here an update buffers 16,000 bytes of chunk 0, the doFinal brings its last 400 bytes and a
     * forged final chunk. Chunk 0's 16,384 bytes are written, the wipe clears 4,032 of them.
     */
    @Test
    void aFailedDoFinal_wipesTheChunkAnEarlierUpdateBuffered() throws Exception {
        byte[] forged = withLastByteFlipped(envelope(Cipher.ENCRYPT_MODE).doFinal(plaintext()));
        int split = chunksAt(forged) + 16_000;
        Cipher dec = envelope(Cipher.DECRYPT_MODE);
        assertEquals(0, dec.update(forged, 0, split).length, "chunk 0 is not complete yet: nothing released");
        byte[] out = new byte[dec.getOutputSize(forged.length - split)];
        assertThrows(AEADBadTagException.class, () -> dec.doFinal(forged, split, forged.length - split, out, 0));
        assertEquals(0, count(out, 0, out.length, (byte) 'A'),
                "the failed doFinal left plaintext of chunk 0 in the caller's output");
    }

    /**
     * FINDING (fix 3, medium: caller data destroyed): the wipe of a failed decryption call clears
     * {@code len} bytes from {@code outOff}, more than the call may write (its output size is
     * {@code len} minus 16 bytes per chunk tag). Through {@code Cipher.doFinal(ByteBuffer,
     * ByteBuffer)} with a heap buffer the JDK passes the whole backing array, so the wipe zeroes
     * bytes past the output buffer's limit: data of the caller that is no part of the output.
     */
    @Test
    void aFailedDoFinal_leavesTheCallersBytesPastTheOutputBuffersLimit() throws Exception {
        byte[] forged = withLastByteFlipped(envelope(Cipher.ENCRYPT_MODE).doFinal(plaintext()));
        int header = chunksAt(forged);
        Cipher dec = envelope(Cipher.DECRYPT_MODE);
        assertEquals(0, dec.update(forged, 0, header).length);
        int bodyLen = forged.length - header;
        int outSize = dec.getOutputSize(bodyLen);
        byte[] backing = new byte[outSize + 64];
        Arrays.fill(backing, (byte) 0x55); // past outSize: the caller's own data
        ByteBuffer out = ByteBuffer.wrap(backing, 0, outSize);
        assertThrows(AEADBadTagException.class, () -> dec.doFinal(ByteBuffer.wrap(forged, header, bodyLen), out));
        assertEquals(64, count(backing, outSize, backing.length, (byte) 0x55),
                "bytes past the output buffer's limit were overwritten by the failed call");
    }

    /**
     * FINDING (fix 3's premise "Decryption was already copy-safe", README "both ways", low:
     * availability): {@code Cipher.doFinal(buf, 0, n, buf, shift)} with the output after the
     * input in one array (a legal call: the JCA requires copy-safety). Each whole chunk is opened
     * in place and writes 16,384 bytes where the next chunk's input still lies, so chunk 1 no
     * longer authenticates and a valid message is refused (and, by the new wipe, its plaintext
     * area zeroed).
     */
    @Test
    void decryptionIsCopySafe_whenTheOutputFollowsTheInputInOneArray() throws Exception {
        byte[] p = plaintext();
        byte[] message = envelope(Cipher.ENCRYPT_MODE).doFinal(p);
        int shift = chunksAt(message) + 100;
        byte[] buf = new byte[shift + message.length];
        System.arraycopy(message, 0, buf, 0, message.length);
        int n = assertDoesNotThrow(() -> envelope(Cipher.DECRYPT_MODE).doFinal(buf, 0, message.length, buf, shift),
                "a valid message decrypted with the output 100 bytes after its first chunk was refused");
        assertArrayEquals(p, Arrays.copyOfRange(buf, shift, shift + n));
    }

    /**
     * FINDING (fix 5, low): the repeated named CreateGrant now answers before the key's state is
     * looked at, and is audited as a success, on a key pending deletion: a new grant is refused
     * there (MasterKey.withGrant: Enabled or Disabled only; AWS KMS: KMSInvalidStateException), the
     * same request repeated is not.
     */
    @Test
    void aRepeatedNamedCreateGrant_onAKeyPendingDeletion_isRefusedAsANewOneIs() throws Exception {
        GrantRequest req = GrantRequest.to("app", Set.of(GrantOperation.Decrypt)).name("app-decrypt");
        f.keys.createGrant("orders", req);
        f.keys.scheduleKeyDeletion("orders", 7);
        assertThrows(KeyStateException.class, () -> f.keys.createGrant("orders",
                GrantRequest.to("app", Set.of(GrantOperation.Decrypt)).name("other")), "a new grant is refused");
        assertThrows(KeyStateException.class, () -> f.keys.createGrant("orders", req),
                "a repeated named CreateGrant on a key pending deletion succeeded (and was audited as a success)");
    }

    // ================================================================ bypasses tried, refused (pass)

    /** Fix 3: in-place encryption with the output before, at and after the input, byte[] and heap ByteBuffer. */
    @Test
    void inPlaceEncryption_outputBeforeAtOrAfterTheInput_roundTrips() throws Exception {
        byte[] p = plaintext();
        int room = 2048;
        for (int inAt : new int[] {0, 1000, room}) {
            for (int outAt : new int[] {0, 500, room}) {
                byte[] buf = new byte[room + p.length + 4096];
                System.arraycopy(p, 0, buf, inAt, p.length);
                Cipher enc = envelope(Cipher.ENCRYPT_MODE);
                int n = enc.update(buf, inAt, 7_000, buf, outAt);
                // the rest of the input, which the first call's output may have overlapped, must be intact
                byte[] rest = Arrays.copyOfRange(buf, inAt + 7_000, inAt + p.length);
                if (outAt + n > inAt + 7_000) {
                    continue; // the caller itself overwrote its unread input with the first call's output
                }
                n += enc.doFinal(buf, inAt + 7_000, p.length - 7_000, buf, outAt + n);
                assertArrayEquals(Arrays.copyOfRange(p, 7_000, p.length), rest);
                byte[] message = Arrays.copyOfRange(buf, outAt, outAt + n);
                assertArrayEquals(p, envelope(Cipher.DECRYPT_MODE).doFinal(message), "in " + inAt + ", out " + outAt);
            }
            byte[] buf = new byte[room + p.length + 4096];
            System.arraycopy(p, 0, buf, inAt, p.length);
            ByteBuffer in = ByteBuffer.wrap(buf, inAt, p.length);
            ByteBuffer out = ByteBuffer.wrap(buf);
            int n = envelope(Cipher.ENCRYPT_MODE).doFinal(in, out);
            assertArrayEquals(p, envelope(Cipher.DECRYPT_MODE).doFinal(Arrays.copyOfRange(buf, 0, n)));
        }
    }

    /** Fix 3: decryption in place with the output at or before the input round-trips; a failure leaves no plaintext. */
    @Test
    void inPlaceDecryption_outputAtOrBeforeTheInput_roundTrips_andAFailureLeavesNoPlaintext() throws Exception {
        byte[] p = plaintext();
        byte[] message = envelope(Cipher.ENCRYPT_MODE).doFinal(p);
        for (int outAt : new int[] {0, 10}) {
            byte[] buf = new byte[10 + message.length];
            System.arraycopy(message, 0, buf, 10, message.length);
            int n = envelope(Cipher.DECRYPT_MODE).doFinal(buf, 10, message.length, buf, outAt);
            assertArrayEquals(p, Arrays.copyOfRange(buf, outAt, outAt + n));
        }
        byte[] forged = withLastByteFlipped(message);
        byte[] buf = forged.clone();
        assertThrows(AEADBadTagException.class, () -> envelope(Cipher.DECRYPT_MODE).doFinal(buf, 0, buf.length, buf, 0));
        assertEquals(0, count(buf, 0, p.length, (byte) 'A'), "plaintext stayed where the output was written"); // past it: ciphertext, which may hold an A
        // the allocating call: a forged message gives no output and the trimmed array is not returned
        assertThrows(BadPaddingException.class, () -> envelope(Cipher.DECRYPT_MODE).doFinal(forged));
    }

    /**
     * Fix 1: imported material past its ValidTo is refused on the paths other than KMSWrap wrap
     * and HMAC (covered by ImportHmacAsymmetricReviewTest): unwrap of an older blob, re-encryption
     * from and to the key, the data-key cache's reuse and a KMSEnvelope started before ValidTo.
     */
    @Test
    void expiredImportedMaterial_isRefusedByUnwrapReEncryptTheCacheAndEnvelopes() throws Exception {
        String id = f.keys.createKey(CreateKeyRequest.withAlias("byok").origin(KeyOrigin.IMPORTED)).keyId().toString();
        byte[] material = new byte[32];
        KmsRandom.nextBytes(material);
        ImportParameters p = f.keys.getParametersForImport(id, WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048);
        Instant validTo = f.clock.instant().plus(Duration.ofHours(1));
        f.keys.importKeyMaterial(id, p.importToken(), encrypt(p, WrappingAlgorithm.RSAES_OAEP_SHA_256, material),
                ExpirationModel.KEY_MATERIAL_EXPIRES, validTo);
        byte[] blob = f.wrap("byok");
        byte[] ordersBlob = f.wrap("orders");
        KmsKeyHandle byok = f.keys.findKey("byok").orElseThrow();
        DataKeyCache cache = new DataKeyCache(100, 1 << 30, Duration.ofDays(1));
        Cipher cached = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        cached.init(Cipher.ENCRYPT_MODE, byok, KmsEnvelopeSpec.withContext(CTX).withDataKeyCache(cache));
        cached.doFinal(new byte[10]); // a data key cached for byok
        Cipher started = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        started.init(Cipher.ENCRYPT_MODE, byok, KmsEnvelopeSpec.withContext(CTX));

        f.clock.advance(Duration.ofHours(2)); // past ValidTo, no maintenance run
        assertEquals(KeyState.ENABLED, f.keys.describeKey("byok").state(), "still Enabled: only the clock says expired");
        assertThrows(InvalidKeyException.class, () -> f.unwrap("byok", blob));
        assertThrows(GeneralSecurityException.class, () -> f.keys.reEncrypt(blob, Map.of(), "orders", Map.of()));
        assertThrows(GeneralSecurityException.class, () -> f.keys.reEncrypt(ordersBlob, Map.of(), "byok", Map.of()));
        assertThrows(ProviderException.class, () -> started.update(new byte[10]), "the data key is wrapped at the first update");
        long reuses = count(AuditOperation.REUSE_CACHED_DATA_KEY);
        assertThrows(ProviderException.class, () -> cached.doFinal(new byte[10]), "the cached data key is not reused");
        assertEquals(reuses, count(AuditOperation.REUSE_CACHED_DATA_KEY));
    }

    /** Fix 5: the repeated named CreateGrant is audited once, and a different request under the same name is a new grant. */
    @Test
    void aRepeatedNamedCreateGrant_isAuditedOnce() throws Exception {
        GrantRequest req = GrantRequest.to("app", Set.of(GrantOperation.Decrypt)).name("app-decrypt");
        var first = f.keys.createGrant("orders", req);
        long before = count(AuditOperation.CREATE_GRANT);
        assertEquals(first, f.keys.createGrant("orders", req));
        assertEquals(before + 1, count(AuditOperation.CREATE_GRANT));
        assertNotEquals(first.grantId(), f.keys.createGrant("orders",
                GrantRequest.to("app", Set.of(GrantOperation.Encrypt)).name("app-decrypt")).grantId());
    }
}
