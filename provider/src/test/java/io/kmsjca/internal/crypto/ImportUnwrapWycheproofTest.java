package io.kmsjca.internal.crypto;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.WrappingAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Wycheproof {@code rsa_oaep_2048_sha1_mgf1sha1}, {@code rsa_oaep_2048_sha256_mgf1sha256} and
 * {@code aes_kwp} vectors through the code ImportKeyMaterial unwraps with ({@link ImportUnwrap}),
 * given each vector's key directly. "valid" must unwrap to the message; "invalid" must fail with
 * the one {@link ImportUnwrap#FAILED} message.
 */
class ImportUnwrapWycheproofTest {

    private record Suite(String file, WrappingAlgorithm algorithm) {
    }

    private static final List<Suite> SUITES = List.of(
            new Suite("rsa_oaep_2048_sha1_mgf1sha1_test.json", WrappingAlgorithm.RSAES_OAEP_SHA_1),
            new Suite("rsa_oaep_2048_sha256_mgf1sha256_test.json", WrappingAlgorithm.RSAES_OAEP_SHA_256),
            new Suite("aes_kwp_test.json", null));

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
                for (Object t : (List<?>) ((Map<?, ?>) g).get("tests")) {
                    all.add(new Vector(s, (Map<?, ?>) g, (Map<?, ?>) t));
                }
            }
        }
        return all.stream();
    }

    @Test
    void everyVectorOfEveryFile_isRun() {
        int declared = SUITES.stream().mapToInt(s -> Integer.parseInt(WycheproofFiles.read(s.file).get("numberOfTests").toString())).sum();
        assertEquals(declared, vectors().count());
        assertTrue(vectors().filter(v -> v.suite.algorithm == null).anyMatch(v -> v.result().equals("invalid")));
        assertTrue(vectors().filter(v -> v.suite.algorithm == null).anyMatch(v -> v.result().equals("valid")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void vector(Vector v) throws Exception {
        if (v.suite.algorithm == null) {
            kwp(v);
        } else {
            oaep(v);
        }
    }

    private static void oaep(Vector v) throws Exception {
        PrivateKey key = KeyPairs.decodePrivate(KeySpec.RSA_2048, v.hex(v.group, "privateKeyPkcs8"));
        byte[] ct = v.hex(v.test, "ct");
        // AWS's import OAEP has no label: a ciphertext made with one does not decrypt, valid or not
        boolean labelled = !((String) v.test.get("label")).isEmpty();
        if (v.result().equals("valid") && !labelled) {
            assertArrayEquals(v.hex(v.test, "msg"), ImportUnwrap.unwrap(key, KeySpec.RSA_2048, v.suite.algorithm, ct));
        } else {
            assertEquals("invalid", labelled ? "invalid" : v.result());
            var e = assertThrows(BadPaddingException.class,
                    () -> ImportUnwrap.unwrap(key, KeySpec.RSA_2048, v.suite.algorithm, ct));
            assertEquals(ImportUnwrap.FAILED, e.getMessage());
        }
    }

    private static void kwp(Vector v) throws Exception {
        byte[] key = v.hex(v.test, "key");
        byte[] ct = v.hex(v.test, "ct");
        if (v.result().equals("valid")) {
            assertArrayEquals(v.hex(v.test, "msg"), ImportUnwrap.kwpUnwrap(key, ct));
        } else {
            assertEquals("invalid", v.result());
            assertThrows(java.security.GeneralSecurityException.class, () -> ImportUnwrap.kwpUnwrap(key, ct));
        }
    }

    /**
     * The KWP vectors of 256-bit keys also go through the whole RSA_AES_KEY_WRAP path: their AES
     * key is RSA-OAEP-encrypted (SHA-1 and SHA-256) under a wrapping key and put in front.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void kwpVector_throughTheTwoStepWrap(Vector v) throws Exception {
        if (v.suite.algorithm != null || !v.group.get("keySize").toString().equals("256")) {
            return;
        }
        KeyPair rsa = TestKeyPairs.of(KeySpec.RSA_2048);
        for (WrappingAlgorithm algorithm : List.of(WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1, WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256)) {
            String hash = algorithm == WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1 ? "SHA-1" : "SHA-256";
            Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
            oaep.init(Cipher.ENCRYPT_MODE, rsa.getPublic(), new OAEPParameterSpec(hash, "MGF1",
                    new MGF1ParameterSpec(hash), PSource.PSpecified.DEFAULT));
            byte[] head = oaep.doFinal(v.hex(v.test, "key"));
            byte[] ct = v.hex(v.test, "ct");
            byte[] all = new byte[head.length + ct.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(ct, 0, all, head.length, ct.length);
            if (v.result().equals("valid")) {
                assertArrayEquals(v.hex(v.test, "msg"), ImportUnwrap.unwrap(rsa.getPrivate(), KeySpec.RSA_2048, algorithm, all));
            } else {
                var e = assertThrows(BadPaddingException.class,
                        () -> ImportUnwrap.unwrap(rsa.getPrivate(), KeySpec.RSA_2048, algorithm, all));
                assertEquals(ImportUnwrap.FAILED, e.getMessage());
            }
        }
    }
}
