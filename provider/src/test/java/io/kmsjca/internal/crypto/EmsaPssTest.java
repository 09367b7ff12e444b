package io.kmsjca.internal.crypto;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.engines.RSAEngine;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.PSSSigner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The EMSA-PSS encoding kms-jca signs RSASSA-PSS with, against Bouncy Castle's {@link PSSSigner}
 * given the same salt: the encoded message BC's signature opens to (RSA is deterministic) must be
 * ours, byte for byte, whatever the hash and whether or not the modulus length is a multiple of 8
 * plus one (then {@code EM} is one byte shorter than the modulus).
 */
class EmsaPssTest {

    private static final byte[] MESSAGE = "the message AWS KMS would sign".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest(name = "{0}, {1}-bit modulus")
    @CsvSource({"SHA-256, 2048", "SHA-384, 2048", "SHA-512, 2048", "SHA-256, 1153", "SHA-512, 1153",
            "SHA-256, 1160", "SHA-512, 1160", "SHA-384, 3072"})
    void theEncoding_isWhatBouncyCastlesPssSignerSigns_withTheSameSalt(String hash, int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4));
        var pair = g.generateKeyPair();
        RSAPrivateKey priv = (RSAPrivateKey) pair.getPrivate();
        RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
        assertEquals(bits, pub.getModulus().bitLength());
        MessageDigest md = MessageDigest.getInstance(hash);
        byte[] salt = new byte[md.getDigestLength()];
        KmsRandom.nextBytes(salt);

        byte[] em = EmsaPss.encode(md, md.digest(MESSAGE), salt, bits);

        PSSSigner bc = new PSSSigner(new RSAEngine(), digest(hash), digest(hash), salt);
        bc.init(true, new RSAKeyParameters(true, priv.getModulus(), priv.getPrivateExponent()));
        bc.update(MESSAGE, 0, MESSAGE.length);
        byte[] signature = bc.generateSignature();
        BigInteger opened = new BigInteger(1, signature).modPow(pub.getPublicExponent(), pub.getModulus());
        assertEquals(opened, new BigInteger(1, em));
        assertEquals((bits - 1 + 7) / 8, em.length, "emLen = ceil((modBits - 1) / 8)");
        assertEquals((byte) 0xBC, em[em.length - 1]);
        assertTrue(new BigInteger(1, em).compareTo(pub.getModulus()) < 0, "EM is below the modulus");
    }

    @Test
    void aKeyTooShortForTheHashAndSalt_orADigestOfAnotherLength_isRefused() throws Exception {
        MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
        byte[] digest = sha512.digest(MESSAGE);
        // emLen must be at least hLen + sLen + 2 = 130 bytes: a 1032-bit key gives 129, 1040 bits 130
        InvalidKeyException shortKey = assertThrows(InvalidKeyException.class,
                () -> EmsaPss.encode(sha512, digest, new byte[64], 1032));
        assertTrue(shortKey.getMessage().contains("too short"), shortKey.getMessage());
        assertEquals(130, EmsaPss.encode(sha512, digest, new byte[64], 1041).length);
        IllegalArgumentException wrongDigest = assertThrows(IllegalArgumentException.class,
                () -> EmsaPss.encode(sha512, new byte[32], new byte[64], 2048));
        assertTrue(wrongDigest.getMessage().contains("64 bytes, got 32"), wrongDigest.getMessage());
    }

    private static Digest digest(String hash) {
        return switch (hash) {
            case "SHA-256" -> new SHA256Digest();
            case "SHA-384" -> new SHA384Digest();
            default -> new SHA512Digest();
        };
    }
}
