package io.kmsjca.postgres;

import io.kmsjca.keys.KeyService;
import io.kmsjca.provider.KmsKeyStores;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidParameterException;
import java.security.KeyStore;
import java.security.Provider;

import static org.junit.jupiter.api.Assertions.*;

/** store.url in the provider configuration finds this backend through ServiceLoader; its settings are checked. */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // JDBC and SQL: run once, on JDK 17; the store contract still runs on JDK 25 (README, "Supported JDKs")
class ProviderConfigurationTest {

    @TempDir
    Path dir;

    @Test
    void aConfigurationNamingPostgres_opensTheSharedStore() throws Exception {
        Member.configure(dir, TestDatabase.shared().jdbcUrl(), TestDatabase.uniqueStoreName());
        Provider provider = new KmsProvider().configure(dir.resolve("kms.conf").toString());
        KeyStore ks = KeyStore.getInstance("KMS", provider);
        ks.load(null, null);
        try (KeyService keys = KmsKeyStores.keyService(ks, "fleet password".toCharArray())) {
            keys.createKey("configured", "");
            assertTrue(ks.containsAlias("configured"));
        }
    }

    @Test
    void anUnknownBackendSetting_isRefusedWithTheKnownOnes() throws Exception {
        Member.configure(dir, TestDatabase.shared().jdbcUrl(), "x");
        Path conf = dir.resolve("kms.conf");
        Files.writeString(conf, Files.readString(conf) + "store.postgres.poolsize=4\n");
        var e = assertThrows(InvalidParameterException.class, () -> new KmsProvider().configure(conf.toString()));
        assertTrue(e.getMessage().contains("store.postgres.poolsize") && e.getMessage().contains("store.postgres.poolSize"),
                e.getMessage());
    }

    @Test
    void aStoreFileAndAStoreUrl_areRefusedTogether() throws Exception {
        Member.configure(dir, TestDatabase.shared().jdbcUrl(), "x");
        Path conf = dir.resolve("kms.conf");
        Files.writeString(conf, Files.readString(conf) + "store.file=keys.kms\n");
        var e = assertThrows(InvalidParameterException.class, () -> new KmsProvider().configure(conf.toString()));
        assertTrue(e.getMessage().contains("keep one"), e.getMessage());
    }
}
