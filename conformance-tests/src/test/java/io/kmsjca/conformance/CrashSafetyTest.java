package io.kmsjca.conformance;

import org.junit.jupiter.api.Tag;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * SIGKILL a child JVM that changes a live file store, at random moments, at least
 * {@code kms.crash.kills} times (default 100, CI's budget; 200 and more for a longer run; no time budget, so a loaded machine is slower, never failed):
 * after every kill the store opens, authenticates, and holds every key version whose creating
 * call had returned, under the aliases it was acknowledged with; data keys wrapped under imported
 * material still unwrap; opening leaves no temporary file; the previous generation ({@code .prev})
 * opens too. Nothing acknowledged is lost; nothing half-written is ever read.
 */
@Tag(Tags.SAME_ON_EVERY_JDK)
class CrashSafetyTest {

    @TempDir
    Path dir;

    private static KeyService open(Path file) throws Exception {
        return KeyStores.openFile(file, "torture".toCharArray(), KeyServiceOptions.defaults()
                .withKdf(Argon2Params.insecureForTests()).withMaintenanceInterval(Duration.ZERO));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static byte[] unwrap(KeyService keys, String keyId, byte[] blob) throws Exception {
        javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("KMSWrap", Fixtures.PROVIDER);
        c.init(javax.crypto.Cipher.UNWRAP_MODE, keys.findKey(keyId).orElseThrow());
        return c.unwrap(blob, "AES", javax.crypto.Cipher.SECRET_KEY).getEncoded();
    }

    @Test
    void sigkillAtRandomMoments_losesNothingAcknowledged() throws Exception {
        int kills = Integer.getInteger("kms.crash.kills", 100);
        Path file = dir.resolve("torture.kms");
        open(file).close();
        Map<String, Integer> acknowledged = new HashMap<>();
        Map<String, String> aliases = new HashMap<>();
        Map<byte[], String> importedBlobs = new HashMap<>(); // blob -> key id
        Random random = new Random(42);
        int done = 0;
        long acks = 0;
        while (done < kills) {
            Path out = dir.resolve("child.out");
            Process child = new ProcessBuilder(ChildJvm.javaHomeTool("java").toString(), "-XX:TieredStopAtLevel=1",
                    "-cp", ChildJvm.classPath(), StoreTortureMain.class.getName(), file.toString(), Long.toString(random.nextLong()))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            // stdout goes to a file: every line the child flushed before SIGKILL survives it
            while (!Files.readString(out).contains("READY") && child.isAlive()) {
                Thread.sleep(5);
            }
            assertTrue(Files.readString(out).contains("READY"), () -> "the child did not open the store: " + read(out));
            // every child gets one change done before the kill, however loaded the machine: the kill
            // then lands at a random moment of the changes after it
            while (!Files.readString(out).contains("\nACK ") && child.isAlive()) {
                Thread.sleep(5);
            }
            Thread.sleep(random.nextInt(120));
            child.destroyForcibly(); // SIGKILL
            child.waitFor();
            // System.out writes through a 128-byte buffer, so a long line can reach the file in
            // pieces and the kill can land between them: only a line its newline ended was acknowledged
            String printed = Files.readString(out, StandardCharsets.UTF_8);
            for (String line : printed.substring(0, printed.lastIndexOf('\n') + 1).split("\n")) {
                String[] p = line.split(" ");
                if ((p.length == 4 || p.length == 5) && p[0].equals("ACK")) {
                    acknowledged.merge(p[1], Integer.parseInt(p[2]), Math::max);
                    aliases.put(p[3], p[1]);
                    if (p.length == 5) {
                        importedBlobs.put(java.util.HexFormat.of().parseHex(p[4]), p[1]);
                    }
                    acks++;
                }
            }
            done++;
            try (KeyService after = open(file)) {
                for (Map.Entry<String, Integer> e : acknowledged.entrySet()) {
                    int versions = after.describeKey(e.getKey()).versionCount();
                    assertTrue(versions >= e.getValue(), "kill " + done + ": key " + e.getKey() + " has " + versions
                            + " versions, but version " + e.getValue() + " had been acknowledged");
                }
                for (Map.Entry<String, String> a : aliases.entrySet()) {
                    assertEquals(a.getValue(), after.describeKey(a.getKey()).keyId().toString(),
                            "kill " + done + ": alias " + a.getKey());
                }
                for (Map.Entry<byte[], String> b : importedBlobs.entrySet()) {
                    assertArrayEquals(StoreTortureMain.DATA_KEY, unwrap(after, b.getValue(), b.getKey()),
                            "kill " + done + ": imported material of key " + b.getValue());
                }
            }
            try (var files = Files.list(dir)) {
                assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList(),
                        "kill " + done + ": opening the store removed the killed writer's temporary files");
            }
            Path prev = dir.resolve("torture.kms.prev");
            if (Files.exists(prev)) {
                open(prev).close();
            }
        }
        assertTrue(acks >= kills, "every child got work done before its kill: " + acks + " acknowledged changes");
        System.out.println("crash-safety: " + done + " kills, " + acks + " acknowledged changes, "
                + acknowledged.size() + " keys, " + importedBlobs.size() + " imports, all present");
    }
}
