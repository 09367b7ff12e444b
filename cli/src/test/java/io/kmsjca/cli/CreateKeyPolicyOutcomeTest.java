package io.kmsjca.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Review of create-key --policy: a key made under a policy that does not let the caller describe
 * it (the bypass) was made, so the run says so, with its key id, rather than exit 1 as if it had
 * been refused (the user would retry, and make another key under that policy).
 */
class CreateKeyPolicyOutcomeTest {

    @TempDir
    Path dir;

    @Test
    void aKeyMadeUnderAPolicyThatDoesNotLetTheCallerDescribeIt_isReportedMade_withItsKeyId() throws Exception {
        Path password = Files.writeString(dir.resolve("pw"), "a-password-for-this-test\n");
        Path policy = Files.writeString(dir.resolve("policy.json"), """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "bob"}, "Action": "kms:*", "Resource": "*"}]}""");
        String store = dir.resolve("keys.kms").toString();
        Run made = run("create-key", "--keystore", store, "--password-file", password.toString(), "--alias", "bobs",
                "--policy", "file://" + policy, "--bypass-policy-lockout-safety-check");
        Run listed = run("list-keys", "--keystore", store, "--password-file", password.toString());
        assertEquals(0, listed.code(), listed.toString());
        assertTrue(listed.out().contains("alias/bobs"), "the key was made: " + listed);
        assertEquals(0, made.code(), "the key was made, the run must not say it was refused: " + made);
        String keyId = listed.out().replaceAll("(?s).*\"KeyId\": \"([0-9a-f-]{36})\".*", "$1");
        assertTrue(made.out().contains(keyId), "the run names the key it made: " + made);
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
