package io.kmsjca.provider;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/** Turns unwrapped bytes into the key type {@code Cipher.unwrap} asked for, as the JDK's ConstructKeys does. */
final class UnwrappedKeys {

    private UnwrappedKeys() {
    }

    static Key construct(byte[] encoded, String algorithm, int type) throws InvalidKeyException, NoSuchAlgorithmException {
        try {
            return switch (type) {
                case Cipher.SECRET_KEY -> new SecretKeySpec(encoded, algorithm);
                case Cipher.PRIVATE_KEY -> KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(encoded));
                case Cipher.PUBLIC_KEY -> KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(encoded));
                default -> throw new InvalidKeyException("unknown wrapped key type " + type);
            };
        } catch (InvalidKeySpecException | IllegalArgumentException e) {
            throw new InvalidKeyException("unwrapped bytes are not a valid " + algorithm + " key", e);
        }
    }
}
