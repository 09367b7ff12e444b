package io.kmsjca.keys;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.UUID;

/**
 * A handle on the private half of an asymmetric master key: what {@code KeyStore.getKey} returns
 * for an RSA, ECC, ML-DSA or Ed25519 key and what {@code Signature}, {@code Cipher "RSA/ECB/OAEP..."}
 * and {@code KeyAgreement "ECDH"} take. It never holds or reveals the private key:
 * {@link #getEncoded()} and {@link #getFormat()} are null and it cannot be serialized. RSA
 * handles also implement {@link java.security.interfaces.RSAKey}, EC handles
 * {@link java.security.interfaces.ECKey}, Ed25519 handles {@link java.security.interfaces.EdECKey}
 * (the public parameters only), so JSSE and other code can pick algorithms.
 */
public interface KmsPrivateKeyHandle extends PrivateKey {

    /** The master key's id. */
    UUID keyId();

    /** The alias this handle was obtained through, or null. */
    String alias();

    /** The key's spec. */
    KeySpec keySpec();

    /** The key's usage, fixed when it was created. */
    KeyUsage keyUsage();

    /** The public half (a standard X.509 public key any provider can verify with). */
    PublicKey publicKey();
}
