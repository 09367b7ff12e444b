package io.kmsjca.cli;

import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyServiceOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proof programs of the security review of the {@code kms} command's less-reviewed surfaces
 * (argument handling, the files it writes). Each test is an attack, or a failure, that must not work.
 */
class CliThirdReviewFindingsTest {

    private static final String PASSWORD = "a-password-for-this-test";

    @TempDir
    Path dir;
    private String store;
    private String passwordFile;

    @BeforeEach
    void setUp() throws Exception {
        Path file = dir.resolve("keys.kms");
        KeyStores.openFile(file, PASSWORD.toCharArray(),
                KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())).close();
        store = file.toString();
        passwordFile = Files.writeString(dir.resolve("pw"), PASSWORD + "\n").toString();
    }

    /**
     * C1: picocli expands an argument that starts with {@code @} into the words of the file it
     * names (its "@-files"), which neither the AWS CLI nor docs/cli.md has. A value a script passes
     * through ({@code --description "$D"}) then reads any file the user can read (a key file,
     * {@code /proc/self/environ} with KMS_KEYSTORE_PASSWORD) into the store, the output or an error
     * message, and may inject options ({@code --keystore}, {@code --password-file}).
     */
    @Test
    void c1_anArgumentStartingWithAt_isTakenAsItIs_neverAsAFileToRead() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "s3cr3t-read-from-a-file\n");
        Run made = run("create-key", "--keystore", store, "--password-file", passwordFile,
                "--description", "@" + secret);
        assertEquals(0, made.code(), made.toString());
        assertFalse(made.out().contains("s3cr3t-read-from-a-file"), "the file's content became the description: " + made);
        assertTrue(made.out().contains("@" + secret), "the description is the argument as given: " + made);
    }

    /**
     * C2: {@code create-credential --key-file-out FILE} with an existing FILE (or a dangling
     * symbolic link there) added the credential to the store first, then failed to write its key
     * file: a credential (perhaps administrator, acting for others) whose only secret was wiped,
     * that nobody can use and that blocks the principal's next create-credential.
     */
    @Test
    void c2_createCredential_toAnExistingKeyFile_addsNoCredential() throws Exception {
        Path existing = Files.writeString(dir.resolve("svc.key"), "someone else's file\n");
        Run made = run("create-credential", "--keystore", store, "--password-file", passwordFile,
                "--principal", "svc", "--acts-for-others", "--key-file-out", existing.toString());
        assertNotEquals(0, made.code(), made.toString());
        assertEquals("someone else's file\n", Files.readString(existing));
        Path dangling = dir.resolve("dangling.key");
        Files.createSymbolicLink(dangling, dir.resolve("nowhere"));
        Run viaLink = run("create-credential", "--keystore", store, "--password-file", passwordFile,
                "--principal", "svc2", "--key-file-out", dangling.toString());
        assertNotEquals(0, viaLink.code(), viaLink.toString());
        Run listed = run("list-credentials", "--keystore", store, "--password-file", passwordFile);
        assertEquals(0, listed.code(), listed.toString());
        assertFalse(listed.out().contains("\"svc\""), "a credential without its key file was left: " + listed);
        assertFalse(listed.out().contains("\"svc2\""), "a credential without its key file was left: " + listed);
    }

    /**
     * C3: {@code audit public-key --out FILE} wrote through a symbolic link at FILE, truncating
     * whatever it points to (a planted link in a shared folder clobbers the user's file).
     */
    @Test
    void c3_auditPublicKeyOut_doesNotWriteThroughASymbolicLink() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim.txt"), "precious\n");
        Path link = dir.resolve("audit-key.pem");
        Files.createSymbolicLink(link, victim);
        run("audit", "public-key", "--keystore", store, "--password-file", passwordFile, "--out", link.toString());
        assertEquals("precious\n", Files.readString(victim), "the link's target was overwritten");
    }

    /**
     * C4: docs/server.md made the server's TLS key with {@code keytool -storepass "$KMS_TLS_KEYSTORE_PASSWORD"}:
     * the shell expands the variable into keytool's arguments, where {@code ps} shows the password to
     * every user, the leak the {@code kms} command refuses ({@code -storepass:env VAR} reads it
     * from the environment instead).
     */
    @Test
    void c4_theGuidesNeverExpandAPasswordIntoACommandLine() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        java.util.regex.Pattern expanded = java.util.regex.Pattern.compile("-(?:src|dest)?(?:store|key)pass\\s+\"?\\$");
        java.util.List<Path> guides = new java.util.ArrayList<>(java.util.List.of(root.resolve("README.md")));
        try (var docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md") || p.toString().endsWith(".sh")).forEach(guides::add);
        }
        for (Path guide : guides) {
            String text = Files.readString(guide);
            assertFalse(expanded.matcher(text).find(), guide + " puts a password variable on a command line");
        }
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }
}
