package io.kmsjca.postgres;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running {@link FleetMember}, configured only by a {@code java.security} file that
 * installs the KMS provider with a configuration file naming the PostgreSQL store.
 */
final class Member implements AutoCloseable {

    private final Process process;
    private final PrintWriter in;
    private final BlockingQueue<String> replies = new ArrayBlockingQueue<>(100);
    private final Path stderr;

    private Member(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    replies.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Writes {@code kms.conf} and {@code java.security} for {@code url} and {@code storeName} into
     * {@code dir} and returns the {@code java.security} file.
     */
    static Path configure(Path dir, String url, String storeName) throws IOException {
        Path password = Files.writeString(dir.resolve("store-password.txt"), "fleet password\n");
        Path conf = Files.writeString(dir.resolve("kms.conf"), String.join("\n",
                "store.url=" + url,
                "store.postgres.user=postgres",
                "store.postgres.name=" + storeName,
                "store.postgres.connectTimeoutSeconds=2",
                "store.password.file=" + password.getFileName(),
                "kdf.insecureForTests=true", ""));
        return Files.writeString(dir.resolve("java.security"), "security.provider.13=KMS " + conf + "\n");
    }

    /**
     * As {@link #configure}, but the store opens with {@code keyFile} (a credential made by
     * createCredential, {@code credential.file}) instead of the password: start with {@link #startWithKeyFile}.
     */
    static Path configureWithKeyFile(Path dir, String url, String storeName, Path keyFile) throws IOException {
        Path conf = Files.writeString(dir.resolve("kms.conf"), String.join("\n",
                "store.url=" + url,
                "store.postgres.user=postgres",
                "store.postgres.name=" + storeName,
                "store.postgres.connectTimeoutSeconds=2",
                "credential.file=" + keyFile,
                "kdf.insecureForTests=true", ""));
        return Files.writeString(dir.resolve("java.security"), "security.provider.13=KMS " + conf + "\n");
    }

    static Member start(Path dir) throws Exception {
        return start(dir, dir.resolve("store-password.txt").toString());
    }

    /** A member configured by {@link #configureWithKeyFile}: it uses keys only, as the key file's principal. */
    static Member startWithKeyFile(Path dir) throws Exception {
        return start(dir, "-");
    }

    private static Member start(Path dir, String passwordFile) throws Exception {
        Path stderr = Files.createTempFile(dir, "member", ".err");
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.security.properties=" + dir.resolve("java.security"),
                "-cp", System.getProperty("java.class.path"), FleetMember.class.getName(), passwordFile))
                .redirectError(stderr.toFile()).start();
        Member m = new Member(p, stderr);
        String ready = m.reply(60);
        if (!ready.startsWith("ready KMS")) {
            throw new AssertionError("member did not start: " + ready + "\n" + Files.readString(stderr));
        }
        return m;
    }

    /** Sends a command and returns what follows "ok ", failing on an error reply. */
    String ask(String command) throws Exception {
        String reply = send(command);
        if (!reply.startsWith("ok")) {
            throw new AssertionError(command + " -> " + reply);
        }
        return reply.substring(2).strip();
    }

    /** Sends a command and returns the whole reply line. */
    String send(String command) throws Exception {
        in.println(command);
        return reply(60);
    }

    private String reply(int seconds) throws Exception {
        String line = replies.poll(seconds, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("no reply in " + seconds + " s; stderr:\n" + Files.readString(stderr));
        }
        return line;
    }

    @Override
    public void close() throws Exception {
        in.println("quit");
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
