package io.kmsjca.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kms on a real terminal: the shaded jar runs under {@code script}, which gives it a
 * pseudo-terminal, so the password prompt (no echo, asked twice for a new store) and the
 * progress bar of large files are what a person sees.
 */
class TerminalIT {

    private static final String PASSWORD = "typed-at-the-prompt";

    @TempDir
    Path dir;

    /** A kms command on a pseudo-terminal; {@code answers} are typed one by one, each after the prompt that asks for it. */
    private String onTerminal(Map<String, String> env, List<String> answers, String... args) throws Exception {
        String command = Path.of(System.getProperty("java.home"), "bin", "java") + " -jar " + Kms.JAR.toAbsolutePath()
                + " " + String.join(" ", args);
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", command, "/dev/null").directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("KMS_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(new OutputStream() {
                    @Override
                    public void write(int b) {
                        synchronized (seen) {
                            seen.write(b);
                        }
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        synchronized (seen) {
                            seen.write(b, off, len);
                        }
                    }
                });
            } catch (Exception ignored) {
                // the process ended
            }
        });
        reader.start();
        OutputStream typing = p.getOutputStream();
        int prompts = 0;
        for (String answer : answers) {
            prompts++;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (count(text(seen), "password: ") < prompts) {
                assertTrue(System.nanoTime() < deadline, "no prompt " + prompts + ": " + text(seen));
                Thread.sleep(20);
            }
            typing.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
            typing.flush();
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        reader.join(5000);
        return text(seen) + "\n[exit " + p.exitValue() + "]";
    }

    private static String text(ByteArrayOutputStream b) {
        synchronized (b) {
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    private static int count(String s, String what) {
        return s.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    @Test
    void thePasswordIsAskedWithoutEcho_twiceForANewStore() throws Exception {
        Map<String, String> env = Map.of("KMS_KEYSTORE", dir.resolve("keys.kms").toString());
        String mismatch = onTerminal(env, List.of(PASSWORD, "something else"), "create-key", "--alias", "t");
        assertTrue(mismatch.contains("Repeat the password: ") && mismatch.contains("the two passwords differ"), mismatch);
        assertTrue(mismatch.endsWith("[exit 2]"), mismatch);
        assertFalse(Files.exists(dir.resolve("keys.kms")), "nothing is created when the passwords differ");

        String created = onTerminal(env, List.of(PASSWORD, PASSWORD), "create-key", "--alias", "t",
                "--query", "KeyMetadata.KeyState", "--output", "text");
        assertTrue(created.contains("New key store password: ") && created.contains("Enabled"), created);
        assertTrue(created.endsWith("[exit 0]"), created);
        String listed = onTerminal(env, List.of(PASSWORD), "list-aliases", "--output", "text");
        assertTrue(listed.contains("Key store password: ") && listed.contains("alias/t"), listed);
        for (String session : List.of(mismatch, created, listed)) {
            assertFalse(session.contains(PASSWORD), "the password was echoed: " + session);
        }
        String wrong = onTerminal(env, List.of("not it"), "list-aliases");
        assertTrue(wrong.contains("password does not open") && wrong.endsWith("[exit 3]"), wrong);
    }

    @Test
    void largeFiles_showAProgressBarOnATerminal_unlessTurnedOff() throws Exception {
        Kms kms = Kms.withStore(dir);
        kms.createKey("files");
        Files.write(dir.resolve("big.bin"), new byte[20 * 1024 * 1024]);
        String shown = onTerminal(kms.env, List.of(), "encrypt-file", "--key-id", "files", "--in", "big.bin",
                "--out", "big.kms", "--query", "PlaintextBytes", "--output", "text");
        assertTrue(shown.contains("[##############################] 100%  20/20 MiB") && shown.contains("20971520"), shown);
        assertTrue(shown.contains("  50%  "), "the bar moves: " + shown);
        String quiet = onTerminal(kms.env, List.of(), "decrypt-file", "--in", "big.kms", "--out", "big.out", "--no-progress");
        assertFalse(quiet.contains("%"), quiet);
        assertTrue(quiet.endsWith("[exit 0]"), quiet);
    }
}
