package io.kmsjca.conformance;

import io.kmsjca.audit.AuditOptions;
import io.kmsjca.keys.KeyService;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsDataKey;
import io.kmsjca.provider.KmsDataKeySpec;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsEnvelopeSpec;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every operation, failing ones included, with logging at its most verbose and audit on (the
 * System.Logger sink and the file sink): no key material, plaintext or password appears in any
 * log line, audit record, standard output or error, exception message or toString.
 */
class SecretsStayOutTest {

    private static final String PASSWORD = "Pa55word-that-must-not-leak";
    private static final byte[] MASTER = HexFormat.of().parseHex("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90");
    private static final byte[] DATA_KEY = HexFormat.of().parseHex("0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0");
    private static final String PLAINTEXT = "PLAINTEXT-MARKER-the-secret-payload";

    @TempDir
    Path dir;

    @Test
    void noSecretInAnyOutput() throws Exception {
        var logs = new StringBuilder();
        Logger root = Logger.getLogger("");
        Level previous = root.getLevel();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                // the raw message, the message with its parameters filled in, and every parameter
                logs.append(r.getLevel()).append(' ').append(r.getLoggerName()).append(' ').append(r.getMessage())
                        .append(' ').append(new java.util.logging.SimpleFormatter().formatMessage(r))
                        .append(' ').append(java.util.Arrays.deepToString(r.getParameters()))
                        .append(r.getThrown() == null ? "" : " " + r.getThrown()).append('\n');
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        root.setLevel(Level.ALL);
        root.addHandler(capture);
        PrintStream out = System.out;
        PrintStream err = System.err;
        var captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        Path auditLog = dir.resolve("audit.jsonl");
        byte[] generated;
        try {
            generated = exercise(seen, auditLog);
        } finally {
            System.setOut(out);
            System.setErr(err);
            root.removeHandler(capture);
            root.setLevel(previous);
        }
        String everything = String.join("\n", seen) + logs + captured.toString(StandardCharsets.UTF_8)
                + Files.readString(auditLog);
        assertTrue(logs.toString().contains("WRAP_KEY"), "the System.Logger sink did log at INFO: " + logs.length());
        List<String> secrets = secrets();
        secrets.add(HexFormat.of().formatHex(generated));
        secrets.add(Base64.getEncoder().encodeToString(generated));
        for (String secret : secrets) {
            assertFalse(everything.contains(secret), "a secret leaked: " + secret.substring(0, 6) + "...");
        }
        assertEquals(FAILING_CALLS, failures, "every failing operation was exercised and failed");
    }

    private static List<String> secrets() {
        List<String> s = new ArrayList<>(List.of(PASSWORD, PLAINTEXT));
        for (byte[] k : List.of(MASTER, DATA_KEY)) {
            s.add(HexFormat.of().formatHex(k));
            s.add(HexFormat.of().withUpperCase().formatHex(k));
            s.add(Base64.getEncoder().encodeToString(k));
            s.add(java.util.Arrays.toString(k));
        }
        return s;
    }

    /** Runs everything, recording every exception message and every toString it meets. */
    private byte[] exercise(List<String> seen, Path auditLog) throws Exception {
        KeyService keys = KeyStores.openFile(dir.resolve("keys.kms"), PASSWORD.toCharArray(), Fixtures.cheapOptions()
                .withMaintenanceInterval(Duration.ZERO).withAudit(AuditOptions.DEFAULTS.withListeners(true, List.of(), true)
                        .withFile(auditLog, true, 1 << 20)));
        KmsProvider provider = new KmsProvider();
        KmsKeyHandle master = keys.importKeyMaterial("secret", MASTER);
        seen.add(master.toString());
        Cipher c = Cipher.getInstance("KMSWrap", provider);
        c.init(Cipher.WRAP_MODE, master, new KmsEncryptionContextSpec(Map.of("k", "v")));
        byte[] blob = c.wrap(new SecretKeySpec(DATA_KEY, "AES"));
        c.init(Cipher.UNWRAP_MODE, master, new KmsEncryptionContextSpec(Map.of("k", "wrong")));
        record(seen, () -> c.unwrap(blob, "AES", Cipher.SECRET_KEY));
        byte[] tampered = blob.clone();
        tampered[tampered.length - 1] ^= 1;
        c.init(Cipher.UNWRAP_MODE, master, new KmsEncryptionContextSpec(Map.of("k", "v")));
        record(seen, () -> c.unwrap(tampered, "AES", Cipher.SECRET_KEY));
        c.init(Cipher.ENCRYPT_MODE, master);
        byte[] small = c.doFinal(PLAINTEXT.getBytes(StandardCharsets.UTF_8));
        c.init(Cipher.DECRYPT_MODE, master);
        small[small.length - 2] ^= 1;
        record(seen, () -> c.doFinal(small));
        record(seen, () -> c.doFinal(new byte[5000]));

        KeyGenerator g = KeyGenerator.getInstance("KMSDataKey", provider);
        g.init(KmsDataKeySpec.aes256(master));
        KmsDataKey dk = (KmsDataKey) g.generateKey();
        byte[] generated = dk.getEncoded();
        seen.add(dk.toString());

        Cipher env = Cipher.getInstance("KMSEnvelope", provider);
        env.init(Cipher.ENCRYPT_MODE, master, KmsEnvelopeSpec.withContext(Map.of("f", "x")));
        byte[] message = env.doFinal(PLAINTEXT.repeat(2000).getBytes(StandardCharsets.UTF_8));
        message[message.length - 100] ^= 1;
        env.init(Cipher.DECRYPT_MODE, master);
        record(seen, () -> env.doFinal(message));

        record(seen, () -> KeyStores.read(new ByteArrayInputStream(new byte[100]), PASSWORD.toCharArray(), Fixtures.cheapOptions()));
        var image = new ByteArrayOutputStream();
        KeyStores.write(keys, image, PASSWORD.toCharArray());
        record(seen, () -> KeyStores.read(new ByteArrayInputStream(image.toByteArray()), "not-it".toCharArray(), Fixtures.cheapOptions()));
        record(seen, () -> keys.importKeyMaterial("secret", new byte[7]));
        keys.disableKey("secret");
        record(seen, () -> {
            Cipher d = Cipher.getInstance("KMSWrap", provider);
            d.init(Cipher.UNWRAP_MODE, master);
            return null;
        });
        record(seen, () -> keys.reEncrypt(blob, Map.of("k", "v"), null, Map.of()));
        seen.add(keys.describeKey("secret").toString());
        keys.close();
        // a data key's own toString and a destroyed handle say nothing either
        dk.destroy();
        seen.add(dk.toString());
        return generated;
    }

    /** The calls {@link #exercise} makes that must fail: each is checked to have thrown. */
    private static final int FAILING_CALLS = 10;
    private int failures;

    interface Call {
        Object run() throws Exception;
    }

    /** Runs a call that must fail, and records every message, toString and stack frame of its failure. */
    private void record(List<String> seen, Call call) {
        try {
            Object result = call.run();
            fail("expected this call to fail, it returned " + result);
        } catch (Exception e) {
            failures++;
            for (Throwable t = e; t != null; t = t.getCause()) {
                seen.add(t.toString());
                for (StackTraceElement el : t.getStackTrace()) {
                    seen.add(el.toString());
                }
            }
        }
    }
}
