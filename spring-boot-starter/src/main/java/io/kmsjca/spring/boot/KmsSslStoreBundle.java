package io.kmsjca.spring.boot;

import org.springframework.boot.ssl.SslStoreBundle;

import java.security.KeyStore;

/**
 * The stores of a KMS SSL bundle: the live KMS key store, and the trust store of Spring's bundle
 * of the same properties (loaded when first asked, as Spring does).
 */
final class KmsSslStoreBundle implements SslStoreBundle {

    private final KeyStore keyStore;
    private final String keyStorePassword;
    private final SslStoreBundle spring;

    KmsSslStoreBundle(KeyStore keyStore, String keyStorePassword, SslStoreBundle spring) {
        this.keyStore = keyStore;
        this.keyStorePassword = keyStorePassword;
        this.spring = spring;
    }

    @Override
    public KeyStore getKeyStore() {
        return keyStore;
    }

    @Override
    public String getKeyStorePassword() {
        return keyStorePassword;
    }

    @Override
    public KeyStore getTrustStore() {
        return spring.getTrustStore();
    }

    @Override
    public String toString() {
        return "KmsSslStoreBundle[keyStore.type=KMS, keyStorePassword=" + (keyStorePassword == null ? "none" : "******") + "]";
    }
}
