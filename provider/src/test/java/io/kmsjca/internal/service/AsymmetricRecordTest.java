package io.kmsjca.internal.service;

import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.internal.model.AccessRules;
import io.kmsjca.internal.model.CertificateChain;
import io.kmsjca.internal.model.KeyPairMaterial;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.store.MasterKeyCodec;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.RotationReason;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The key record of asymmetric keys (payload version 4): every spec round-trips, a frozen golden
 * payload still reads and is written byte for byte, symmetric keys are still written as versions
 * 2 and 3, a store reopened from disk keeps its key pairs and chains, and the bounds hold.
 */
class AsymmetricRecordTest {

    private static final UUID ID = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    /** The golden key's Ed25519 seed, and its certificate authority's (both Ed25519: deterministic signatures). */
    private static final byte[] SEED = HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    private static final byte[] CA_SEED = HexFormat.of().parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
    private static final String GOLDEN = "/golden/record-payload-v4.hex";

    @TempDir
    Path dir;

    static List<Object[]> specsAndUsages() {
        return AsymmetricTestSupport.specsAndUsages();
    }

    private static MasterKey pairKey(KeySpec spec, KeyUsage usage, KeyPairMaterial pair, CertificateChain chain) {
        return new MasterKey(ID, 3, "a " + spec + " key", KeyState.ENABLED, KeyManagerType.CUSTOMER, T, null,
                List.of("signer"), Map.of("team", "web"), 0, 1,
                List.of(new KeyVersion(1, T, KeyOrigin.GENERATED, RotationReason.CREATED, pair, 0)), AccessRules.DEFAULT,
                spec, usage, chain);
    }

    @ParameterizedTest
    @MethodSource("specsAndUsages")
    void everySpecRoundTripsAsVersion4(KeySpec spec, KeyUsage usage) throws Exception {
        KeyPair generated = KeyPairs.generate(spec);
        byte[] pkcs8 = generated.getPrivate().getEncoded();
        MasterKey key = pairKey(spec, usage, KeyPairMaterial.of(spec, generated), CertificateChain.EMPTY);
        byte[] payload = MasterKeyCodec.encode(key);
        assertEquals(4, payload[0]);
        MasterKey back = MasterKeyCodec.decode(ID, 3, payload);
        assertEquals(spec, back.keySpec());
        assertEquals(usage, back.keyUsage());
        assertEquals(key.metadata(), back.metadata());
        KeyPairMaterial pair = back.keyPair().orElseThrow();
        byte[] copy = pair.pkcs8Copy();
        assertArrayEquals(pkcs8, copy);
        assertArrayEquals(generated.getPublic().getEncoded(), pair.publicKeyDer());
        assertArrayEquals(KeyPairs.publicOf(spec, pair.privateKey()).getEncoded(), pair.publicKeyDer(),
                "the decoded private key is the pair of the stored public key");
        assertTrue(back.certificateChain().isEmpty());
        assertArrayEquals(new byte[payload.length], payload, "the payload is wiped once decoded");
        back.versions().get(0).wipe();
        assertTrue(pair.isWiped());
        assertThrows(java.security.InvalidKeyException.class, pair::privateKey);
    }

    /** The golden key: fixed seeds, so encoding it gives the golden bytes again. */
    static MasterKey goldenKey() throws Exception {
        KeySpec spec = KeySpec.ECC_NIST_EDWARDS25519;
        PrivateKey priv = ed25519(SEED);
        PublicKey pub = KeyPairs.publicOf(spec, priv);
        PrivateKey ca = ed25519(CA_SEED);
        X509Certificate leaf = AsymmetricTestSupport.issueEd25519(pub, "golden signer", ca, "golden ca");
        X509Certificate root = AsymmetricTestSupport.issueEd25519(KeyPairs.publicOf(spec, ca), "golden ca", ca, "golden ca");
        return pairKey(spec, KeyUsage.SIGN_VERIFY, KeyPairMaterial.of(spec, new KeyPair(pub, priv)),
                CertificateChain.of(List.of(leaf, root)));
    }

    private static PrivateKey ed25519(byte[] seed) throws Exception {
        byte[] pkcs8 = new byte[16 + 32];
        System.arraycopy(HexFormat.of().parseHex("302e020100300506032b657004220420"), 0, pkcs8, 0, 16);
        System.arraycopy(seed, 0, pkcs8, 16, 32);
        return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    private static byte[] golden() throws Exception {
        try (InputStream in = AsymmetricRecordTest.class.getResourceAsStream(GOLDEN)) {
            assertNotNull(in, "golden file " + GOLDEN);
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s", ""));
        }
    }

    @Test
    void theGoldenVersion4PayloadReadsAndIsWrittenByteForByte() throws Exception {
        byte[] golden = golden();
        assertEquals(4, golden[0]);
        MasterKey read = MasterKeyCodec.decode(ID, 3, golden.clone());
        assertEquals(KeySpec.ECC_NIST_EDWARDS25519, read.keySpec());
        assertEquals(KeyUsage.SIGN_VERIFY, read.keyUsage());
        assertEquals(List.of("signer"), read.aliases());
        assertEquals(Map.of("team", "web"), read.tags());
        assertEquals(2, read.certificateChain().size());
        assertEquals("CN=golden signer", read.certificateChain().certificates().get(0).getSubjectX500Principal().getName());
        assertEquals("CN=golden ca", read.certificateChain().certificates().get(1).getSubjectX500Principal().getName());
        byte[] pkcs8 = read.keyPair().orElseThrow().pkcs8Copy();
        assertArrayEquals(SEED, Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length), "the seed stored is the key's");
        assertArrayEquals(read.keyPair().orElseThrow().publicKeyDer(),
                read.certificateChain().certificates().get(0).getPublicKey().getEncoded());
        assertArrayEquals(golden, MasterKeyCodec.encode(read), "read and written again: the same bytes");
        assertArrayEquals(golden, MasterKeyCodec.encode(goldenKey()), "the golden key encodes to the golden file");
    }

    @Test
    void malformedVersion4PayloadsAreRefused() throws Exception {
        byte[] golden = golden();
        assertThrows(IllegalArgumentException.class,
                () -> MasterKeyCodec.decode(ID, 3, Arrays.copyOf(golden, golden.length - 1)));
        // the certificate count stands before the two certificates
        MasterKey read = MasterKeyCodec.decode(ID, 3, golden.clone());
        int chainBytes = 1 + 2 * 4 + read.certificateChain().der(0).length + read.certificateChain().der(1).length;
        byte[] tooMany = golden.clone();
        tooMany[tooMany.length - chainBytes] = (byte) (CertificateChain.MAX_CERTIFICATES + 1);
        var e = assertThrows(IllegalArgumentException.class, () -> MasterKeyCodec.decode(ID, 3, tooMany));
        assertTrue(e.getMessage().contains("certificate count 11"), e.getMessage());
        byte[] trailing = Arrays.copyOf(golden, golden.length + 1);
        assertThrows(IllegalArgumentException.class, () -> MasterKeyCodec.decode(ID, 3, trailing));
    }

    @Test
    void symmetricKeysAreStillWrittenAsVersions2And3() throws Exception {
        byte[] material = new byte[32];
        MasterKey aes = new MasterKey(ID, 1, "", KeyState.ENABLED, KeyManagerType.CUSTOMER, T, null, List.of("orders"),
                Map.of(), 0, 1, List.of(new KeyVersion(1, T, KeyOrigin.GENERATED, RotationReason.CREATED, material, 0)));
        byte[] v2 = MasterKeyCodec.encode(aes);
        assertEquals(2, v2[0]);
        assertEquals(KeySpec.SYMMETRIC_DEFAULT.ordinal(), v2[3]);
        assertEquals(KeyUsage.ENCRYPT_DECRYPT.ordinal(), v2[4]);
        MasterKey guarded = aes.withAccess(new AccessRules("{\"Statement\": []}", List.of()), "test");
        assertEquals(3, MasterKeyCodec.encode(guarded)[0]);
        assertEquals(KeySpec.SYMMETRIC_DEFAULT, MasterKeyCodec.decode(ID, 1, v2).keySpec());
    }

    /**
     * The largest asymmetric key record fits a sealed record: one version at the largest private
     * and public keys and a chain of the most, largest certificates take far less than the
     * {@link MasterKeyCodec#MAX_VERSIONS} 63-byte versions a symmetric key may have, for which the
     * record cap was sized (everything else in a record is common to both).
     */
    @Test
    void theLargestKeyPairRecordFitsWhereTheLargestSymmetricOneDoes() {
        int version = 4 + 8 + 1 + 1 + 1 + 8 + 8;
        long pairVersion = version + 4L + MasterKeyCodec.MAX_PRIVATE_KEY_BYTES + 4 + MasterKeyCodec.MAX_PUBLIC_KEY_BYTES;
        long chain = 1 + (long) CertificateChain.MAX_CERTIFICATES * (4 + CertificateChain.MAX_CERTIFICATE_BYTES);
        long symmetricVersions = (long) MasterKeyCodec.MAX_VERSIONS * (version + 32);
        assertTrue(pairVersion + chain < symmetricVersions, (pairVersion + chain) + " vs " + symmetricVersions);
        assertTrue(pairVersion + chain < KeyRecord.MAX_SEALED_BYTES / 4);
    }

    @Test
    void aStoreReopenedFromDiskKeepsKeyPairsAndChains() throws Exception {
        LifecycleFixture f = new LifecycleFixture(dir);
        KmsPrivateKeyHandle rsa = f.keys.createKeyPair(CreateKeyRequest.withAlias("rsa").keySpec(KeySpec.RSA_4096)
                .keyUsage(KeyUsage.SIGN_VERIFY));
        KmsPrivateKeyHandle ml = f.keys.createKeyPair(CreateKeyRequest.withAlias("ml").keySpec(KeySpec.ML_DSA_87));
        KeyPair caPair = AsymmetricTestSupport.ca();
        X509Certificate ca = AsymmetricTestSupport.issue(caPair.getPublic(), "ca", caPair, "ca");
        X509Certificate leaf = AsymmetricTestSupport.issue(rsa.publicKey(), "rsa leaf", caPair, "ca");
        f.keys.setCertificateChain("rsa", List.of(leaf, ca));
        assertEquals(AuditOutcome.SUCCESS, f.last(AuditOperation.SET_CERTIFICATE_CHAIN).outcome());
        byte[] digest = new byte[32];
        byte[] signature = f.keys.sign("ml", digest, MessageType.RAW, SigningAlgorithm.ML_DSA_SHAKE_256);

        EmbeddedKeyService reopened = f.reopen();
        assertEquals(List.of(leaf, ca), reopened.certificateChain("rsa"));
        assertArrayEquals(rsa.publicKey().getEncoded(), reopened.getPublicKey("rsa").getEncoded());
        assertArrayEquals(ml.publicKey().getEncoded(), reopened.findPrivateKey("ml").orElseThrow().publicKey().getEncoded());
        assertTrue(reopened.verify("ml", digest, MessageType.RAW, signature, SigningAlgorithm.ML_DSA_SHAKE_256));
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] rsaSig = reopened.sign("rsa", hello, MessageType.RAW, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256);
        assertTrue(AsymmetricTestSupport.jdkVerifies(KeySpec.RSA_4096, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256,
                leaf.getPublicKey(), hello, rsaSig), "the reopened key signs for its certificate's public key");
        assertEquals(KeySpec.ML_DSA_87, reopened.describeKey("ml").keySpec());

        reopened.setCertificateChain("rsa", List.of());
        assertTrue(f.reopen().certificateChain("rsa").isEmpty(), "an empty list removes the chain, durably");
        f.keys.close();
    }

    @Test
    void chainsAreCheckedBeforeTheyAreStored() throws Exception {
        LifecycleFixture f = new LifecycleFixture(dir);
        KmsPrivateKeyHandle ec = f.keys.createKeyPair(CreateKeyRequest.withAlias("ec").keySpec(KeySpec.ECC_NIST_P256));
        f.keys.createKey("aes", "");
        KeyPair caPair = AsymmetricTestSupport.ca();
        X509Certificate other = AsymmetricTestSupport.issue(caPair.getPublic(), "someone else", caPair, "ca");
        var e = assertThrows(InvalidKeyRequestException.class, () -> f.keys.setCertificateChain("ec", List.of(other)));
        assertTrue(e.getMessage().contains("does not carry the public key") && e.getMessage().contains("someone else"),
                e.getMessage());
        assertEquals(AuditOutcome.FAILED, f.last(AuditOperation.SET_CERTIFICATE_CHAIN).outcome());
        X509Certificate leaf = AsymmetricTestSupport.issue(ec.publicKey(), "ec", caPair, "ca");
        X509Certificate[] eleven = new X509Certificate[CertificateChain.MAX_CERTIFICATES + 1];
        Arrays.fill(eleven, leaf);
        e = assertThrows(InvalidKeyRequestException.class, () -> f.keys.setCertificateChain("ec", List.of(eleven)));
        assertTrue(e.getMessage().contains("at most 10"), e.getMessage());
        assertThrows(InvalidKeyRequestException.class, () -> f.keys.setCertificateChain("aes", List.of(leaf)));
        assertTrue(f.keys.certificateChain("ec").isEmpty());
        f.keys.disableKey("ec");
        f.keys.setCertificateChain("ec", List.of(leaf));
        assertEquals(List.of(leaf), f.keys.certificateChain("ec"), "a disabled key takes a chain, as it takes tags");
        f.keys.close();
    }
}
