package io.kmsjca.keys;

import java.util.List;

/** AWS KMS's KeyAgreementAlgorithmSpec. */
public enum KeyAgreementAlgorithm {
    /** Elliptic-curve Diffie-Hellman: the raw shared secret (the x coordinate), as KMS DeriveSharedSecret returns it. */
    ECDH;

    /** The algorithms AWS KMS lists for a key of this spec and usage. */
    public static List<KeyAgreementAlgorithm> forKey(KeySpec spec, KeyUsage usage) {
        return usage == KeyUsage.KEY_AGREEMENT ? List.of(ECDH) : List.of();
    }
}
