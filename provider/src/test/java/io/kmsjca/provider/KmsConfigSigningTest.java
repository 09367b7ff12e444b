package io.kmsjca.provider;

import io.kmsjca.audit.AuditOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidParameterException;

import static org.junit.jupiter.api.Assertions.*;

/** The audit log's signing settings in a provider configuration file (docs/audit.md, "Verifying without a secret"). */
class KmsConfigSigningTest {

    @TempDir
    Path dir;

    @Test
    void signEveryRecordsAndSeconds_areRead_andDefaultTo1000And60() throws Exception {
        Path conf = Files.writeString(dir.resolve("kms.conf"), "store.file=keys.kms\naudit.file=audit.jsonl\n"
                + "audit.file.signEveryRecords=250\naudit.file.signEverySeconds=15\n");
        AuditOptions audit = KmsConfig.load(conf).options().audit();
        assertEquals(250, audit.signEveryRecords());
        assertEquals(15, audit.signEverySeconds());

        Files.writeString(conf, "store.file=keys.kms\naudit.file=audit.jsonl\n");
        AuditOptions defaults = KmsConfig.load(conf).options().audit();
        assertEquals(1000, defaults.signEveryRecords());
        assertEquals(60, defaults.signEverySeconds());
    }

    @Test
    void outOfRangeValues_areRefused() throws Exception {
        for (String bad : new String[] {"audit.file.signEveryRecords=0", "audit.file.signEveryRecords=1000001",
                "audit.file.signEverySeconds=0", "audit.file.signEverySeconds=86401"}) {
            Path conf = Files.writeString(dir.resolve("kms.conf"), "store.file=keys.kms\n" + bad + "\n");
            var e = assertThrows(InvalidParameterException.class, () -> KmsConfig.load(conf), bad);
            assertTrue(e.getMessage().contains("between audit log signatures"), e.getMessage());
        }
    }
}
