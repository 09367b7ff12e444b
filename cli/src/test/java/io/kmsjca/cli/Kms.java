package io.kmsjca.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real shaded {@code kms.jar} run as a child process, with a key store and password in its
 * environment as a user would set them, standard input closed (no terminal).
 */
final class Kms {

    static final Path JAR = Path.of(System.getProperty("kms.jar", "target/kms.jar"));
    static final String PASSWORD = "correct horse battery staple";
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /**
     * A class-data archive of the classes one kms run loads (JDK dynamic CDS), made once per JDK
     * and jar by a training run, so the hundreds of kms processes the tests start skip loading and
     * verifying them: only start-up is quicker, the process runs the same code. Without one (the
     * training run failed) the processes start as before; a stale or foreign archive is ignored by
     * the JVM, with its logging off so that no warning reaches the output the tests read.
     */
    static final class ClassArchive {
        private static Path archive;
        private static boolean tried;

        static synchronized Path path() {
            if (!tried) {
                tried = true;
                archive = train();
            }
            return archive;
        }

        private static Path train() {
            try {
                Path jar = JAR.toAbsolutePath();
                String id = System.getProperty("java.version") + "-" + Files.getLastModifiedTime(jar).toMillis();
                Path target = jar.resolveSibling("kms-cds-" + id + ".jsa");
                if (Files.isRegularFile(target)) {
                    return target;
                }
                Path work = Files.createTempDirectory(jar.getParent(), "cds-training");
                Path made = work.resolve("kms.jsa");
                ProcessBuilder b = new ProcessBuilder(JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                        "-XX:ArchiveClassesAtExit=" + made, "-Xlog:disable", "-jar", jar.toString(),
                        "create-key", "--description", "training").directory(work.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(work.resolve("out").toFile()).redirectError(work.resolve("err").toFile());
                b.environment().keySet().removeIf(k -> k.startsWith("KMS_"));
                b.environment().put("KMS_KEYSTORE", work.resolve("training.kms").toString());
                b.environment().put("KMS_KEYSTORE_PASSWORD", PASSWORD);
                Process p = b.start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return null;
                }
                if (p.exitValue() != 0 || !Files.isRegularFile(made)) {
                    return null;
                }
                // two test JVMs may train at once: each moves a whole archive into place
                Files.move(made, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                return target;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    final Path dir;
    final Path store;
    final Map<String, String> env = new HashMap<>();

    Kms(Path dir) {
        this.dir = dir;
        this.store = dir.resolve("keys.kms");
        env.put("KMS_KEYSTORE", store.toString());
        env.put("KMS_KEYSTORE_PASSWORD", PASSWORD);
    }

    record Result(int code, String out, String err) {
        JsonObject json() {
            return JsonParser.parseString(out).getAsJsonObject();
        }

        String field(String name) {
            return json().get(name).getAsString();
        }

        byte[] blob(String name) {
            return Base64.getDecoder().decode(field(name));
        }

        @Override
        public String toString() {
            return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    Result run(String... args) throws IOException, InterruptedException {
        return run(env, args);
    }

    Result run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        return run(environment, new File("/dev/null"), args);
    }

    /** Runs kms with {@code stdin} as its standard input. */
    Result runWithInput(Path stdin, String... args) throws IOException, InterruptedException {
        return run(env, stdin.toFile(), args);
    }

    private Result run(Map<String, String> environment, File stdin, String... args) throws IOException, InterruptedException {
        Process p = start(environment, stdin, args);
        Path out = dir.resolve(".stdout");
        Path err = dir.resolve(".stderr");
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kms " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Starts kms without waiting (stdout and stderr go to dir/.stdout and dir/.stderr). */
    Process start(Map<String, String> environment, String... args) throws IOException {
        return start(environment, new File("/dev/null"), args);
    }

    /**
     * Key sizes whose generation wants the full JIT: C1 alone, which starts the short runs quicker,
     * lacks C2's {@code BigInteger} intrinsics, and finding the primes of an RSA-4096 key then takes
     * from a few seconds to most of a minute instead of about two.
     */
    static final List<String> LARGE_RSA = List.of("RSA_3072", "RSA_4096");

    /**
     * The command that runs the jar, without its arguments: java with the options for a quicker
     * start-up, or with the full JIT when {@code fullJit} (a run that generates a large RSA key).
     */
    static List<String> javaCommand(boolean fullJit) {
        List<String> command = new ArrayList<>(List.of(JAVA, "-XX:+UseSerialGC"));
        if (!fullJit) {
            command.add(1, "-XX:TieredStopAtLevel=1");
        }
        Path archive = ClassArchive.path();
        if (archive != null) {
            command.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:disable"));
        }
        command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        return command;
    }

    private Process start(Map<String, String> environment, File stdin, String... args) throws IOException {
        List<String> command = javaCommand(List.of(args).stream().anyMatch(LARGE_RSA::contains));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(stdin)
                .redirectOutput(dir.resolve(".stdout").toFile()).redirectError(dir.resolve(".stderr").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("KMS_"));
        builder.environment().putAll(environment);
        return builder.start();
    }

    Map<String, String> envWith(String key, String value) {
        Map<String, String> copy = new HashMap<>(env);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return copy;
    }

    /**
     * A Kms whose key store already exists, made with a cheap Argon2id so that each of the many
     * child processes opens it fast; the key store header carries the KDF cost, so the CLI uses
     * it as it would any store's. Tests of store creation use {@code new Kms(dir)}.
     */
    static Kms withStore(Path dir) throws IOException {
        Kms kms = new Kms(dir);
        KeyStores.openFile(kms.store, PASSWORD.toCharArray(),
                KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())).close();
        return kms;
    }

    /** Creates a key under {@code alias} and returns its key id. */
    String createKey(String alias) throws IOException, InterruptedException {
        Result r = run("create-key", "--alias", alias, "--description", "test key " + alias);
        if (r.code() != 0) {
            throw new AssertionError(r.toString());
        }
        return r.json().getAsJsonObject("KeyMetadata").get("KeyId").getAsString();
    }
}
