package io.kmsjca.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Proof programs of the security review of the issue #14 changes for the CLI. Each
 * test is an attack that must fail.
 */
class SecurityReviewFindingsTest {

    /**
     * Finding 4: {@code kms encrypt} is for "a password, a data key", yet {@code --plaintext} still
     * takes the secret itself, base64, on the command line, where {@code ps} and the shell history
     * see it: the leak #14 closed for {@code --key-material}. Parsing alone shows it: the value is
     * accepted, where a secret input should take only fileb://PATH or - (standard input).
     */
    @Test
    void encrypt_withThePlaintextOnTheCommandLine_isRejected() {
        CommandLine kms = KmsCommand.build();
        assertThrows(CommandLine.ParameterException.class,
                () -> kms.parseArgs("encrypt", "--key-id", "alias/orders", "--plaintext", "ZGItcGFzc3dvcmQtMTIz"),
                "a secret on the command line is refused, as --key-material's is");
    }
}
