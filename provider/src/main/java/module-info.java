/**
 * The kms-jca provider. Its API is the JCA names it registers and the packages exported here
 * (docs/architecture.md lists their types); everything under {@code io.kmsjca.internal} is not.
 */
module io.kmsjca.provider {
    requires transitive io.kmsjca.spi;
    requires org.bouncycastle.provider;
    requires static com.google.auto.service;
    requires static jdk.jfr; // Flight Recorder events when the runtime has JFR (docs/audit.md)

    exports io.kmsjca.provider;
    exports io.kmsjca.keys;
    exports io.kmsjca.audit;

    uses io.kmsjca.spi.KeyRecordStoreFactory;
    uses io.kmsjca.spi.audit.AuditListener;
    provides java.security.Provider with io.kmsjca.provider.KmsProvider;
}
