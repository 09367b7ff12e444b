package io.kmsjca.cli;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** audit tail and audit verify through the shaded jar, on the log the other commands write. */
class AuditCommandsIT {

    @TempDir
    Path dir;
    Kms kms;
    Path log;

    @BeforeEach
    void setUp() throws Exception {
        kms = Kms.withStore(dir);
        kms.createKey("audited");
        kms.run("generate-data-key", "--key-id", "audited", "--encryption-context", "who=test");
        kms.run("disable-key", "--key-id", "audited");
        kms.run("generate-data-key", "--key-id", "audited");
        log = dir.resolve("keys.kms.audit.jsonl");
    }

    @Test
    void tail_printsTheLastRecordsAsJsonLines_andTheMainFieldsAsText() throws Exception {
        Kms.Result tail = kms.run(kms.envWith("KMS_KEYSTORE_PASSWORD", null), "audit", "tail", "--lines", "3");
        assertEquals(0, tail.code(), "tail needs no password: " + tail);
        List<String> lines = tail.out().lines().toList();
        assertEquals(3, lines.size(), tail.out());
        var last = JsonParser.parseString(lines.get(2)).getAsJsonObject();
        assertEquals("GENERATE_DATA_KEY", last.get("operation").getAsString(), lines.get(2));
        assertEquals("DENIED", last.get("outcome").getAsString());

        Kms.Result text = kms.run("audit", "tail", "-n", "20", "--output", "text");
        assertTrue(text.out().lines().anyMatch(l -> l.contains("DISABLE_KEY") && l.contains("SUCCESS")), text.out());
        Kms.Result table = kms.run("audit", "tail", "--output", "table");
        assertTrue(table.out().contains("| operation "), table.out());
    }

    @Test
    void verify_intactLog_exit0_alteredLog_exit6() throws Exception {
        Kms.Result intact = kms.run("audit", "verify");
        assertEquals(0, intact.code(), intact.toString());
        assertTrue(intact.json().get("Intact").getAsBoolean());
        assertTrue(intact.json().get("Records").getAsLong() >= 5, intact.out());

        String content = Files.readString(log);
        Files.writeString(log, content.replaceFirst("\"outcome\":\"DENIED\"", "\"outcome\":\"SUCCESS\""));
        Kms.Result altered = kms.run("audit", "verify");
        assertEquals(6, altered.code(), altered.toString());
        assertFalse(altered.json().get("Intact").getAsBoolean());
        assertEquals("ALTERED", altered.json().get("Problem").getAsString());
        assertTrue(altered.err().contains("altered"), altered.err());
    }

    @Test
    void verify_logCutAtItsEnd_isRejected_exit6() throws Exception {
        // every command above closed the store, which keeps the log's last record as its checkpoint
        List<String> lines = Files.readAllLines(log);
        Files.write(log, lines.subList(0, lines.size() - 2));
        Kms.Result cut = kms.run("audit", "verify");
        assertEquals(6, cut.code(), cut.toString());
        assertEquals("TRUNCATED", cut.json().get("Problem").getAsString(), cut.out());
        assertTrue(cut.err().contains("the store's checkpoint is at " + lines.size()), cut.err());
    }

    @Test
    void tail_follow_printsRecordsAsTheyAreWritten() throws Exception {
        Path followDir = Files.createDirectory(dir.resolve("follow"));
        Kms follower = new Kms(followDir);
        Process p = follower.start(Map.of("KMS_AUDIT_LOG", log.toString()), "audit", "tail", "--lines", "0", "--follow");
        try {
            // wait for the follower to say it is following: from then on every record is printed
            awaitFile(p, followDir.resolve(".stderr"), "kms: following");
            kms.run("enable-key", "--key-id", "audited");
            Path out = followDir.resolve(".stdout");
            awaitFile(p, out, "ENABLE_KEY");
            assertTrue(Files.readString(out).contains("\"operation\":\"ENABLE_KEY\""), Files.readString(out));
            assertFalse(Files.readString(out).contains("DISABLE_KEY"), "--lines 0 prints no earlier record");
        } finally {
            p.destroy();
        }
    }

    /** Waits until {@code file} contains {@code text}, failing if {@code process} ends first. */
    private static void awaitFile(Process process, Path file, String text) throws Exception {
        while (!(Files.exists(file) && Files.readString(file).contains(text))) {
            assertTrue(process.isAlive(), "kms ended before writing '" + text + "' to " + file.getFileName());
            Thread.sleep(20);
        }
    }

    @Test
    void noLog_isAClearError() throws Exception {
        Kms.Result r = kms.run(kms.envWith("KMS_AUDIT_LOG", dir.resolve("elsewhere.jsonl").toString()), "audit", "tail");
        assertEquals(5, r.code(), r.toString());
        assertTrue(r.err().contains("no audit log"), r.err());
    }
}
