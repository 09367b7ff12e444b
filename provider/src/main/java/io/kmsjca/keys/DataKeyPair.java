package io.kmsjca.keys;

import java.util.Arrays;
import java.util.UUID;

/**
 * A data key pair (KMS GenerateDataKeyPair): a fresh key pair whose private key comes back
 * wrapped under a symmetric master key (a KMSWrap blob of its PKCS#8 encoding), and in plain
 * unless it was generated without plaintext.
 *
 * @param keyId                the symmetric key that wrapped the private key
 * @param keyPairSpec          the spec of the pair
 * @param publicKey            the public key, X.509 SubjectPublicKeyInfo DER
 * @param privateKeyPlaintext  the private key, PKCS#8 DER, or null when generated without plaintext;
 *                             the caller wipes it ({@link #wipe})
 * @param privateKeyCiphertext the private key's PKCS#8 DER sealed by KMSWrap under {@code keyId}
 *                             and the request's encryption context
 */
public record DataKeyPair(UUID keyId, KeySpec keyPairSpec, byte[] publicKey, byte[] privateKeyPlaintext,
                          byte[] privateKeyCiphertext) {

    /** Zeroes the plaintext private key, if there is one. */
    public void wipe() {
        if (privateKeyPlaintext != null) {
            Arrays.fill(privateKeyPlaintext, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "DataKeyPair[keyId=" + keyId + ", keyPairSpec=" + keyPairSpec + ", plaintext "
                + (privateKeyPlaintext == null ? "absent" : "present (not shown)") + "]";
    }
}
