package io.kmsjca.provider;

import io.kmsjca.keys.KmsKeyHandle;

import javax.crypto.SecretKey;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;

/**
 * Why a {@code KeyStore "KMS"} refuses what it was offered to import, in words a keytool user
 * understands: it holds AES-256 secret keys, and private keys with their certificate chains
 * (taken by {@code KmsKeyStoreSpi.setPrivateKeyEntry}), not trusted certificates. The message
 * names the kind of key or entry, never its material.
 */
final class ImportRefusal {

    /** Why a trusted-certificate entry is refused. */
    static final String TRUSTED_CERTIFICATES = "a KMS key store holds keys, not trusted certificates: keep them in "
            + "a PKCS12 trust store (a CA reply goes with its private key: keytool -importcert -alias KEY)";

    private ImportRefusal() {
    }

    /** Why {@code key} with {@code chain} cannot be imported, or null if it is an AES secret key (its length is the key service's check). */
    static String of(Key key, Certificate[] chain) {
        if (chain != null && chain.length > 0) {
            return "a certificate chain goes with a private key, not with a secret key";
        }
        if (key instanceof KmsKeyHandle) {
            return "key is a KMS master-key handle; its material cannot be copied";
        }
        if (!(key instanceof SecretKey) || !"AES".equalsIgnoreCase(key.getAlgorithm())) {
            return "a KMS key store imports AES-256 secret keys only, not "
                    + (key == null ? "null" : key.getAlgorithm() + " " + kind(key));
        }
        return null;
    }

    /** Why an entry that is not a secret-key entry cannot be imported. */
    static String ofEntry(KeyStore.Entry entry) {
        if (entry instanceof KeyStore.TrustedCertificateEntry) {
            return TRUSTED_CERTIFICATES;
        }
        return "a KMS key store holds secret-key and private-key entries only, not "
                + (entry == null ? "null" : entry.getClass().getSimpleName());
    }

    private static String kind(Key key) {
        return key instanceof SecretKey ? "secret key" : key.getClass().getSimpleName();
    }
}
