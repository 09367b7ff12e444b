package io.kmsjca.internal.service;

import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.engine.DerivedKey;
import io.kmsjca.internal.engine.WrapEngine;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.ExpirationModel;
import io.kmsjca.keys.ImportParameters;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.WrappingAlgorithm;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsEnvelopeSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Security review of b308309 (KMSWrap blob version 2: the header bound by the derived key, not by
 * the GCM AAD). Each test is an attack that must fail: a version-2 blob opening under other header
 * fields, another context or caller AAD, another blob version (through the unwrap cache too), a
 * key id or key version substitution (also for two keys holding the same imported material, where
 * only the HKDF info tells them apart), through ReEncrypt and KMSEnvelope; nonce reuse or leaks from
 * a failed seal; key material in the exceptions. Forged blobs are made with the JDK alone from the
 * master key material, so each forgery is exactly what a reader with the confusion would accept.
 */
class KmsWrapV2ReviewTest {

    private static final byte[] SECRET = "a data key of thirty-two bytes..".getBytes(StandardCharsets.US_ASCII);
    private static final Map<String, String> CTX = Map.of("file", "report.pdf", "tenant", "7");

    @TempDir
    Path dir;
    private LifecycleFixture f;
    private KmsKeyHandle orders;
    private byte[] material;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        orders = f.keys.createKey("orders", "");
        material = master("orders").current().materialCopy();
    }

    @AfterEach
    void restoreSessionLimit() {
        KeyVersion.sessionLimitForTests(KeyVersion.MAX_WRAPS_PER_SESSION);
    }

    // ------------------------------------------------------------------ 1. version confusion, cache

    /** The forging helper is right: each version, made with its own label and AAD layout, opens. */
    @Test
    void forgery_withTheRightLabelAndLayout_opens_soTheRefusalsBelowMeanSomething() throws Exception {
        byte[] salt = salt();
        assertArrayEquals(SECRET, open(orders, forge(2, 2, 2, orders.keyId(), 1, salt, 1, CTX, null), CTX, null));
        assertArrayEquals(SECRET, open(orders, forge(1, 1, 1, orders.keyId(), 1, salt, 1, CTX, null), CTX, null));
        assertArrayEquals(SECRET, open(orders, forge(2, 2, 2, orders.keyId(), 1, salt(), 1, Map.of(), null), Map.of(), null));
    }

    /**
     * For each (version byte, label, AAD layout) that is not one of the two real versions: the
     * key of the label used is put in the unwrap cache first (a real blob of that label and the
     * same salt is opened), so a cache that selected by salt alone would hand it over. All refused,
     * and the real blob of that salt still opens after (the cache is not poisoned).
     */
    @Test
    void everyMixOfVersionByteLabelAndLayout_isRefused_evenWithTheLabelsKeyCachedForThatSalt() throws Exception {
        int[][] mixes = {
                {2, 2, 1}, {1, 1, 2},           // the right key, the other version's AAD layout
                {1, 2, 1}, {1, 2, 2},           // a version-2 key (its commitment) relabelled as version 1
                {2, 1, 2}, {2, 1, 1},           // a version-1 key relabelled as version 2
        };
        for (int[] m : mixes) {
            for (Map<String, String> ctx : List.of(Map.<String, String>of(), CTX)) {
                byte[] salt = salt();
                byte[] real = forge(m[1], m[1], m[1], orders.keyId(), 1, salt, 1, ctx, null);
                assertArrayEquals(SECRET, open(orders, real, ctx, null), "prime the cache");
                byte[] mixed = forge(m[0], m[1], m[2], orders.keyId(), 1, salt, 2, ctx, null);
                assertThrows(GeneralSecurityException.class, () -> open(orders, mixed, ctx, null),
                        "version byte " + m[0] + ", label v" + m[1] + ", layout v" + m[2] + ", context " + ctx);
                assertArrayEquals(SECRET, open(orders, real, ctx, null), "the cache is not poisoned");
            }
        }
    }

    /** The session key (version 2, in the cache since its session opened) never opens a blob relabelled version 1. */
    @Test
    void aSealedBlob_relabelledAsVersion1_withItsSessionKeyCached_isRefused() throws Exception {
        byte[] blob = seal(orders, Map.of(), null);
        byte[] relabelled = blob.clone();
        relabelled[4] = 1;
        assertThrows(GeneralSecurityException.class, () -> open(orders, relabelled, Map.of(), null));
        assertArrayEquals(SECRET, open(orders, blob, Map.of(), null));
        assertArrayEquals(SECRET, open(orders, seal(orders, Map.of(), null), Map.of(), null), "the session goes on");
    }

    // ------------------------------------------------------------------ 1. context and caller AAD

    /** No two different (context, caller AAD) requests share one version-2 AAD, the empty one included. */
    @Test
    void theContextAndTheCallersAad_neverStandInForEachOther() throws Exception {
        byte[] encCtx = EncryptionContext.of(CTX).encoded();
        byte[] two = {0, 0};
        Map<String, String> ab = Map.of("a", "bc");
        Map<String, String> a = Map.of("a", "b");
        Object[][] refused = {
                // sealed context, sealed AAD, opened context, opened AAD
                {Map.of(), null, Map.of(), two},
                {Map.of(), two, Map.of(), null},
                {Map.of(), null, CTX, null},
                {CTX, null, Map.of(), null},
                {CTX, null, Map.of(), encCtx},
                {Map.of(), encCtx, CTX, null},
                {Map.of(), encCtx, Map.of(), null},
                {ab, null, a, "c".getBytes(StandardCharsets.US_ASCII)},
                {a, "c".getBytes(StandardCharsets.US_ASCII), ab, null},
                {CTX, "x".getBytes(StandardCharsets.US_ASCII), CTX, "x\0".getBytes(StandardCharsets.US_ASCII)},
                {CTX, "xy".getBytes(StandardCharsets.US_ASCII), CTX, "x".getBytes(StandardCharsets.US_ASCII)},
                {Map.of("k", ""), null, Map.of(), null},
                {Map.of(), null, Map.of("k", ""), null},
        };
        for (Object[] r : refused) {
            @SuppressWarnings("unchecked") Map<String, String> sc = (Map<String, String>) r[0];
            @SuppressWarnings("unchecked") Map<String, String> oc = (Map<String, String>) r[2];
            byte[] blob = seal(orders, sc, (byte[]) r[1]);
            assertArrayEquals(SECRET, open(orders, blob, sc, (byte[]) r[1]));
            assertThrows(GeneralSecurityException.class, () -> open(orders, blob, oc, (byte[]) r[3]),
                    "sealed " + sc + "/" + Arrays.toString((byte[]) r[1]) + ", opened " + oc + "/" + Arrays.toString((byte[]) r[3]));
        }
        // the one equivalence: no updateAAD and updateAAD of zero bytes are the same request
        assertArrayEquals(SECRET, open(orders, seal(orders, Map.of(), null), Map.of(), new byte[0]));
    }

    // ------------------------------------------------------------------ 1. header fields

    /** Two blobs of one session share salt and commitment: only the nonce tells them apart, and it is bound. */
    @Test
    void withinOneSession_aNonceOrBodyTransplant_isRefused() throws Exception {
        byte[] a = seal(orders, CTX, null);
        byte[] b = seal(orders, CTX, null);
        assertArrayEquals(Arrays.copyOfRange(a, 25, 89), Arrays.copyOfRange(b, 25, 89), "one session: one salt");
        byte[] aWithBsNonce = a.clone();
        System.arraycopy(b, WrappedKeyBlob.NONCE_OFFSET, aWithBsNonce, WrappedKeyBlob.NONCE_OFFSET, 12);
        assertThrows(GeneralSecurityException.class, () -> open(orders, aWithBsNonce, CTX, null));
        for (int i = 0; i < 12; i++) { // the 4 zero bytes too: the reader takes the whole nonce as GCM's IV
            byte[] t = a.clone();
            t[WrappedKeyBlob.NONCE_OFFSET + i] ^= 1;
            assertThrows(GeneralSecurityException.class, () -> open(orders, t, CTX, null), "nonce byte " + i);
        }
    }

    /** Salt and commitment of another session's blob on this blob's body: refused. */
    @Test
    void anotherSessionsSaltAndCommitment_isRefused() throws Exception {
        KeyVersion.sessionLimitForTests(1);
        byte[] a = seal(orders, Map.of(), null);
        byte[] b = seal(orders, Map.of(), null);
        assertFalse(Arrays.equals(a, 25, 57, b, 25, 57), "two sessions, two salts");
        byte[] t = a.clone();
        System.arraycopy(b, 25, t, 25, 64);
        assertThrows(GeneralSecurityException.class, () -> open(orders, t, Map.of(), null));
        byte[] u = a.clone();
        System.arraycopy(b, 25, u, 25, 76); // salt, commitment and nonce
        assertThrows(GeneralSecurityException.class, () -> open(orders, u, Map.of(), null));
    }

    /** After a rotation: a blob of version 1 relabelled 2 and one of version 2 relabelled 1 are refused. */
    @Test
    void aKeyVersionSubstitution_isRefused() throws Exception {
        byte[] v1 = seal(orders, Map.of(), null);
        f.keys.rotateKeyOnDemand("orders");
        byte[] v2 = seal(orders, Map.of(), null);
        assertEquals(1, WrappedKeyBlob.keyVersion(v1));
        assertEquals(2, WrappedKeyBlob.keyVersion(v2));
        ByteBuffer.wrap(v1).putInt(21, 2);
        ByteBuffer.wrap(v2).putInt(21, 1);
        assertThrows(GeneralSecurityException.class, () -> open(orders, v1, Map.of(), null));
        assertThrows(GeneralSecurityException.class, () -> open(orders, v2, Map.of(), null));
    }

    /** A blob's key id changed to another key's, opened with that key (Decrypt) or re-encrypted: refused. */
    @Test
    void aKeyIdSubstitution_isRefused_byDecryptAndReEncrypt() throws Exception {
        KmsKeyHandle other = f.keys.createKey("other", "");
        byte[] blob = seal(orders, CTX, null);
        byte[] moved = withKeyId(blob, other.keyId());
        assertThrows(GeneralSecurityException.class, () -> open(other, moved, CTX, null));
        assertThrows(GeneralSecurityException.class, () -> f.keys.reEncrypt(moved, CTX, null, CTX));
        assertThrows(GeneralSecurityException.class, () -> f.keys.reEncrypt(moved, CTX, "orders", CTX));
        assertThrows(GeneralSecurityException.class, () -> open(orders, moved, CTX, null), "another key's handle");
    }

    /**
     * Two keys holding the same imported material: in version 2 only the key id in the HKDF info
     * tells their derived keys apart (version 1 also had it in the AAD). A blob of one, relabelled
     * with the other's id, opens under neither, by Decrypt or by ReEncrypt.
     */
    @Test
    void twoKeysOfTheSameImportedMaterial_aKeyIdSubstitution_isRefused() throws Exception {
        byte[] shared = new byte[32];
        KmsRandom.nextBytes(shared);
        KmsKeyHandle a = external("twin-a", shared);
        KmsKeyHandle b = external("twin-b", shared);
        byte[] blob = seal(a, Map.of(), null);
        assertArrayEquals(SECRET, open(a, blob, Map.of(), null));
        byte[] moved = withKeyId(blob, b.keyId());
        assertThrows(GeneralSecurityException.class, () -> open(b, moved, Map.of(), null));
        assertThrows(GeneralSecurityException.class, () -> f.keys.reEncrypt(moved, Map.of(), null, Map.of()));
        // and the same for a version-1 blob of the shared material
        byte[] v1 = forgeWith(shared, 1, 1, 1, a.keyId(), 1, salt(), 3, Map.of(), null);
        assertArrayEquals(SECRET, open(a, v1, Map.of(), null));
        assertThrows(GeneralSecurityException.class, () -> open(b, withKeyId(v1, b.keyId()), Map.of(), null));
    }

    /** A wrapped data key inside a KMSEnvelope message, altered in its header or relabelled: the message does not open. */
    @Test
    void anEnvelopesWrappedDataKey_alteredOrRelabelled_doesNotOpen() throws Exception {
        Cipher c = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
        c.init(Cipher.ENCRYPT_MODE, orders, KmsEnvelopeSpec.withContext(CTX));
        byte[] message = c.doFinal("payload".getBytes(StandardCharsets.US_ASCII));
        int at = indexOf(message, WrappedKeyBlob.MAGIC);
        assertEquals(2, message[at + 4]);
        int[] offsets = {4, 5, 21, 24, 25, 57, 89, 92, 100};
        for (int off : offsets) {
            byte[] t = message.clone();
            t[at + off] = (byte) (off == 4 ? 1 : t[at + off] ^ 1);
            Cipher d = Cipher.getInstance("KMSEnvelope", LifecycleFixture.PROVIDER);
            d.init(Cipher.DECRYPT_MODE, orders, KmsEnvelopeSpec.withContext(CTX));
            assertThrows(Exception.class, () -> d.doFinal(t), "blob byte " + off);
        }
    }

    // ------------------------------------------------------------------ 3. nonces

    /** One engine, many seals: no (salt, nonce) repeats; the nonce is 4 zero bytes and the counter; a returned blob is the caller's own. */
    @Test
    void oneEngine_neverRepeatsANonce_andAReturnedBlobSharesNothing() throws Exception {
        WrapEngine engine = new WrapEngine();
        Set<String> seen = new HashSet<>();
        byte[] previous = null;
        for (int i = 0; i < 300; i++) {
            byte[] blob = engine.sealUnaudited(f.keys.keyUse(), master("orders"), SECRET, 0, SECRET.length,
                    EncryptionContext.EMPTY, null, 0);
            assertArrayEquals(new byte[4], Arrays.copyOfRange(blob, 89, 93));
            assertTrue(seen.add(HexFormat.of().formatHex(blob, 25, 57) + HexFormat.of().formatHex(blob, 89, 101)),
                    "salt and nonce repeat at " + i);
            if (previous != null) {
                Arrays.fill(previous, (byte) 0x5A); // the caller scribbles over its previous blob
            }
            previous = blob;
        }
        assertArrayEquals(SECRET, open(orders, seal(orders, Map.of(), null), Map.of(), null));
    }

    /**
     * A seal that fails after its lease (the caller's AAD shorter than it says, so the AAD copy
     * throws once GCM is keyed with the nonce): nothing is returned, and the next seal takes a new
     * counter, never the failed one's, and opens.
     */
    @Test
    void aSealFailingMidway_returnsNothing_andItsNonceIsNeverUsed() throws Exception {
        WrapEngine engine = new WrapEngine();
        MasterKey key = master("orders");
        byte[] first = engine.sealUnaudited(f.keys.keyUse(), key, SECRET, 0, SECRET.length, EncryptionContext.EMPTY, null, 0);
        byte[] before = engine.sealUnaudited(f.keys.keyUse(), key, SECRET, 0, SECRET.length, EncryptionContext.EMPTY, null, 0);
        assertThrows(IndexOutOfBoundsException.class, () -> engine.sealUnaudited(f.keys.keyUse(), key, SECRET, 0,
                SECRET.length, EncryptionContext.EMPTY, new byte[1], 5));
        byte[] after = engine.sealUnaudited(f.keys.keyUse(), key, SECRET, 0, SECRET.length, EncryptionContext.EMPTY, null, 0);
        assertArrayEquals(Arrays.copyOfRange(first, 25, 57), Arrays.copyOfRange(after, 25, 57), "one session");
        long step = ByteBuffer.wrap(before).getLong(93) - ByteBuffer.wrap(first).getLong(93);
        assertTrue(step > 0);
        assertEquals(2 * step, ByteBuffer.wrap(after).getLong(93) - ByteBuffer.wrap(before).getLong(93),
                "the failed seal's counter was consumed, never handed out again");
        assertArrayEquals(SECRET, engine.openUnaudited(key, after, EncryptionContext.EMPTY, null, 0));
    }

    // ------------------------------------------------------------------ 5. secrets

    /** No exception of a refused or malformed blob, nor its audit event, carries the material or a derived key. */
    @Test
    void refusals_carryNoKeyMaterial() throws Exception {
        byte[] salt = salt();
        byte[] okm = okm(material, 2, orders.keyId(), 1, salt);
        List<String> forbidden = new ArrayList<>();
        for (byte[] secret : List.of(material, Arrays.copyOf(okm, 32))) {
            forbidden.add(HexFormat.of().formatHex(secret));
            forbidden.add(HexFormat.of().withUpperCase().formatHex(secret));
            forbidden.add(Base64.getEncoder().encodeToString(secret));
            forbidden.add(Arrays.toString(secret));
        }
        List<Throwable> thrown = new ArrayList<>();
        byte[] real = forge(2, 2, 2, orders.keyId(), 1, salt, 1, CTX, null);
        byte[] badTag = real.clone();
        badTag[real.length - 1] ^= 1;
        byte[] relabelled = real.clone();
        relabelled[4] = 1;
        byte[] badVersion = real.clone();
        badVersion[4] = 3;
        for (byte[] b : List.of(badTag, relabelled, badVersion)) {
            thrown.add(assertThrows(GeneralSecurityException.class, () -> open(orders, b, CTX, null)));
        }
        thrown.add(assertThrows(GeneralSecurityException.class, () -> open(orders, real, Map.of(), null)));
        thrown.add(assertThrows(IllegalArgumentException.class, () -> DerivedKey.derive(new SecretBytes(material.clone(),
                "HmacSHA256"), 3, orders.keyId(), 1, salt, Mac.getInstance("HmacSHA256"))));
        StringBuilder text = new StringBuilder();
        for (Throwable t : thrown) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                text.append(c).append('\n');
            }
        }
        f.audit.forEach(e -> text.append(e).append('\n'));
        for (String s : forbidden) {
            assertFalse(text.toString().contains(s), "key material in an exception or audit event");
        }
    }

    // ------------------------------------------------------------------ helpers

    private MasterKey master(String alias) {
        return f.keys.registry().lookup(alias).orElseThrow();
    }

    private KmsKeyHandle external(String alias, byte[] material) throws Exception {
        String id = f.keys.createKey(CreateKeyRequest.withAlias(alias).origin(KeyOrigin.IMPORTED)).keyId().toString();
        ImportParameters p = f.keys.getParametersForImport(id, WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048);
        f.keys.importKeyMaterial(id, p.importToken(), ImportKeyMaterialTest.encrypt(p, WrappingAlgorithm.RSAES_OAEP_SHA_256,
                material), ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null);
        return f.keys.findKey(alias).orElseThrow();
    }

    private static byte[] salt() {
        byte[] s = new byte[32];
        KmsRandom.nextBytes(s);
        return s;
    }

    private static byte[] withKeyId(byte[] blob, UUID id) {
        byte[] t = blob.clone();
        ByteBuffer.wrap(t).putLong(5, id.getMostSignificantBits()).putLong(13, id.getLeastSignificantBits());
        return t;
    }

    private static byte[] seal(KmsKeyHandle key, Map<String, String> ctx, byte[] aad) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        c.init(Cipher.ENCRYPT_MODE, key, new KmsEncryptionContextSpec(ctx));
        if (aad != null) {
            c.updateAAD(aad);
        }
        return c.doFinal(SECRET);
    }

    private static byte[] open(KmsKeyHandle key, byte[] blob, Map<String, String> ctx, byte[] aad) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
        c.init(Cipher.DECRYPT_MODE, key, new KmsEncryptionContextSpec(ctx));
        if (aad != null) {
            c.updateAAD(aad);
        }
        return c.doFinal(blob);
    }

    private byte[] forge(int versionByte, int label, int layout, UUID keyId, int keyVersion, byte[] salt, long counter,
                         Map<String, String> ctx, byte[] aad) throws Exception {
        return forgeWith(material, versionByte, label, layout, keyId, keyVersion, salt, counter, ctx, aad);
    }

    /**
     * A blob of {@link #SECRET} made with the JDK alone: header with {@code versionByte}, the key and
     * commitment of label "kms-jca/KMSWrap/v{label}", and the AAD of version {@code layout} (1: the
     * header, context and caller AAD; 2: context and caller AAD, nothing for neither).
     */
    private static byte[] forgeWith(byte[] material, int versionByte, int label, int layout, UUID keyId, int keyVersion,
                                    byte[] salt, long counter, Map<String, String> ctx, byte[] aad) throws Exception {
        byte[] okm = okm(material, label, keyId, keyVersion, salt);
        byte[] blob = new byte[WrappedKeyBlob.OVERHEAD + SECRET.length];
        ByteBuffer.wrap(blob).put(WrappedKeyBlob.MAGIC).put((byte) versionByte)
                .putLong(keyId.getMostSignificantBits()).putLong(keyId.getLeastSignificantBits()).putInt(keyVersion)
                .put(salt).put(okm, 32, 32).putInt(0).putLong(counter);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(okm, 0, 32, "AES"), new GCMParameterSpec(128, blob, 89, 12));
        EncryptionContext context = EncryptionContext.of(ctx);
        boolean none = layout == 2 && context.isEmpty() && (aad == null || aad.length == 0);
        if (layout == 1) {
            gcm.updateAAD(blob, 0, 101);
        }
        if (!none) {
            gcm.updateAAD(context.encoded());
            if (aad != null) {
                gcm.updateAAD(aad);
            }
        }
        gcm.doFinal(SECRET, 0, SECRET.length, blob, 101);
        return blob;
    }

    private static byte[] okm(byte[] material, int label, UUID keyId, int keyVersion, byte[] salt) throws Exception {
        byte[] info = ByteBuffer.allocate(18 + 16 + 4 + 32).put(("kms-jca/KMSWrap/v" + label).getBytes(StandardCharsets.US_ASCII))
                .putLong(keyId.getMostSignificantBits()).putLong(keyId.getLeastSignificantBits()).putInt(keyVersion)
                .put(salt).array();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(material, "HmacSHA256"));
        byte[] okm = new byte[64];
        byte[] t = new byte[0];
        for (int i = 1, pos = 0; pos < 64; i++) {
            mac.update(t);
            mac.update(info);
            mac.update((byte) i);
            t = mac.doFinal();
            System.arraycopy(t, 0, okm, pos, 32);
            pos += 32;
        }
        return okm;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
