package io.kmsjca.internal.model;

import io.kmsjca.keys.KeySpec;
import org.junit.jupiter.api.Test;

import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A key pair's private half is wiped: the encoding it was made from, and a private key that can be destroyed. */
class KeyPairMaterialWipeTest {

    /** A private key that hands out its own encoding and can be destroyed, as some providers' keys do. */
    private static final class OwnedKey implements PrivateKey {
        final byte[] encoded;
        boolean destroyed;

        OwnedKey(byte[] encoded) {
            this.encoded = encoded;
        }

        @Override
        public String getAlgorithm() {
            return "EC";
        }

        @Override
        public String getFormat() {
            return "PKCS#8";
        }

        @Override
        public byte[] getEncoded() {
            return encoded; // not a copy: what of() takes from it, it must wipe
        }

        @Override
        public void destroy() {
            destroyed = true;
        }

        @Override
        public boolean isDestroyed() {
            return destroyed;
        }
    }

    @Test
    void ofAPair_wipesTheEncodingItTookFromThePrivateKey_andWipeDestroysTheKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair real = g.generateKeyPair();
        byte[] pkcs8 = real.getPrivate().getEncoded();
        OwnedKey key = new OwnedKey(pkcs8.clone());
        KeyPairMaterial material = KeyPairMaterial.of(KeySpec.ECC_NIST_P256, new KeyPair(real.getPublic(), key));
        assertArrayEquals(new byte[pkcs8.length], key.encoded, "the encoding of() took is zeroed");
        byte[] sealed = material.pkcs8Copy();
        assertArrayEquals(pkcs8, sealed, "its own copy was taken first");

        material.wipe();
        assertTrue(key.isDestroyed(), "a private key that can be destroyed is");
        assertTrue(material.isWiped());
        assertThrows(InvalidKeyException.class, material::privateKey);
    }
}
