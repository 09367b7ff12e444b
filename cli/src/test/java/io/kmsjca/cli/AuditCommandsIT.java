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
@org.junit.jupiter.api.Tag("same-on-every-jdk") // the command layer: run once, on JDK 17 (README, "Supported JDKs")
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

    @Test
    void publicKey_letsAnAuditorVerify_withoutTheStoreOrItsPassword() throws Exception {
        Path pem = dir.resolve("audit-key.pem");
        Kms.Result exported = kms.run("audit", "public-key", "--out", pem.toString());
        assertEquals(0, exported.code(), exported.toString());
        String fingerprint = exported.field("Fingerprint");
        assertTrue(fingerprint.matches("[0-9a-f]{64}"), fingerprint);
        assertEquals(pem.toString(), exported.field("File"));
        assertTrue(Files.readString(pem).startsWith("-----BEGIN PUBLIC KEY-----\n"), Files.readString(pem));
        Kms.Result printed = kms.run("audit", "public-key");
        assertEquals(Files.readString(pem), printed.field("PublicKey"), "printed and written: the same key");

        Path auditorDir = Files.createDirectory(dir.resolve("auditor"));
        Path copy = Files.copy(log, auditorDir.resolve("copy.jsonl"));
        Files.delete(kms.store); // the auditor has no store and no password: the PEM and the log only
        Kms auditor = new Kms(auditorDir);
        Map<String, String> noSecrets = new java.util.HashMap<>(auditor.envWith("KMS_KEYSTORE_PASSWORD", null));
        noSecrets.remove("KMS_KEYSTORE");
        Kms.Result verified = auditor.run(noSecrets, "audit", "verify", "--public-key", pem.toString(), copy.toString());
        assertEquals(0, verified.code(), verified.toString());
        assertTrue(verified.json().get("Intact").getAsBoolean());
        long lines = Files.readAllLines(copy).size();
        assertEquals(lines, verified.json().get("Records").getAsLong());
        assertEquals(lines, verified.json().get("LastSignedSequenceNumber").getAsLong(), "every command signs at close");
        assertEquals(0, verified.json().get("UnsignedRecords").getAsLong());
        assertTrue(verified.field("Detail").contains(fingerprint), verified.out());

        String content = Files.readString(copy);
        Files.writeString(copy, content.replaceFirst("\"outcome\":\"DENIED\"", "\"outcome\":\"SUCCESS\""));
        Kms.Result altered = auditor.run(noSecrets, "audit", "verify", "--public-key", pem.toString(), copy.toString());
        assertEquals(6, altered.code(), altered.toString());
        assertEquals("ALTERED", altered.field("Problem"));
        assertTrue(altered.err().contains("hash chain broken"), altered.err());
    }

    @Test
    void verifyWithAnotherStoresPublicKey_exit6_wrongSigner() throws Exception {
        Path otherDir = Files.createDirectory(dir.resolve("other"));
        Kms other = Kms.withStore(otherDir);
        other.createKey("elsewhere");
        Path otherPem = otherDir.resolve("other.pem");
        assertEquals(0, other.run("audit", "public-key", "--out", otherPem.toString()).code());

        Kms.Result r = kms.run(kms.envWith("KMS_KEYSTORE_PASSWORD", null), "audit", "verify", "--public-key",
                otherPem.toString(), log.toString());
        assertEquals(6, r.code(), r.toString());
        assertEquals("WRONG_SIGNER", r.field("Problem"));
        assertTrue(r.err().contains("the audit log's signature does not hold: signature record"), r.err());
    }

    @Test
    void verifyWithTheStore_checksSignaturesToo_andTailLeavesThemOut() throws Exception {
        Kms.Result withStore = kms.run("audit", "verify");
        assertEquals(0, withStore.code(), withStore.toString());
        assertTrue(withStore.json().get("Signatures").getAsLong() >= 4, "one per command that wrote: " + withStore.out());
        Kms.Result tail = kms.run("audit", "tail", "--lines", "100");
        assertTrue(tail.out().lines().noneMatch(l -> l.contains("\"record\":\"signature\"")), tail.out());
        assertTrue(Files.readString(log).contains("\"record\":\"signature\""));
    }
}
