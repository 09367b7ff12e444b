package io.kmsjca.internal.service;

import java.security.MessageDigest;
import java.security.PublicKey;

/** Comparing public keys: by their X.509 SubjectPublicKeyInfo DER, whatever provider made them. */
final class PublicKeys {

    private PublicKeys() {
    }

    /** Whether {@code a} and {@code b} are the same public key. */
    static boolean same(PublicKey a, PublicKey b) {
        if (a == null || b == null) {
            return false;
        }
        byte[] x = a.getEncoded();
        byte[] y = b.getEncoded();
        return x != null && y != null && MessageDigest.isEqual(x, y);
    }
}
