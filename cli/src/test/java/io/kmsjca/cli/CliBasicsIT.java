package io.kmsjca.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Help, version, completion, usage errors, password sources and the demo, through the shaded jar. */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // help, version, completion, usage errors: run once, on JDK 17; CI runs the demo on JDK 25 itself (README, "Supported JDKs")
class CliBasicsIT {

    static final List<String> COMMANDS = List.of("create-key", "describe-key", "list-keys", "enable-key", "disable-key",
            "schedule-key-deletion", "cancel-key-deletion", "create-alias", "update-alias", "delete-alias", "list-aliases",
            "enable-key-rotation", "disable-key-rotation", "get-key-rotation-status", "rotate-key-on-demand",
            "list-key-rotations", "tag-resource", "untag-resource", "list-resource-tags", "import-key-material",
            "generate-data-key", "generate-data-key-without-plaintext", "encrypt", "decrypt", "re-encrypt",
            "encrypt-file", "decrypt-file", "audit", "demo",
            "put-key-policy", "get-key-policy", "list-key-policies", "put-store-policy", "get-store-policy",
            "create-grant", "list-grants", "list-retirable-grants", "retire-grant", "revoke-grant",
            "create-credential", "list-credentials", "delete-credential",
            "server");

    @TempDir
    Path dir;
    Kms kms;

    @BeforeEach
    void setUp() throws Exception {
        kms = Kms.withStore(dir);
    }

    @Test
    void help_listsEveryCommand_andEachCommandHasHelpWithAnExample() throws Exception {
        Kms.Result help = kms.run("--help");
        assertEquals(0, help.code(), help.toString());
        for (String command : COMMANDS) {
            assertTrue(help.out().contains("  " + command + " "), command + " missing from:\n" + help.out());
        }
        assertTrue(help.out().contains("Exit codes:"), help.out());
        // one child JVM for all: 'kms X --help' for each X is the same code path as below
        for (String command : COMMANDS) {
            Kms.Result one = command.equals("audit") ? kms.run("audit", "tail", "--help") : kms.run(command, "--help");
            assertEquals(0, one.code(), command + ": " + one);
            assertTrue(one.out().contains("Example"), command + " has no example:\n" + one.out());
            assertTrue(one.out().startsWith("Usage: kms " + command), one.out());
        }
    }

    @Test
    void version_completion_andUsageErrors() throws Exception {
        assertTrue(kms.run("--version").out().startsWith("kms-jca "));
        Kms.Result completion = kms.run("generate-completion");
        assertEquals(0, completion.code(), completion.toString());
        assertTrue(completion.out().contains("complete -F") && completion.out().contains("generate-data-key"), completion.out());

        Kms.Result unknown = kms.run("frobnicate");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("kms --help"), unknown.err());
        Kms.Result missingFlag = kms.run("describe-key");
        assertEquals(2, missingFlag.code());
        assertTrue(missingFlag.err().contains("--key-id") && missingFlag.err().contains("kms describe-key --help"), missingFlag.err());
        assertEquals(1, missingFlag.err().strip().lines().count(), missingFlag.err());
        Kms.Result badContext = kms.run("generate-data-key", "--key-id", "x", "--encryption-context", "no-equals-sign");
        assertEquals(2, badContext.code(), badContext.toString());
        assertTrue(badContext.err().contains("key=value"), badContext.err());
    }

    @Test
    void password_fromFile_orEnvironment_neverRequiredOnTheCommandLine() throws Exception {
        Kms kms = new Kms(Files.createDirectory(dir.resolve("fresh")));
        Path passwordFile = Files.writeString(dir.resolve("pw.txt"), Kms.PASSWORD + "\n");
        var noEnv = kms.envWith("KMS_KEYSTORE_PASSWORD", null);
        Kms.Result created = kms.run(noEnv, "create-key", "--alias", "fromfile", "--password-file", passwordFile.toString());
        assertEquals(0, created.code(), created.toString());
        assertEquals(0, kms.run("describe-key", "--key-id", "fromfile").code(), "the environment gives the same password");

        Kms.Result none = kms.run(noEnv, "list-keys");
        assertEquals(2, none.code(), none.toString());
        assertTrue(none.err().contains("KMS_KEYSTORE_PASSWORD") && none.err().contains("--password-file"), none.err());
        Kms.Result noStore = kms.run(kms.envWith("KMS_KEYSTORE", null), "list-keys");
        assertEquals(2, noStore.code(), noStore.toString());
        assertTrue(noStore.err().contains("--keystore"), noStore.err());
        Kms.Result flag = kms.run("list-keys", "--password", "x");
        assertEquals(2, flag.code(), "there is no --password flag: " + flag);
    }

    @Test
    void boundedInputs_areRefusedWithOneLine() throws Exception {
        var noEnv = kms.envWith("KMS_KEYSTORE_PASSWORD", null);
        Path longPassword = Files.write(dir.resolve("long.txt"), new byte[5000]);
        Kms.Result tooLong = kms.run(noEnv, "list-keys", "--password-file", longPassword.toString());
        assertEquals(2, tooLong.code(), tooLong.toString());
        assertTrue(tooLong.err().contains("longer than 4096 bytes"), tooLong.err());
        Path notUtf8 = Files.write(dir.resolve("latin1.txt"), new byte[] {(byte) 0xff, (byte) 0xfe, 'x', '\n'});
        Kms.Result badText = kms.run(noEnv, "list-keys", "--password-file", notUtf8.toString());
        assertEquals(2, badText.code(), badText.toString());
        assertTrue(badText.err().contains("not UTF-8"), badText.err());

        Path big = Files.write(dir.resolve("big.bin"), new byte[64 * 1024 + 1]);
        Kms.Result tooBig = kms.run("encrypt", "--key-id", "x", "--plaintext", "fileb://" + big);
        assertEquals(2, tooBig.code(), tooBig.toString());
        assertTrue(tooBig.err().contains("encrypt-file"), tooBig.err());
        Kms.Result limit = kms.run("list-keys", "--limit", "0");
        assertEquals(2, limit.code(), limit.toString());
        assertTrue(limit.err().contains("1..1000"), limit.err());
        Kms.Result lines = kms.run("audit", "tail", "--lines", "-1");
        assertEquals(2, lines.code(), lines.toString());
    }

    @Test
    void debug_addsTheStackTrace() throws Exception {
        kms.createKey("k");
        Kms.Result plain = kms.run("describe-key", "--key-id", "missing");
        Kms.Result debug = kms.run("describe-key", "--key-id", "missing", "--debug");
        assertEquals(4, debug.code());
        assertFalse(plain.err().contains("\tat "), plain.err());
        assertTrue(debug.err().contains("KeyNotFoundException") && debug.err().contains("\tat "), debug.err());
    }

    @Test
    void demo_walksTheFourSteps() throws Exception {
        Kms.Result demo = kms.run(kms.envWith("KMS_KEYSTORE_PASSWORD", null), "demo", "--dir", dir.resolve("demo").toString());
        assertEquals(0, demo.code(), demo.toString());
        for (String step : new String[] {"1. created master key", "2. generated a 256-bit data key", "3. encrypted", "4. reopened"}) {
            assertTrue(demo.out().contains(step), demo.out());
        }
        assertTrue(demo.out().contains("OK: the decrypted file matches"), demo.out());
        assertEquals(149, Files.size(dir.resolve("demo/report.txt.key")));
    }
}
