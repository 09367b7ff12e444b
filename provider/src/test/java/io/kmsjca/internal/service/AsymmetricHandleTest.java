package io.kmsjca.internal.service;

import io.kmsjca.internal.engine.PrivateKeyEngine;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;

import static org.junit.jupiter.api.Assertions.*;

/** The handles on asymmetric keys: no material, not serializable, the JDK interfaces of their public parameters only. */
class AsymmetricHandleTest {

    @TempDir
    Path dir;
    LifecycleFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
    }

    private KmsPrivateKeyHandle create(KeySpec spec) throws Exception {
        return f.keys.createKeyPair(CreateKeyRequest.withAlias("k-" + spec.ordinal()).keySpec(spec));
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"SYMMETRIC_DEFAULT", "HMAC_.*"}, mode = EnumSource.Mode.MATCH_NONE) // key pairs only
    void handlesHoldNoMaterialAndRefuseSerialization(KeySpec spec) throws Exception {
        KmsPrivateKeyHandle handle = create(spec);
        assertNull(handle.getEncoded());
        assertNull(handle.getFormat());
        var out = new ObjectOutputStream(new ByteArrayOutputStream());
        assertThrows(NotSerializableException.class, () -> out.writeObject(handle));
        assertFalse(handle instanceof RSAPrivateKey || handle instanceof ECPrivateKey || handle instanceof EdECPrivateKey,
                "no interface that exposes the secret");
        String text = handle.toString();
        assertTrue(text.contains("alias/k-" + spec.ordinal()) && text.contains(handle.keyId().toString())
                && text.contains(spec.name()), text);
        assertTrue(text.length() < 160, "names the key and spec only: " + text);
        assertEquals(handle, f.keys.findPrivateKey("k-" + spec.ordinal()).orElseThrow());
        assertEquals(handle.hashCode(), f.keys.findPrivateKey("k-" + spec.ordinal()).orElseThrow().hashCode());
    }

    @Test
    void rsaHandlesAreRsaKeysOfTheirPublicModulus() throws Exception {
        KmsPrivateKeyHandle handle = create(KeySpec.RSA_3072);
        assertEquals("RSA", handle.getAlgorithm());
        RSAKey rsa = assertInstanceOf(RSAKey.class, handle);
        assertEquals(((RSAPublicKey) handle.publicKey()).getModulus(), rsa.getModulus());
        assertEquals(3072, rsa.getModulus().bitLength());
    }

    @Test
    void ecHandlesAreEcKeysOfTheirCurve() throws Exception {
        KmsPrivateKeyHandle handle = create(KeySpec.ECC_NIST_P384);
        assertEquals("EC", handle.getAlgorithm());
        ECKey ec = assertInstanceOf(ECKey.class, handle);
        var expected = ((ECPublicKey) handle.publicKey()).getParams();
        assertEquals(expected.getCurve(), ec.getParams().getCurve());
        assertEquals(expected.getOrder(), ec.getParams().getOrder());
        assertEquals(expected.getGenerator(), ec.getParams().getGenerator());
        assertEquals(384, ec.getParams().getOrder().bitLength());
        KmsPrivateKeyHandle k1 = create(KeySpec.ECC_SECG_P256K1);
        assertEquals(((ECPublicKey) k1.publicKey()).getParams().getOrder(), ((ECKey) k1).getParams().getOrder());
    }

    @Test
    void ed25519HandlesAreEdEcKeys() throws Exception {
        KmsPrivateKeyHandle handle = create(KeySpec.ECC_NIST_EDWARDS25519);
        EdECKey ed = assertInstanceOf(EdECKey.class, handle);
        assertEquals("Ed25519", ed.getParams().getName());
        assertEquals(handle.publicKey().getAlgorithm(), handle.getAlgorithm());
    }

    /** KeyStore.PrivateKeyEntry requires the chain's key algorithm to be the private key's: the JDK's own check. */
    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"RSA_2048", "ECC_NIST_P256", "ECC_NIST_EDWARDS25519"})
    void aHandleAndItsCertificateMakeAPrivateKeyEntry(KeySpec spec) throws Exception {
        KmsPrivateKeyHandle handle = create(spec);
        X509Certificate cert = AsymmetricTestSupport.issue(handle.publicKey(), "leaf", AsymmetricTestSupport.ca(), "ca");
        assertEquals(cert.getPublicKey().getAlgorithm(), handle.getAlgorithm());
        var entry = new KeyStore.PrivateKeyEntry(handle, new Certificate[] {cert});
        assertSame(handle, entry.getPrivateKey());
    }

    @Test
    void destroyedAndForeignHandlesAreRefused() throws Exception {
        KmsPrivateKeyHandle handle = create(KeySpec.ECC_NIST_P256);
        byte[] digest = new byte[32];
        LifecycleFixture other = new LifecycleFixture(java.nio.file.Files.createDirectories(dir.resolve("other")));
        KmsPrivateKeyHandle foreign = other.keys.createKeyPair(CreateKeyRequest.withAlias("x").keySpec(KeySpec.ECC_NIST_P256));
        var e = assertThrows(InvalidKeyException.class, () -> new PrivateKeyEngine().sign(ServicePrivateKeyHandle.of(f.keys,
                foreign.keyId(), null, KeySpec.ECC_NIST_P256, KeyUsage.SIGN_VERIFY, foreign.publicKey()), digest, 0, 32,
                MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        handle.destroy();
        assertTrue(handle.isDestroyed());
        e = assertThrows(InvalidKeyException.class, () -> new PrivateKeyEngine().sign(handle, digest, 0, 32,
                MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        assertTrue(e.getMessage().contains("destroyed"), e.getMessage());
        assertNotNull(f.keys.sign("k-" + KeySpec.ECC_NIST_P256.ordinal(), digest, MessageType.DIGEST,
                SigningAlgorithm.ECDSA_SHA_256), "the key itself is untouched");
        // the other store's own handle still works there: the refusal above was about the store, not the key
        assertNotNull(new PrivateKeyEngine().sign(foreign, digest, 0, 32, MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256));
        other.keys.close();
    }
}
