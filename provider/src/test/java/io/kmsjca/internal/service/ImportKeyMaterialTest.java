package io.kmsjca.internal.service;

import io.kmsjca.internal.crypto.ImportUnwrap;
import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.ExpirationModel;
import io.kmsjca.keys.ImportParameters;
import io.kmsjca.keys.ImportRefusedException;
import io.kmsjca.keys.ImportRefusedException.Reason;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.MacAlgorithm;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.keys.WrappingAlgorithm;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bring your own key as AWS KMS does it: CreateKey with origin EXTERNAL, GetParametersForImport,
 * ImportKeyMaterial with each wrapping algorithm (the importer's side done here with the JDK's
 * own RSA-OAEP and AES/KWP), DeleteImportedKeyMaterial, expiry, re-import of the same material
 * and every refusal: audited, and the key's record byte for byte unchanged.
 */
class ImportKeyMaterialTest {

    @TempDir
    Path dir;
    LifecycleFixture f;

    @BeforeEach
    void open() throws Exception {
        f = new LifecycleFixture(dir);
    }

    private String external(String alias) throws Exception {
        return f.keys.createKey(CreateKeyRequest.withAlias(alias).origin(KeyOrigin.IMPORTED)).keyId().toString();
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        KmsRandom.nextBytes(b);
        return b;
    }

    /** What an importer does with the public key: AWS's wrapping algorithms, with the JDK. */
    static byte[] encrypt(ImportParameters p, WrappingAlgorithm algorithm, byte[] material) throws Exception {
        PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(p.publicKey()));
        String hash = algorithm == WrappingAlgorithm.RSAES_OAEP_SHA_1 || algorithm == WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1
                ? "SHA-1" : "SHA-256";
        Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
        oaep.init(Cipher.ENCRYPT_MODE, pub, new OAEPParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash),
                PSource.PSpecified.DEFAULT));
        if (algorithm == WrappingAlgorithm.RSAES_OAEP_SHA_1 || algorithm == WrappingAlgorithm.RSAES_OAEP_SHA_256) {
            return oaep.doFinal(material);
        }
        byte[] aes = random(32);
        Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
        kwp.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aes, "AES"));
        byte[] wrapped = kwp.doFinal(material);
        byte[] head = oaep.doFinal(aes);
        byte[] all = Arrays.copyOf(head, head.length + wrapped.length);
        System.arraycopy(wrapped, 0, all, head.length, wrapped.length);
        return all;
    }

    private byte[] record(String id) throws Exception {
        return f.keys.backend().get(id).orElseThrow().sealed();
    }

    private void importInto(String id, byte[] material, WrappingAlgorithm algorithm) throws Exception {
        ImportParameters p = f.keys.getParametersForImport(id, algorithm, KeySpec.RSA_2048);
        f.keys.importKeyMaterial(id, p.importToken(), encrypt(p, algorithm, material),
                ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null);
    }

    @Test
    void externalKey_isPendingImport_withoutMaterial_andUnusable() throws Exception {
        String id = external("byok");
        KeyMetadata m = f.keys.describeKey(id);
        assertEquals(KeyState.PENDING_IMPORT, m.state());
        assertEquals(KeyOrigin.IMPORTED, m.origin());
        assertNull(m.expirationModel());
        var wrap = assertThrows(java.security.InvalidKeyException.class, () -> f.wrap("byok"));
        assertTrue(wrap.getMessage().contains("PendingImport"), wrap.getMessage());
        var enable = assertThrows(KeyStateException.class, () -> f.keys.enableKey(id));
        assertTrue(enable.getMessage().contains("import its key material first"), enable.getMessage());
        assertThrows(KeyStateException.class, () -> f.keys.disableKey(id));
        assertThrows(KeyStateException.class, () -> f.keys.rotateKeyOnDemand(id));
        assertEquals(KeyState.PENDING_IMPORT, f.reopen().describeKey(id).state(), "a new key is stored waiting");
    }

    @ParameterizedTest
    @EnumSource(WrappingAlgorithm.class)
    void import_withEachWrappingAlgorithm_enablesTheKey_whichWrapsAndUnwraps(WrappingAlgorithm algorithm) throws Exception {
        String id = external("byok");
        byte[] material = random(32);
        importInto(id, material, algorithm);
        KeyMetadata m = f.keys.describeKey(id);
        assertEquals(KeyState.ENABLED, m.state());
        assertEquals(ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, m.expirationModel());
        AuditEvent e = f.last(AuditOperation.IMPORT_KEY_MATERIAL);
        assertEquals(AuditOutcome.SUCCESS, e.outcome());
        assertEquals(id, e.keyId());
        byte[] blob = f.wrap("byok");
        assertArrayEquals(new byte[32], f.unwrap("byok", blob));
        f.reopen();
        assertArrayEquals(new byte[32], f.unwrap("byok", blob), "the imported material is stored sealed");
        assertThrows(KeyStateException.class, () -> f.keys.rotateKeyOnDemand(id), "EXTERNAL keys do not rotate");
    }

    /**
     * A key of imported material cannot rotate, so its usage limit starts no rotation: without it,
     * every wrap past twice the threshold tried one under the registry's lock (audited DENIED) and
     * every maintenance run failed on the key, never reaching its usage count's persistence.
     */
    @Test
    void aKeyOfImportedMaterial_pastItsUsageThreshold_goesOnWrapping_withoutTryingToRotate() throws Exception {
        f.keys.close();
        f = new LifecycleFixture(java.nio.file.Files.createDirectories(dir.resolve("usage")), 10);
        String id = external("byok");
        importInto(id, random(32), WrappingAlgorithm.RSAES_OAEP_SHA_256);
        for (int i = 0; i < 35; i++) {
            assertArrayEquals(new byte[32], f.unwrap("byok", f.wrap("byok")));
        }
        assertEquals(0, f.audit.stream().filter(e -> e.operation() == AuditOperation.ROTATE_KEY).count(),
                "no rotation tried");
        assertEquals(List.of(), f.keys.runMaintenance().failures());
        assertEquals(List.of(), f.keys.listKeyRotations(id));
        assertEquals(KeyState.ENABLED, f.keys.describeKey(id).state());
    }

    @Test
    void parameters_survive_anotherProcess() throws Exception {
        String id = external("byok");
        ImportParameters p = f.keys.getParametersForImport(id, WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256, KeySpec.RSA_2048);
        assertEquals(Instant.parse("2026-01-02T00:00:00Z"), p.parametersValidTo());
        f.reopen(); // the CLI runs get-parameters-for-import and import-key-material in two processes
        f.keys.importKeyMaterial(id, p.importToken(), encrypt(p, p.algorithm(), random(32)),
                ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null);
        assertEquals(KeyState.ENABLED, f.keys.describeKey(id).state());
    }

    /** Refused with {@code reason}, audited FAILED with that class, the key's record unchanged. */
    private void assertRefused(String id, Reason reason, ThrowingImport call) throws Exception {
        byte[] before = record(id);
        int events = f.audit.size();
        var e = assertThrows(ImportRefusedException.class, call::run);
        assertEquals(reason, e.reason(), e.getMessage());
        assertArrayEquals(before, record(id), "the record is unchanged");
        AuditEvent last = f.audit.get(f.audit.size() - 1);
        assertEquals(events + 1, f.audit.size());
        assertEquals(AuditOutcome.FAILED, last.outcome());
        assertEquals(ImportRefusedException.class.getName(), last.errorClass());
        assertEquals(KeyState.PENDING_IMPORT, f.keys.describeKey(id).state());
    }

    interface ThrowingImport {
        void run() throws Exception;
    }

    @Test
    void tokens_thatAreExpired_forAnotherKey_altered_truncated_orSuperseded_areRefused() throws Exception {
        String id = external("byok");
        String other = external("other");
        byte[] material = random(32);
        WrappingAlgorithm a = WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256;
        ImportParameters forOther = f.keys.getParametersForImport(other, a, KeySpec.RSA_2048);
        ImportParameters p = f.keys.getParametersForImport(id, a, KeySpec.RSA_2048);
        byte[] enc = encrypt(p, a, material);
        ExpirationModel never = ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE;
        assertRefused(id, Reason.INVALID_IMPORT_TOKEN,
                () -> f.keys.importKeyMaterial(id, forOther.importToken(), encrypt(forOther, a, material), never, null));
        for (int i = 0; i < p.importToken().length; i++) {
            byte[] t = p.importToken().clone();
            t[i] ^= 0x01;
            assertRefused(id, Reason.INVALID_IMPORT_TOKEN, () -> f.keys.importKeyMaterial(id, t, enc, never, null));
        }
        byte[] cut = Arrays.copyOf(p.importToken(), p.importToken().length - 1);
        assertRefused(id, Reason.INVALID_IMPORT_TOKEN, () -> f.keys.importKeyMaterial(id, cut, enc, never, null));
        ImportParameters later = f.keys.getParametersForImport(id, a, KeySpec.RSA_2048);
        assertRefused(id, Reason.INVALID_IMPORT_TOKEN, () -> f.keys.importKeyMaterial(id, p.importToken(), enc, never, null));
        f.clock.advance(Duration.ofHours(24));
        assertRefused(id, Reason.EXPIRED_IMPORT_TOKEN,
                () -> f.keys.importKeyMaterial(id, later.importToken(), encrypt(later, a, material), never, null));
    }

    @Test
    void encryptedMaterial_thatIsTruncated_altered_orOfAnotherAlgorithm_isRefused_withOneMessage() throws Exception {
        String id = external("byok");
        ExpirationModel never = ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE;
        ImportParameters p = f.keys.getParametersForImport(id, WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256, KeySpec.RSA_2048);
        byte[] enc = encrypt(p, p.algorithm(), random(32));
        byte[] wrongAlgorithm = encrypt(p, WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1, random(32));
        java.util.Set<String> messages = new java.util.HashSet<>();
        for (byte[] bad : new byte[][]{Arrays.copyOf(enc, enc.length - 1), Arrays.copyOf(enc, 256), wrongAlgorithm,
                flip(enc, 10), flip(enc, enc.length - 1), flip(enc, 256), new byte[0]}) {
            assertRefused(id, Reason.INVALID_CIPHERTEXT, () -> f.keys.importKeyMaterial(id, p.importToken(), bad, never, null));
            messages.add(f.audit.get(f.audit.size() - 1).errorMessage());
        }
        assertEquals(1, messages.size(), "one message for every failure: " + messages);
        assertTrue(messages.iterator().next().startsWith(ImportUnwrap.FAILED));
    }

    private static byte[] flip(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] ^= 0x40;
        return c;
    }

    @Test
    void material_ofTheWrongLength_isRefused() throws Exception {
        String id = external("byok");
        ImportParameters p = f.keys.getParametersForImport(id, WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048);
        byte[] before = record(id);
        var e = assertThrows(InvalidKeyRequestException.class, () -> f.keys.importKeyMaterial(id, p.importToken(),
                encrypt(p, p.algorithm(), random(16)), ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null));
        assertTrue(e.getMessage().contains("32 bytes"), e.getMessage());
        assertArrayEquals(before, record(id));
        assertEquals(AuditOutcome.FAILED, f.last(AuditOperation.IMPORT_KEY_MATERIAL).outcome());
    }

    @Test
    void validTo_mustBeInTheFuture_andWithin365Days() throws Exception {
        String id = external("byok");
        ImportParameters p = f.keys.getParametersForImport(id, WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048);
        byte[] enc = encrypt(p, p.algorithm(), random(32));
        Instant now = f.clock.instant();
        for (Instant bad : new Instant[]{now, now.plus(Duration.ofDays(365)).plusSeconds(1), null}) {
            assertThrows(InvalidKeyRequestException.class, () -> f.keys.importKeyMaterial(id, p.importToken(), enc,
                    ExpirationModel.KEY_MATERIAL_EXPIRES, bad));
        }
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.importKeyMaterial(id, p.importToken(), enc,
                ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, now.plusSeconds(60)));
        assertEquals(KeyState.PENDING_IMPORT, f.keys.describeKey(id).state());
        f.keys.importKeyMaterial(id, p.importToken(), enc, ExpirationModel.KEY_MATERIAL_EXPIRES, now.plus(Duration.ofDays(365)));
        assertEquals(now.plus(Duration.ofDays(365)), f.keys.describeKey(id).validTo());
    }

    @Test
    void deleteImportedMaterial_returnsToPendingImport_andOnlyTheSameMaterialComesBack() throws Exception {
        String id = external("byok");
        byte[] material = random(32);
        importInto(id, material, WrappingAlgorithm.RSAES_OAEP_SHA_256);
        byte[] blob = f.wrap("byok");
        var version = f.keys.registry().snapshot().byId().get(java.util.UUID.fromString(id)).versions().get(0);
        f.keys.deleteImportedKeyMaterial(id);
        assertFalse(version.holdsMaterial(), "wiped once the deletion is durable");
        assertEquals(KeyState.PENDING_IMPORT, f.keys.describeKey(id).state());
        assertNull(f.keys.describeKey(id).expirationModel());
        assertEquals(AuditOutcome.SUCCESS, f.last(AuditOperation.DELETE_IMPORTED_KEY_MATERIAL).outcome());
        assertThrows(java.security.InvalidKeyException.class, () -> f.unwrap("byok", blob));
        f.reopen();
        ImportParameters p = f.keys.getParametersForImport(id, WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1, KeySpec.RSA_2048);
        byte[] other = encrypt(p, p.algorithm(), random(32));
        assertRefused(id, Reason.INCORRECT_KEY_MATERIAL, () -> f.keys.importKeyMaterial(id, p.importToken(), other,
                ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null));
        f.keys.importKeyMaterial(id, p.importToken(), encrypt(p, p.algorithm(), material),
                ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null);
        assertArrayEquals(new byte[32], f.unwrap("byok", blob), "the same material: old blobs decrypt again");
        // a token imports once
        assertRefused2(id, p);
    }

    private void assertRefused2(String id, ImportParameters used) throws Exception {
        var e = assertThrows(ImportRefusedException.class, () -> f.keys.importKeyMaterial(id, used.importToken(),
                new byte[300], ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null));
        assertEquals(Reason.INVALID_IMPORT_TOKEN, e.reason());
    }

    @Test
    void expiredMaterial_isDeletedByMaintenance_andAudited() throws Exception {
        String id = external("byok");
        ImportParameters p = f.keys.getParametersForImport(id, WrappingAlgorithm.RSAES_OAEP_SHA_1, KeySpec.RSA_2048);
        Instant until = f.clock.instant().plus(Duration.ofDays(10));
        f.keys.importKeyMaterial(id, p.importToken(), encrypt(p, p.algorithm(), random(32)),
                ExpirationModel.KEY_MATERIAL_EXPIRES, until);
        assertEquals(until, f.reopen().describeKey(id).validTo());
        f.clock.advance(Duration.ofDays(10).minusSeconds(1));
        assertEquals(0, f.keys.runMaintenance().materialExpired());
        assertEquals(KeyState.ENABLED, f.keys.describeKey(id).state());
        f.clock.advance(Duration.ofSeconds(1));
        assertEquals(1, f.keys.runMaintenance().materialExpired());
        assertEquals(KeyState.PENDING_IMPORT, f.keys.describeKey(id).state());
        AuditEvent e = f.last(AuditOperation.EXPIRE_KEY_MATERIAL);
        assertEquals(AuditOutcome.SUCCESS, e.outcome());
        assertEquals(id, e.keyId());
        assertThrows(java.security.InvalidKeyException.class, () -> f.wrap("byok"));
    }

    @Test
    void keysOfAnotherOrigin_refuseImportOperations() throws Exception {
        String id = f.keys.createKey("generated", "").keyId().toString();
        byte[] before = record(id);
        var e = assertThrows(ImportRefusedException.class, () -> f.keys.getParametersForImport(id,
                WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048));
        assertEquals(Reason.UNSUPPORTED_OPERATION, e.reason());
        assertThrows(ImportRefusedException.class, () -> f.keys.deleteImportedKeyMaterial(id));
        assertThrows(ImportRefusedException.class, () -> f.keys.importKeyMaterial(id, new byte[95], new byte[256],
                ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null));
        assertArrayEquals(before, record(id));
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.getParametersForImport(external("x"),
                WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.ECC_NIST_P256), "wrapping keys are RSA");
    }

    @Test
    void pendingImport_mayBeScheduledForDeletion_andCancellingReturnsToPendingImport() throws Exception {
        String id = external("byok");
        f.keys.scheduleKeyDeletion(id, 7);
        assertEquals(KeyState.PENDING_DELETION, f.keys.describeKey(id).state());
        f.keys.cancelKeyDeletion(id);
        assertEquals(KeyState.PENDING_IMPORT, f.keys.describeKey(id).state());
    }

    @Test
    void hmacMaterial_isImported_inTheSpecsRange() throws Exception {
        String id = f.keys.createKey(CreateKeyRequest.withAlias("mac").keySpec(KeySpec.HMAC_256).origin(KeyOrigin.IMPORTED))
                .keyId().toString();
        byte[] material = random(64);
        ImportParameters p = f.keys.getParametersForImport(id, WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256, KeySpec.RSA_2048);
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.importKeyMaterial(id, p.importToken(),
                encrypt(p, p.algorithm(), random(16)), ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null));
        f.keys.importKeyMaterial(id, p.importToken(), encrypt(p, p.algorithm(), material),
                ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null);
        Mac jdk = Mac.getInstance("HmacSHA256");
        jdk.init(new SecretKeySpec(material, "HmacSHA256"));
        byte[] msg = "imported".getBytes();
        assertArrayEquals(jdk.doFinal(msg), f.keys.generateMac(id, msg, MacAlgorithm.HMAC_SHA_256));
    }

    @Test
    void asymmetricMaterial_isAPkcs8OfTheKeysSpec_wrappedWithAesKeyWrap() throws Exception {
        String id = f.keys.createKey(CreateKeyRequest.withAlias("signer").keySpec(KeySpec.ECC_NIST_P256)
                .origin(KeyOrigin.IMPORTED)).keyId().toString();
        KeyPair pair = KeyPairs.generate(KeySpec.ECC_NIST_P256);
        KeyPair wrong = KeyPairs.generate(KeySpec.ECC_NIST_P384);
        ImportParameters p = f.keys.getParametersForImport(id, WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256, KeySpec.RSA_2048);
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.importKeyMaterial(id, p.importToken(),
                encrypt(p, p.algorithm(), wrong.getPrivate().getEncoded()), ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null));
        f.keys.importKeyMaterial(id, p.importToken(), encrypt(p, p.algorithm(), pair.getPrivate().getEncoded()),
                ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null);
        byte[] msg = "signed by an imported key".getBytes();
        byte[] sig = f.keys.sign(id, msg, MessageType.RAW, SigningAlgorithm.ECDSA_SHA_256);
        Signature v = Signature.getInstance("SHA256withECDSA");
        v.initVerify(pair.getPublic());
        v.update(msg);
        assertTrue(v.verify(sig));
        String rsa = f.keys.createKey(CreateKeyRequest.withAlias("rsa").keySpec(KeySpec.RSA_2048)
                .origin(KeyOrigin.IMPORTED)).keyId().toString();
        var e = assertThrows(InvalidKeyRequestException.class, () -> f.keys.getParametersForImport(rsa,
                WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048));
        assertTrue(e.getMessage().contains("RSA_AES_KEY_WRAP"), e.getMessage());
    }

    @Test
    void policies_decideImportOperations_withTheirConditionKeys() throws Exception {
        String id = external("byok");
        // bob may import only with RSA_AES_KEY_WRAP_SHA_256 wrapping and material that does not expire
        f.keys.putKeyPolicy(id, """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Deny", "Principal": {"AWS": "bob"}, "Action": "kms:GetParametersForImport", "Resource": "*",
                   "Condition": {"StringNotEquals": {"kms:WrappingAlgorithm": "RSA_AES_KEY_WRAP_SHA_256"}}},
                  {"Effect": "Deny", "Principal": {"AWS": "bob"}, "Action": "kms:ImportKeyMaterial", "Resource": "*",
                   "Condition": {"StringEquals": {"kms:ExpirationModel": "KEY_MATERIAL_EXPIRES"}}},
                  {"Effect": "Deny", "Principal": {"AWS": "bob"}, "Action": "kms:DeleteImportedKeyMaterial", "Resource": "*"}]}""",
                false);
        assertThrows(io.kmsjca.keys.KeyAccessDeniedException.class, () -> AsPrincipal.as("bob",
                () -> f.keys.getParametersForImport(id, WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048)));
        ImportParameters p = AsPrincipal.as("bob",
                () -> f.keys.getParametersForImport(id, WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256, KeySpec.RSA_2048));
        byte[] enc = encrypt(p, p.algorithm(), random(32));
        assertThrows(io.kmsjca.keys.KeyAccessDeniedException.class, () -> AsPrincipal.as("bob", () -> f.keys.importKeyMaterial(
                id, p.importToken(), enc, ExpirationModel.KEY_MATERIAL_EXPIRES, f.clock.instant().plus(Duration.ofDays(1)))));
        AsPrincipal.as("bob", () -> f.keys.importKeyMaterial(id, p.importToken(), enc,
                ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null));
        assertThrows(io.kmsjca.keys.KeyAccessDeniedException.class,
                () -> AsPrincipal.as("bob", () -> f.keys.deleteImportedKeyMaterial(id)));
        assertEquals(KeyState.ENABLED, f.keys.describeKey(id).state());
    }

    private io.kmsjca.internal.crypto.SecretBytes wrappingKeyInMemory(String id) {
        return f.keys.registry().snapshot().byId().get(java.util.UUID.fromString(id)).imports().orElseThrow().wrapping()
                .privateKey();
    }

    @Test
    void wrappingKeys_areWiped_whenReplaced_andWhenUsed() throws Exception {
        String id = external("byok");
        f.keys.getParametersForImport(id, WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048);
        var first = wrappingKeyInMemory(id);
        ImportParameters p = f.keys.getParametersForImport(id, WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048);
        var second = wrappingKeyInMemory(id);
        assertTrue(first.isDestroyed(), "replaced parameters: the old wrapping key is wiped");
        assertFalse(second.isDestroyed());
        f.keys.importKeyMaterial(id, p.importToken(), encrypt(p, p.algorithm(), random(32)),
                ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null);
        assertTrue(second.isDestroyed(), "used parameters: the wrapping key is wiped");
        assertNull(f.keys.registry().snapshot().byId().get(java.util.UUID.fromString(id)).imports().orElseThrow().wrapping());
    }
}
