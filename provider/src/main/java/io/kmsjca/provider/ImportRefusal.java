package io.kmsjca.provider;

import io.kmsjca.keys.KmsKeyHandle;

import javax.crypto.SecretKey;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;

/**
 * Why a {@code KeyStore "KMS"} refuses what it was offered to import, in words a keytool user
 * understands: it holds AES-256 secret keys only. The message names the kind of key or entry,
 * never its material.
 */
final class ImportRefusal {

    private ImportRefusal() {
    }

    /** Why {@code key} with {@code chain} cannot be imported, or null if it is an AES secret key (its length is the key service's check). */
    static String of(Key key, Certificate[] chain) {
        if (chain != null && chain.length > 0) {
            return "a KMS key store holds secret keys only, not certificate chains";
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
        if (entry instanceof KeyStore.PrivateKeyEntry p) {
            return "a KMS key store holds secret keys only, not a private key with its certificate chain ("
                    + p.getPrivateKey().getAlgorithm() + ")";
        }
        if (entry instanceof KeyStore.TrustedCertificateEntry) {
            return "a KMS key store holds secret keys only, not certificates";
        }
        return "a KMS key store holds secret-key entries only, not "
                + (entry == null ? "null" : entry.getClass().getSimpleName());
    }

    private static String kind(Key key) {
        return key instanceof SecretKey ? "secret key" : key.getClass().getSimpleName();
    }
}
