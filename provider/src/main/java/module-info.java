/**
 * The kms-jca provider. Its API is the JCA names it registers and the packages exported here
 * (docs/architecture.md lists their types); everything under {@code io.kmsjca.internal} is not.
 */
module io.kmsjca.provider {
    requires transitive io.kmsjca.spi;
    requires org.bouncycastle.provider;
    requires static com.google.auto.service;
    requires java.net.http; // the client of a kms-jca server (store.url=https://..., docs/server.md)
    requires static jdk.jfr; // Flight Recorder events when the runtime has JFR (docs/audit.md)

    exports io.kmsjca.provider;
    exports io.kmsjca.keys;
    exports io.kmsjca.audit;
    // the server's adapter shares these with the provider's remote client (docs/server.md)
    exports io.kmsjca.internal.json to io.kmsjca.server;
    exports io.kmsjca.internal.sigv4 to io.kmsjca.server;
    // the server reads the key id a KMSWrap blob names (Decrypt without KeyId) and draws GenerateRandom's bytes
    exports io.kmsjca.internal.format to io.kmsjca.server;
    exports io.kmsjca.internal.crypto to io.kmsjca.server;

    uses io.kmsjca.spi.KeyRecordStoreFactory;
    uses io.kmsjca.spi.audit.AuditListener;
    provides java.security.Provider with io.kmsjca.provider.KmsProvider;
}
