package io.kmsjca.provider;

import io.kmsjca.keys.KeyServiceOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidParameterException;

import static org.junit.jupiter.api.Assertions.*;

/** The region and account of a configured store's key ARNs (docs/server.md, "Clients"). */
class KmsConfigRegionTest {

    @TempDir
    Path dir;

    @Test
    void regionAndAccount_areRead_andDefaultToLocalAndZeros() throws Exception {
        Path conf = Files.writeString(dir.resolve("kms.conf"), "store.file=keys.kms\nregion=eu-west-1\naccount=123456789012\n");
        KeyServiceOptions options = KmsConfig.load(conf).options();
        assertEquals("eu-west-1", options.region());
        assertEquals("123456789012", options.account());

        Files.writeString(conf, "store.file=keys.kms\n");
        KeyServiceOptions defaults = KmsConfig.load(conf).options();
        assertEquals(KeyServiceOptions.DEFAULT_REGION, defaults.region());
        assertEquals(KeyServiceOptions.DEFAULT_ACCOUNT, defaults.account());
    }

    @Test
    void aRegionOrAccountOutOfShape_isRefusedNamingIt() throws Exception {
        for (String bad : new String[] {"region=EU_WEST", "account=12345", "account=12345678901x"}) {
            Path conf = Files.writeString(dir.resolve("kms.conf"), "store.file=keys.kms\n" + bad + "\n");
            var e = assertThrows(InvalidParameterException.class, () -> KmsConfig.load(conf), bad);
            assertTrue(e.getMessage().contains(bad.startsWith("region") ? "region" : "account"), e.getMessage());
        }
    }
}
