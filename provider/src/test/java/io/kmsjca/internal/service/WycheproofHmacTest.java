package io.kmsjca.internal.service;

import io.kmsjca.internal.crypto.WycheproofFiles;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.MacAlgorithm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.crypto.Mac;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Wycheproof {@code hmac_sha256/384/512} vectors (vendored under
 * {@code src/test/resources/testvectors/wycheproof}, Apache-2.0) through imported HMAC keys: each
 * vector's key becomes a KMS HMAC key, then GenerateMac, VerifyMac and the JCA {@code Mac} with the
 * key's handle must give the vector's tag (valid) or not (invalid). Keys of a length AWS KMS does
 * not accept for the spec, and truncated tags (AWS KMS never truncates), are skipped, counted and
 * the counts asserted, so a vector silently dropped fails the test.
 */
class WycheproofHmacTest {

    private EmbeddedKeyService keys;

    @BeforeEach
    void open() {
        keys = KeyStores.newInMemory(KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests()));
    }

    @AfterEach
    void close() throws Exception {
        keys.close();
    }


    private static int integer(Object o) {
        return Integer.parseInt(o.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // file, spec, algorithm, run, skipped for the key's length, skipped as truncated
            "hmac_sha256_test.json, HMAC_256, HMAC_SHA_256, 81, 12, 81",
            "hmac_sha384_test.json, HMAC_384, HMAC_SHA_384, 84, 6, 84",
            "hmac_sha512_test.json, HMAC_512, HMAC_SHA_512, 84, 6, 84"})
    void everyVectorAwsAllowsPassesThroughAnImportedKey(String name, KeySpec spec, MacAlgorithm algorithm, int expectRun,
                                                       int expectKeySkipped, int expectTruncSkipped) throws Exception {
        Map<?, ?> json = WycheproofFiles.read(name);
        int run = 0;
        int keySkipped = 0;
        int truncSkipped = 0;
        int invalid = 0;
        int fullTagBits = spec.bits();
        Mac jca = Mac.getInstance(algorithm.jcaName(), LifecycleFixture.PROVIDER);
        for (Object g : (List<?>) json.get("testGroups")) {
            Map<?, ?> group = (Map<?, ?>) g;
            for (Object t : (List<?>) group.get("tests")) {
                Map<?, ?> test = (Map<?, ?>) t;
                byte[] key = HexFormat.of().parseHex((String) test.get("key"));
                byte[] msg = HexFormat.of().parseHex((String) test.get("msg"));
                byte[] tag = HexFormat.of().parseHex((String) test.get("tag"));
                String id = name + " tcId " + test.get("tcId");
                int max = spec.bits() <= 256 ? 64 : 128;
                if (key.length < spec.bits() / 8 || key.length > max) {
                    assertThrows(io.kmsjca.keys.InvalidKeyRequestException.class,
                            () -> keys.importHmacKeyForTests(null, spec, key), id);
                    keySkipped++;
                    continue;
                }
                if (integer(group.get("tagSize")) != fullTagBits) {
                    truncSkipped++;
                    continue;
                }
                KmsKeyHandle handle = keys.importHmacKeyForTests(null, spec, key);
                String keyId = handle.keyId().toString();
                boolean valid = test.get("result").equals("valid");
                byte[] generated = keys.generateMac(keyId, msg, algorithm);
                assertEquals(valid, Arrays.equals(tag, generated), id);
                assertEquals(valid, keys.verifyMac(keyId, msg, tag, algorithm), id);
                jca.init(handle);
                jca.update(msg);
                assertArrayEquals(generated, jca.doFinal(), id + " (JCA Mac)");
                invalid += valid ? 0 : 1;
                run++;
            }
        }
        assertEquals(expectRun, run, "vectors run");
        assertEquals(expectKeySkipped, keySkipped, "vectors skipped: key lengths AWS does not import for " + spec);
        assertEquals(expectTruncSkipped, truncSkipped, "vectors skipped: truncated tags");
        assertEquals(integer(json.get("numberOfTests")), run + keySkipped + truncSkipped);
        assertTrue(invalid > 0, "invalid vectors ran too");
    }
}
