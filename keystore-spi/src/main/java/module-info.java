/**
 * kms-jca's extension points: the storage backend SPI ({@code io.kmsjca.spi}) and the audit
 * listener SPI ({@code io.kmsjca.spi.audit}). The embedded file backend and the file helpers are
 * for kms-jca's own modules: an application reaches the file store through the provider
 * ({@code KmsAdmin.open}, {@code KeyStore "KMS"}); docs/architecture.md.
 */
module io.kmsjca.spi {
    exports io.kmsjca.spi;
    exports io.kmsjca.spi.audit;
    exports io.kmsjca.spi.file to io.kmsjca.provider, io.kmsjca.cli;
    exports io.kmsjca.spi.internal to io.kmsjca.provider, io.kmsjca.postgres, io.kmsjca.cli, io.kmsjca.spring;
}
