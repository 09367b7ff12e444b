package io.kmsjca.internal.crypto;

import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.BadPaddingException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Wycheproof vectors (vendored under {@code src/test/resources/testvectors/wycheproof}, Apache-2.0)
 * through {@link KeyPairs} (every key is decoded by it) and {@link AsymmetricPrimitives}: RSA-OAEP
 * decryption, and verification of ECDSA P-256/P-384, Ed25519, RSA-PSS and RSA PKCS#1 v1.5
 * signatures. "valid" must verify (decrypt to the message), "invalid" must not (a
 * BadPaddingException), "acceptable" may do either.
 */
class AsymmetricWycheproofTest {

    /** A vector file, the spec and algorithm its keys and tests are for. */
    private record Suite(String file, KeySpec spec, Object algorithm) {
    }

    private static final List<Suite> SUITES = List.of(
            new Suite("rsa_oaep_2048_sha1_mgf1sha1_test.json", KeySpec.RSA_2048, EncryptionAlgorithm.RSAES_OAEP_SHA_1),
            new Suite("rsa_oaep_2048_sha256_mgf1sha256_test.json", KeySpec.RSA_2048, EncryptionAlgorithm.RSAES_OAEP_SHA_256),
            new Suite("ecdsa_secp256r1_sha256_test.json", KeySpec.ECC_NIST_P256, SigningAlgorithm.ECDSA_SHA_256),
            new Suite("ecdsa_secp384r1_sha384_test.json", KeySpec.ECC_NIST_P384, SigningAlgorithm.ECDSA_SHA_384),
            new Suite("ed25519_test.json", KeySpec.ECC_NIST_EDWARDS25519, SigningAlgorithm.ED25519_SHA_512),
            new Suite("rsa_pss_2048_sha256_mgf1_32_test.json", KeySpec.RSA_2048, SigningAlgorithm.RSASSA_PSS_SHA_256),
            new Suite("rsa_signature_2048_sha256_test.json", KeySpec.RSA_2048, SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256));

    /** One test of a file, with its group's key. */
    record Vector(Suite suite, Map<?, ?> group, Map<?, ?> test) {
        @Override
        public String toString() {
            return suite.file.replace("_test.json", "") + " tc" + test.get("tcId") + " " + test.get("result");
        }

        String result() {
            return (String) test.get("result");
        }

        byte[] hex(Map<?, ?> from, String field) {
            return HexFormat.of().parseHex((String) from.get(field));
        }
    }



    static Stream<Vector> vectors() {
        List<Vector> all = new ArrayList<>();
        for (Suite s : SUITES) {
            for (Object g : (List<?>) WycheproofFiles.read(s.file).get("testGroups")) {
                Map<?, ?> group = (Map<?, ?>) g;
                for (Object t : (List<?>) group.get("tests")) {
                    all.add(new Vector(s, group, (Map<?, ?>) t));
                }
            }
        }
        return all.stream();
    }

    @Test
    void everyVectorOfEveryFile_isRun() {
        int declared = SUITES.stream().mapToInt(s -> Integer.parseInt(WycheproofFiles.read(s.file).get("numberOfTests").toString())).sum();
        assertEquals(declared, vectors().count());
        assertTrue(vectors().anyMatch(v -> v.result().equals("invalid")));
    }

    private final AsymmetricPrimitives primitives = new AsymmetricPrimitives();

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void vector(Vector v) throws Exception {
        if (v.suite.algorithm instanceof EncryptionAlgorithm oaep) {
            decrypt(v, oaep);
        } else {
            verify(v, (SigningAlgorithm) v.suite.algorithm);
        }
    }

    private void decrypt(Vector v, EncryptionAlgorithm algorithm) throws Exception {
        PrivateKey key = KeyPairs.decodePrivate(v.suite.spec, v.hex(v.group, "privateKeyPkcs8"));
        byte[] ct = v.hex(v.test, "ct");
        // AWS KMS's OAEP has no label: a ciphertext made with one does not decrypt, valid or not
        boolean labelled = !((String) v.test.get("label")).isEmpty();
        if (v.result().equals("valid") && !labelled) {
            assertArrayEquals(v.hex(v.test, "msg"), primitives.decrypt(key, v.suite.spec, algorithm, ct));
        } else if (v.result().equals("invalid") || labelled) {
            assertThrows(BadPaddingException.class, () -> primitives.decrypt(key, v.suite.spec, algorithm, ct));
        } else {
            fail("no acceptable OAEP vectors expected: " + v);
        }
    }

    private void verify(Vector v, SigningAlgorithm algorithm) throws Exception {
        PublicKey key = KeyPairs.decodePublic(v.suite.spec, v.hex(v.group, "publicKeyDer"));
        byte[] msg = v.hex(v.test, "msg");
        byte[] sig = v.hex(v.test, "sig");
        boolean ok = primitives.verify(key, v.suite.spec, algorithm, MessageType.RAW, msg, sig);
        switch (v.result()) {
            case "valid" -> assertTrue(ok);
            case "invalid" -> assertFalse(ok);
            default -> {
                // acceptable: either answer, but the answer for RAW and for its DIGEST must agree
            }
        }
        if (algorithm.digestAlgorithm() != null) {
            byte[] digest = java.security.MessageDigest.getInstance(algorithm.digestAlgorithm()).digest(msg);
            assertEquals(ok, primitives.verify(key, v.suite.spec, algorithm, MessageType.DIGEST, digest, sig));
        }
    }
}
