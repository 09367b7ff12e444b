package io.kmsjca.conformance;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.kmsjca.internal.crypto.AesGcm;
import io.kmsjca.internal.crypto.Primitives;
import io.kmsjca.internal.crypto.SecretBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Wycheproof AES-GCM (every vector): each runs through the exact JDK primitive kms-jca obtains
 * ({@link Primitives#aesGcm()}), and through kms-jca's own {@link AesGcm}, which must get the
 * 256-bit-key, 96-bit-nonce vectors right and refuse every other parameter set.
 */
class WycheproofAesGcmTest {

    private static final String FILE = "aes_gcm_test.json";

    record Vector(int tcId, int keyBits, int ivBits, int tagBits, JsonObject test) {
        String result() {
            return test.get("result").getAsString();
        }

        @Override
        public String toString() {
            return "tc" + tcId + " key" + keyBits + " iv" + ivBits + " " + result();
        }
    }

    static Stream<Arguments> vectors() {
        List<Arguments> all = new ArrayList<>();
        for (JsonElement g : Vectors.wycheproof(FILE).getAsJsonArray("testGroups")) {
            JsonObject group = g.getAsJsonObject();
            for (JsonElement t : group.getAsJsonArray("tests")) {
                JsonObject test = t.getAsJsonObject();
                all.add(Arguments.of(new Vector(test.get("tcId").getAsInt(), group.get("keySize").getAsInt(),
                        group.get("ivSize").getAsInt(), group.get("tagSize").getAsInt(), test)));
            }
        }
        return all.stream();
    }

    @Test
    void everyVectorOfTheFile_isRun() {
        assertEquals(Vectors.wycheproof(FILE).get("numberOfTests").getAsInt(), vectors().count());
        assertEquals(316, vectors().count(), "the pinned Wycheproof commit has 316 AES-GCM vectors");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void jdkPrimitive_asUsedByKmsJca(Vector v) throws Exception {
        byte[] key = Vectors.hex(v.test, "key");
        byte[] iv = Vectors.hex(v.test, "iv");
        byte[] aad = Vectors.hex(v.test, "aad");
        byte[] msg = Vectors.hex(v.test, "msg");
        byte[] ctTag = concat(Vectors.hex(v.test, "ct"), Vectors.hex(v.test, "tag"));
        if (v.result().equals("valid")) {
            Cipher enc = Primitives.aesGcm();
            enc.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(v.tagBits, iv));
            enc.updateAAD(aad);
            assertArrayEquals(ctTag, enc.doFinal(msg));
            assertArrayEquals(msg, decrypt(key, iv, v.tagBits, aad, ctTag));
        } else {
            assertThrows(GeneralSecurityException.class, () -> decrypt(key, iv, v.tagBits, aad, ctTag));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void kmsJcaAesGcm(Vector v) throws Exception {
        SecretBytes key = new SecretBytes(Vectors.hex(v.test, "key"), "AES");
        byte[] iv = Vectors.hex(v.test, "iv");
        byte[] aad = Vectors.hex(v.test, "aad");
        byte[] msg = Vectors.hex(v.test, "msg");
        byte[] ctTag = concat(Vectors.hex(v.test, "ct"), Vectors.hex(v.test, "tag"));
        if (v.keyBits != 256) {
            assertThrows(InvalidKeyException.class, () -> AesGcm.decrypt(key, iv, aad, ctTag));
        } else if (v.ivBits != 96) {
            assertThrows(InvalidAlgorithmParameterException.class, () -> AesGcm.decrypt(key, iv, aad, ctTag));
        } else if (v.result().equals("valid")) {
            assertArrayEquals(ctTag, AesGcm.encrypt(key, iv, aad, msg));
            assertArrayEquals(msg, AesGcm.decrypt(key, iv, aad, ctTag));
        } else {
            assertThrows(AEADBadTagException.class, () -> AesGcm.decrypt(key, iv, aad, ctTag));
        }
    }

    private static byte[] decrypt(byte[] key, byte[] iv, int tagBits, byte[] aad, byte[] ctTag) throws Exception {
        Cipher dec = Primitives.aesGcm();
        dec.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(tagBits, iv));
        dec.updateAAD(aad);
        return dec.doFinal(ctTag);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
