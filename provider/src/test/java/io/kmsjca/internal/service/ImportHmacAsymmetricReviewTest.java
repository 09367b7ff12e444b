package io.kmsjca.internal.service;

import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.ExpirationModel;
import io.kmsjca.keys.ImportParameters;
import io.kmsjca.keys.ImportRefusedException;
import io.kmsjca.keys.ImportRefusedException.Reason;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MacAlgorithm;
import io.kmsjca.keys.WrappingAlgorithm;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.ProviderException;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import static io.kmsjca.internal.service.AsPrincipal.as;
import static io.kmsjca.internal.service.ImportKeyMaterialTest.encrypt;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Security review (h1) of bring-your-own-key import, HMAC keys through {@code javax.crypto.Mac}
 * and asymmetric keys through {@code Signature}, RSA-OAEP {@code Cipher} and {@code KeyAgreement},
 * from an attacker's seat: code holding a handle, a loaded store or a non-administrator
 * principal. A test that fails on the code as it is proves a finding (its javadoc says
 * "FINDING"); the others are attacks the code refuses, kept as a regression net.
 */
class ImportHmacAsymmetricReviewTest {

    private static final ExpirationModel NEVER = ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE;
    private static final WrappingAlgorithm OAEP256 = WrappingAlgorithm.RSAES_OAEP_SHA_256;
    private static final WrappingAlgorithm KWP256 = WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256;
    private static final String ADMIN_ONLY = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "admin"}, "Action": "kms:*", "Resource": "*"}]}""";

    @TempDir
    Path dir;
    LifecycleFixture f;
    final byte[] message = "review h1".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void open() throws Exception {
        f = new LifecycleFixture(dir);
    }

    @AfterEach
    void close() throws Exception {
        f.keys.close();
    }

    private String external(String alias, KeySpec spec) throws Exception {
        CreateKeyRequest r = CreateKeyRequest.withAlias(alias).origin(KeyOrigin.IMPORTED);
        if (spec != KeySpec.SYMMETRIC_DEFAULT) {
            r = r.keySpec(spec);
        }
        if (spec.family() == KeySpec.Family.HMAC) {
            r = r.keyUsage(KeyUsage.GENERATE_VERIFY_MAC);
        }
        return f.keys.createKey(r).keyId().toString();
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        KmsRandom.nextBytes(b);
        return b;
    }

    private byte[] record(String id) throws Exception {
        return f.keys.backend().get(id).orElseThrow().sealed();
    }

    private AuditEvent last(AuditOperation op) {
        f.keys.auditRecorder().flush();
        return f.last(op);
    }

    private long count(AuditOperation op) {
        f.keys.auditRecorder().flush();
        return f.audit.stream().filter(e -> e.operation() == op).count();
    }

    private void importInto(String id, byte[] material, ExpirationModel model, Instant validTo) throws Exception {
        ImportParameters p = f.keys.getParametersForImport(id, KWP256, KeySpec.RSA_2048);
        f.keys.importKeyMaterial(id, p.importToken(), encrypt(p, p.algorithm(), material), model, validTo);
    }

    // ================================================================ findings

    /**
     * FINDING: material imported with KEY_MATERIAL_EXPIRES stays usable after its ValidTo until a
     * maintenance run happens to empty the key. KeyUse.usableState checks only the key's state
     * (Enabled), never {@code materialExpiryDue(now)}; maintenance runs every minute by default,
     * never with {@code maintenanceInterval = 0}, and not in a process that does not run it. AWS
     * KMS makes the key unusable at ValidTo. Here: the clock is past ValidTo and the key still
     * wraps, MACs and signs.
     */
    @Test
    void materialPastItsValidTo_isRefused_evenBeforeAMaintenanceRun() throws Exception {
        String aes = external("byok", KeySpec.SYMMETRIC_DEFAULT);
        String mac = external("byok-mac", KeySpec.HMAC_256);
        Instant validTo = f.clock.instant().plus(Duration.ofHours(1));
        importInto(aes, random(32), ExpirationModel.KEY_MATERIAL_EXPIRES, validTo);
        importInto(mac, random(32), ExpirationModel.KEY_MATERIAL_EXPIRES, validTo);
        assertNotNull(f.wrap("byok"), "before ValidTo the key wraps");

        f.clock.advance(Duration.ofHours(2)); // an hour past ValidTo; no maintenance run yet
        assertThrows(InvalidKeyException.class, () -> f.wrap("byok"),
                "material past its ValidTo must not wrap, whether or not maintenance ran");
        assertThrows(InvalidKeyException.class, () -> f.keys.generateMac("byok-mac", message, MacAlgorithm.HMAC_SHA_256),
                "HMAC material past its ValidTo must not MAC");
    }

    /**
     * FINDING (audit gap): Signature "Ed25519" with a KMS handle refuses a message over the 4096-byte
     * RAW bound in the SPI (MessageSignatureSpi), before the key's operations: the refused Sign is
     * not audited, while KeyService.sign with the same message is audited FAILED
     * (docs/asymmetric-keys.md: "a RAW message over 4096 bytes: SignatureException, audited FAILED";
     * "every use is audited ... like a KMS request").
     */
    @Test
    void anEd25519SignatureOverTheRawBound_isRefused_andAudited() throws Exception {
        KmsPrivateKeyHandle ed = f.keys.createKeyPair(CreateKeyRequest.withAlias("ed")
                .keySpec(KeySpec.ECC_NIST_EDWARDS25519).keyUsage(KeyUsage.SIGN_VERIFY));
        Signature s = Signature.getInstance("Ed25519", LifecycleFixture.PROVIDER);
        s.initSign(ed);
        long before = count(AuditOperation.SIGN);
        assertThrows(SignatureException.class, () -> s.update(new byte[4097]));
        assertThrows(SignatureException.class, s::sign);
        assertEquals(before + 1, count(AuditOperation.SIGN), "the refused Sign must leave one event");
        assertEquals(AuditOutcome.FAILED, last(AuditOperation.SIGN).outcome());
    }

    /**
     * FINDING (audit gap): Cipher RSA-OAEP with a KMS handle refuses a ciphertext longer than any
     * RSA block in the SPI (RsaOaepCipherSpi: doFinal's IllegalBlockSizeException, unwrap's
     * InvalidKeyException) without an audit event; a refused Decrypt through KeyService is audited.
     */
    @Test
    void anOverlongRsaOaepCiphertext_isRefused_andAudited() throws Exception {
        KmsPrivateKeyHandle rsa = f.keys.createKeyPair(CreateKeyRequest.withAlias("rsa")
                .keySpec(KeySpec.RSA_2048).keyUsage(KeyUsage.ENCRYPT_DECRYPT));
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", LifecycleFixture.PROVIDER);
        c.init(Cipher.DECRYPT_MODE, rsa);
        long before = count(AuditOperation.DECRYPT);
        assertThrows(IllegalBlockSizeException.class, () -> c.doFinal(new byte[513]));
        assertEquals(before + 1, count(AuditOperation.DECRYPT), "the refused Decrypt must leave one event");
        assertEquals(AuditOutcome.FAILED, last(AuditOperation.DECRYPT).outcome());
    }

    // ================================================================ BYOK: refused attacks

    /** A token that imported once is spent: replaying it (the same or other material) is refused, audited, record unchanged. */
    @Test
    void aUsedImportToken_cannotBeReplayed() throws Exception {
        String id = external("byok", KeySpec.SYMMETRIC_DEFAULT);
        ImportParameters p = f.keys.getParametersForImport(id, OAEP256, KeySpec.RSA_2048);
        byte[] material = random(32);
        f.keys.importKeyMaterial(id, p.importToken(), encrypt(p, OAEP256, material), NEVER, null);
        f.keys.deleteImportedKeyMaterial(id);
        byte[] before = record(id);
        var e = assertThrows(ImportRefusedException.class, () -> f.keys.importKeyMaterial(id, p.importToken(),
                encrypt(p, OAEP256, material), NEVER, null));
        assertEquals(Reason.INVALID_IMPORT_TOKEN, e.reason());
        assertEquals(AuditOutcome.FAILED, last(AuditOperation.IMPORT_KEY_MATERIAL).outcome());
        assertArrayEquals(before, record(id));
        assertEquals(KeyState.PENDING_IMPORT, f.keys.describeKey(id).state());
    }

    /** Key A's token (and its wrapping key) import nothing into key B, even while B has parameters of its own. */
    @Test
    void anotherKeysToken_andWrappingKey_areRefused() throws Exception {
        String a = external("a", KeySpec.SYMMETRIC_DEFAULT);
        String b = external("b", KeySpec.SYMMETRIC_DEFAULT);
        ImportParameters pa = f.keys.getParametersForImport(a, OAEP256, KeySpec.RSA_2048);
        ImportParameters pb = f.keys.getParametersForImport(b, OAEP256, KeySpec.RSA_2048);
        byte[] before = record(b);
        var e = assertThrows(ImportRefusedException.class, () -> f.keys.importKeyMaterial(b, pa.importToken(),
                encrypt(pa, OAEP256, random(32)), NEVER, null));
        assertEquals(Reason.INVALID_IMPORT_TOKEN, e.reason());
        // B's token with material wrapped under A's key: does not decrypt under B's wrapping key
        e = assertThrows(ImportRefusedException.class, () -> f.keys.importKeyMaterial(b, pb.importToken(),
                encrypt(pa, OAEP256, random(32)), NEVER, null));
        assertEquals(Reason.INVALID_CIPHERTEXT, e.reason());
        assertArrayEquals(before, record(b));
    }

    /** A token past its 24 hours is refused, even though no maintenance run dropped its parameters yet. */
    @Test
    void anExpiredToken_isRefused_beforeMaintenance() throws Exception {
        String id = external("byok", KeySpec.SYMMETRIC_DEFAULT);
        ImportParameters p = f.keys.getParametersForImport(id, OAEP256, KeySpec.RSA_2048);
        byte[] enc = encrypt(p, OAEP256, random(32));
        f.clock.advance(Duration.ofHours(24));
        var e = assertThrows(ImportRefusedException.class, () -> f.keys.importKeyMaterial(id, p.importToken(), enc, NEVER, null));
        assertEquals(Reason.EXPIRED_IMPORT_TOKEN, e.reason());
        assertEquals(KeyState.PENDING_IMPORT, f.keys.describeKey(id).state());
    }

    /**
     * Material of another spec or size is refused, audited FAILED, and the message names no
     * material: a P-384 key into a P-256 key, 16 bytes into HMAC_256, 129 bytes into HMAC_512,
     * zero bytes into SYMMETRIC_DEFAULT.
     */
    @Test
    void materialOfAnotherSpecOrSize_isRefused_withoutEchoingIt() throws Exception {
        String ec = external("ec", KeySpec.ECC_NIST_P256);
        KeyPair p384 = KeyPairs.generate(KeySpec.ECC_NIST_P384);
        ImportParameters p = f.keys.getParametersForImport(ec, KWP256, KeySpec.RSA_2048);
        byte[] pkcs8 = p384.getPrivate().getEncoded();
        var e = assertThrows(InvalidKeyRequestException.class, () -> f.keys.importKeyMaterial(ec, p.importToken(),
                encrypt(p, KWP256, pkcs8), NEVER, null));
        assertNoMaterialIn(e.getMessage(), pkcs8);
        assertNoMaterialIn(e.getMessage(), ((ECPrivateKey) p384.getPrivate()).getS().toByteArray());
        assertEquals(AuditOutcome.FAILED, last(AuditOperation.IMPORT_KEY_MATERIAL).outcome());

        String hmac = external("mac", KeySpec.HMAC_256);
        ImportParameters ph = f.keys.getParametersForImport(hmac, OAEP256, KeySpec.RSA_2048);
        byte[] short16 = random(16);
        e = assertThrows(InvalidKeyRequestException.class, () -> f.keys.importKeyMaterial(hmac, ph.importToken(),
                encrypt(ph, OAEP256, short16), NEVER, null));
        assertNoMaterialIn(e.getMessage(), short16);

        String hmac512 = external("mac512", KeySpec.HMAC_512);
        ImportParameters p512 = f.keys.getParametersForImport(hmac512, KWP256, KeySpec.RSA_2048);
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.importKeyMaterial(hmac512, p512.importToken(),
                encrypt(p512, KWP256, random(129)), NEVER, null));

        String aes = external("aes", KeySpec.SYMMETRIC_DEFAULT);
        ImportParameters pa = f.keys.getParametersForImport(aes, OAEP256, KeySpec.RSA_2048);
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.importKeyMaterial(aes, pa.importToken(),
                encrypt(pa, OAEP256, new byte[0]), NEVER, null));
        for (String id : List.of(ec, hmac, hmac512, aes)) {
            assertEquals(KeyState.PENDING_IMPORT, f.keys.describeKey(id).state());
        }
    }

    private static void assertNoMaterialIn(String text, byte[] material) {
        String hex = HexFormat.of().formatHex(material);
        assertFalse(text.toLowerCase().contains(hex.substring(0, Math.min(16, hex.length()))), text);
        assertFalse(text.contains(java.util.Base64.getEncoder().encodeToString(material)), text);
    }

    /** Re-importing the same material into a Disabled key only changes its expiry: it does not re-enable the key. */
    @Test
    void reimportIntoADisabledKey_doesNotEnableIt() throws Exception {
        String id = external("byok", KeySpec.SYMMETRIC_DEFAULT);
        byte[] material = random(32);
        importInto(id, material, NEVER, null);
        f.keys.disableKey(id);
        importInto(id, material, ExpirationModel.KEY_MATERIAL_EXPIRES, f.clock.instant().plus(Duration.ofDays(30)));
        assertEquals(KeyState.DISABLED, f.keys.describeKey(id).state());
        assertThrows(InvalidKeyException.class, () -> f.wrap("byok"));
    }

    /** A key pending deletion takes no material (it must be cancelled first); other material never replaces the first. */
    @Test
    void importIntoAKeyPendingDeletion_orOfOtherMaterial_isRefused() throws Exception {
        String id = external("byok", KeySpec.SYMMETRIC_DEFAULT);
        byte[] material = random(32);
        importInto(id, material, NEVER, null);
        byte[] blob = f.wrap("byok");
        f.keys.deleteImportedKeyMaterial(id);
        var wrong = assertThrows(ImportRefusedException.class, () -> importInto(id, random(32), NEVER, null));
        assertEquals(Reason.INCORRECT_KEY_MATERIAL, wrong.reason());
        ImportParameters p = f.keys.getParametersForImport(id, OAEP256, KeySpec.RSA_2048);
        f.keys.scheduleKeyDeletion(id, 7);
        assertThrows(KeyStateException.class, () -> f.keys.importKeyMaterial(id, p.importToken(),
                encrypt(p, OAEP256, material), NEVER, null));
        assertEquals(KeyState.PENDING_DELETION, f.keys.describeKey(id).state());
        f.keys.cancelKeyDeletion(id);
        importInto(id, material, NEVER, null);
        assertArrayEquals(new byte[32], f.unwrap("byok", blob), "the first material is back, and only it");
    }

    /** A principal without rights is denied every import operation (audited DENIED), before any material is looked at. */
    @Test
    void aStrangerIsDenied_getParameters_import_andDelete() throws Exception {
        String id = external("byok", KeySpec.SYMMETRIC_DEFAULT);
        ImportParameters p = f.keys.getParametersForImport(id, OAEP256, KeySpec.RSA_2048);
        byte[] enc = encrypt(p, OAEP256, random(32));
        f.keys.putKeyPolicy(id, ADMIN_ONLY, true);
        byte[] before = record(id);
        assertThrows(KeyAccessDeniedException.class, () -> as("stranger",
                () -> f.keys.getParametersForImport(id, OAEP256, KeySpec.RSA_2048)));
        assertEquals(AuditOutcome.DENIED, last(AuditOperation.GET_PARAMETERS_FOR_IMPORT).outcome());
        assertThrows(KeyAccessDeniedException.class, () -> as("stranger",
                () -> f.keys.importKeyMaterial(id, p.importToken(), enc, NEVER, null)));
        assertEquals(AuditOutcome.DENIED, last(AuditOperation.IMPORT_KEY_MATERIAL).outcome());
        assertArrayEquals(before, record(id), "a denied import consumes no token");
        as("admin", () -> f.keys.importKeyMaterial(id, p.importToken(), enc, NEVER, null));
        assertThrows(KeyAccessDeniedException.class, () -> as("stranger", () -> f.keys.deleteImportedKeyMaterial(id)));
        assertEquals(AuditOutcome.DENIED, last(AuditOperation.DELETE_IMPORTED_KEY_MATERIAL).outcome());
        assertEquals(KeyState.ENABLED, as("admin", () -> f.keys.describeKey(id).state()));
    }

    // ================================================================ HMAC through javax.crypto.Mac

    /**
     * A KMS HMAC handle gives the JDK's Mac nothing to key with; the KMS Mac refuses an AES key,
     * another spec's algorithm and a raw key; the handle has no encoding and does not serialize.
     */
    @Test
    void hmacHandles_yieldNoMaterial_andRefuseTheWrongAlgorithmOrUsage() throws Exception {
        KmsKeyHandle mac = f.keys.createKey(CreateKeyRequest.withAlias("mac").keySpec(KeySpec.HMAC_256)
                .keyUsage(KeyUsage.GENERATE_VERIFY_MAC));
        KmsKeyHandle aes = f.keys.createKey("aes", "");
        assertNull(mac.getEncoded());
        assertThrows(NotSerializableException.class,
                () -> new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(mac));
        assertThrows(InvalidKeyException.class, () -> Mac.getInstance("HmacSHA256", "SunJCE").init(mac),
                "the JDK's Mac gets no material from a handle");
        assertThrows(InvalidKeyException.class, () -> Mac.getInstance("HmacSHA512", LifecycleFixture.PROVIDER).init(mac));
        assertThrows(InvalidKeyException.class, () -> Mac.getInstance("HmacSHA256", LifecycleFixture.PROVIDER).init(aes));
        assertThrows(InvalidKeyException.class, () -> Mac.getInstance("HmacSHA256", LifecycleFixture.PROVIDER)
                .init(new javax.crypto.spec.SecretKeySpec(new byte[32], "HmacSHA256")));
        assertEquals(AuditOutcome.FAILED, last(AuditOperation.GENERATE_MAC).outcome());
    }

    /** VerifyMac never confirms a tag it did not make: empty, truncated, another key's; a wrong tag is false, audited. */
    @Test
    void verifyMac_acceptsOnlyTheFullTagOfThisKey() throws Exception {
        f.keys.createKey(CreateKeyRequest.withAlias("m1").keySpec(KeySpec.HMAC_256).keyUsage(KeyUsage.GENERATE_VERIFY_MAC));
        f.keys.createKey(CreateKeyRequest.withAlias("m2").keySpec(KeySpec.HMAC_256).keyUsage(KeyUsage.GENERATE_VERIFY_MAC));
        byte[] tag = f.keys.generateMac("m1", message, MacAlgorithm.HMAC_SHA_256);
        assertTrue(f.keys.verifyMac("m1", message, tag, MacAlgorithm.HMAC_SHA_256));
        assertFalse(f.keys.verifyMac("m1", message, new byte[0], MacAlgorithm.HMAC_SHA_256));
        assertFalse(f.keys.verifyMac("m1", message, java.util.Arrays.copyOf(tag, 16), MacAlgorithm.HMAC_SHA_256));
        assertFalse(f.keys.verifyMac("m2", message, tag, MacAlgorithm.HMAC_SHA_256));
        assertEquals(AuditOutcome.SUCCESS, last(AuditOperation.VERIFY_MAC).outcome());
        assertThrows(InvalidKeyException.class, () -> f.keys.verifyMac("m1", message, tag, MacAlgorithm.HMAC_SHA_512));
    }

    /** A Mac and a Signature initialized before their store closed make nothing after it. */
    @Test
    void macAndSignature_initializedBeforeTheStoreClosed_refuseAfter() throws Exception {
        KmsKeyHandle handle = f.keys.createKey(CreateKeyRequest.withAlias("mac").keySpec(KeySpec.HMAC_256)
                .keyUsage(KeyUsage.GENERATE_VERIFY_MAC));
        KmsPrivateKeyHandle signer = f.keys.createKeyPair(CreateKeyRequest.withAlias("ec").keySpec(KeySpec.ECC_NIST_P256));
        Mac mac = Mac.getInstance("HmacSHA256", LifecycleFixture.PROVIDER);
        mac.init(handle);
        Signature s = Signature.getInstance("SHA256withECDSA", LifecycleFixture.PROVIDER);
        s.initSign(signer);
        f.keys.close();
        mac.update(message);
        var refused = assertThrows(IllegalStateException.class, mac::doFinal);
        assertInstanceOf(InvalidKeyException.class, refused.getCause());
        s.update(message);
        assertThrows(SignatureException.class, s::sign);
        f = new LifecycleFixture(dir); // for close()
    }

    // ================================================================ asymmetric keys

    /** Private-key handles are no private keys: no encoding, not serializable, no RSAPrivateKey or ECPrivateKey. */
    @Test
    void privateKeyHandles_yieldNoMaterial() throws Exception {
        KmsPrivateKeyHandle rsa = f.keys.createKeyPair(CreateKeyRequest.withAlias("rsa").keySpec(KeySpec.RSA_2048)
                .keyUsage(KeyUsage.SIGN_VERIFY));
        KmsPrivateKeyHandle ec = f.keys.createKeyPair(CreateKeyRequest.withAlias("ec").keySpec(KeySpec.ECC_NIST_P256));
        for (KmsPrivateKeyHandle h : List.of(rsa, ec)) {
            assertNull(h.getEncoded());
            assertNull(h.getFormat());
            assertFalse(h instanceof RSAPrivateKey || h instanceof ECPrivateKey, h.toString());
            assertThrows(NotSerializableException.class,
                    () -> new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(h));
        }
        // the JDK's Signature is handed the handle: it cannot sign with it
        Signature jdk = Signature.getInstance("SHA256withECDSA", "SunEC");
        assertThrows(InvalidKeyException.class, () -> jdk.initSign(ec));
    }

    /** Each JCA service refuses a key of another usage, and the KMS Signature does not verify. */
    @Test
    void jcaServices_refuseKeysOfAnotherUsage() throws Exception {
        KmsPrivateKeyHandle agree = f.keys.createKeyPair(CreateKeyRequest.withAlias("agree").keySpec(KeySpec.ECC_NIST_P256)
                .keyUsage(KeyUsage.KEY_AGREEMENT));
        KmsPrivateKeyHandle sign = f.keys.createKeyPair(CreateKeyRequest.withAlias("sign").keySpec(KeySpec.ECC_NIST_P256)
                .keyUsage(KeyUsage.SIGN_VERIFY));
        KmsPrivateKeyHandle rsaSign = f.keys.createKeyPair(CreateKeyRequest.withAlias("rsa").keySpec(KeySpec.RSA_2048)
                .keyUsage(KeyUsage.SIGN_VERIFY));
        assertThrows(InvalidKeyException.class,
                () -> Signature.getInstance("SHA256withECDSA", LifecycleFixture.PROVIDER).initSign(agree));
        assertThrows(InvalidKeyException.class, () -> KeyAgreement.getInstance("ECDH", LifecycleFixture.PROVIDER).init(sign));
        assertThrows(InvalidKeyException.class, () -> Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding",
                LifecycleFixture.PROVIDER).init(Cipher.DECRYPT_MODE, rsaSign));
        assertThrows(InvalidKeyException.class,
                () -> Signature.getInstance("SHA384withECDSA", LifecycleFixture.PROVIDER).initSign(sign),
                "a P-256 key signs with SHA-256 only");
        assertThrows(InvalidKeyException.class,
                () -> Signature.getInstance("SHA256withECDSA", LifecycleFixture.PROVIDER).initVerify(sign.publicKey()));
        assertEquals(AuditOutcome.FAILED, last(AuditOperation.DECRYPT).outcome());
    }

    /** ECDH with a peer point that is not on the key's curve (invalid-curve attack) is refused, audited FAILED. */
    @Test
    void ecdhWithAPointOffTheCurve_isRefused() throws Exception {
        KmsPrivateKeyHandle agree = f.keys.createKeyPair(CreateKeyRequest.withAlias("agree").keySpec(KeySpec.ECC_NIST_P256)
                .keyUsage(KeyUsage.KEY_AGREEMENT));
        ECPublicKey real = (ECPublicKey) KeyPairs.generate(KeySpec.ECC_NIST_P256).getPublic();
        ECPublicKey offCurve = new OffCurveKey(real);
        KeyAgreement ka = KeyAgreement.getInstance("ECDH", LifecycleFixture.PROVIDER);
        ka.init(agree);
        ka.doPhase(offCurve, true);
        var e = assertThrows(ProviderException.class, ka::generateSecret);
        assertInstanceOf(InvalidKeyException.class, e.getCause());
        assertEquals(AuditOutcome.FAILED, last(AuditOperation.DERIVE_SHARED_SECRET).outcome());
        // a genuine peer still agrees
        ka.doPhase(real, true);
        assertEquals(32, ka.generateSecret().length);
    }

    /** An EC public key whose point is moved off the curve (y + 1), encoded as an uncompressed point. */
    private static final class OffCurveKey implements ECPublicKey {
        private final ECPublicKey real;
        private final ECPoint w;

        OffCurveKey(ECPublicKey real) {
            this.real = real;
            this.w = new ECPoint(real.getW().getAffineX(), real.getW().getAffineY().add(BigInteger.ONE));
        }

        @Override
        public ECPoint getW() {
            return w;
        }

        @Override
        public String getAlgorithm() {
            return "EC";
        }

        @Override
        public String getFormat() {
            return "X.509";
        }

        @Override
        public byte[] getEncoded() {
            byte[] der = real.getEncoded().clone();
            // the last 32 bytes are y: add one (big-endian), so the point is no longer on the curve
            for (int i = der.length - 1; i >= der.length - 32; i--) {
                if (++der[i] != 0) {
                    break;
                }
            }
            return der;
        }

        @Override
        public ECParameterSpec getParams() {
            return real.getParams();
        }
    }

    /** A Signature initialized while the key was enabled signs nothing once it is disabled: refused, audited DENIED. */
    @Test
    void aSignatureInitializedBeforeTheKeyWasDisabled_signsNothing() throws Exception {
        KmsPrivateKeyHandle sign = f.keys.createKeyPair(CreateKeyRequest.withAlias("sign").keySpec(KeySpec.ECC_NIST_P256));
        Signature s = Signature.getInstance("SHA256withECDSA", LifecycleFixture.PROVIDER);
        s.initSign(sign);
        f.keys.disableKey("sign");
        s.update(message);
        assertThrows(SignatureException.class, s::sign);
        assertEquals(AuditOutcome.DENIED, last(AuditOperation.SIGN).outcome());
    }

    /** A stranger's Signature, Cipher and KeyAgreement are denied at the request, audited DENIED, whatever init allowed. */
    @Test
    void aStrangersJcaRequestsAreDenied() throws Exception {
        KmsPrivateKeyHandle sign = f.keys.createKeyPair(CreateKeyRequest.withAlias("sign").keySpec(KeySpec.ECC_NIST_P256));
        KmsPrivateKeyHandle agree = f.keys.createKeyPair(CreateKeyRequest.withAlias("agree").keySpec(KeySpec.ECC_NIST_P256)
                .keyUsage(KeyUsage.KEY_AGREEMENT));
        f.keys.putKeyPolicy("sign", ADMIN_ONLY, true);
        f.keys.putKeyPolicy("agree", ADMIN_ONLY, true);
        as("stranger", () -> {
            Signature s = Signature.getInstance("SHA256withECDSA", LifecycleFixture.PROVIDER);
            s.initSign(sign);
            s.update(message);
            var e = assertThrows(SignatureException.class, s::sign);
            assertInstanceOf(io.kmsjca.keys.KeyUseDeniedException.class, e.getCause());
            KeyAgreement ka = KeyAgreement.getInstance("ECDH", LifecycleFixture.PROVIDER);
            ka.init(agree);
            ka.doPhase(KeyPairs.generate(KeySpec.ECC_NIST_P256).getPublic(), true);
            assertThrows(ProviderException.class, ka::generateSecret);
        });
        assertEquals(AuditOutcome.DENIED, last(AuditOperation.SIGN).outcome());
        assertEquals(AuditOutcome.DENIED, last(AuditOperation.DERIVE_SHARED_SECRET).outcome());
    }
}
