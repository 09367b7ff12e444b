package io.kmsjca.cli;

import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyNotFoundException;
import io.kmsjca.keys.KeyStateException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.security.KeyStoreException;

import static org.junit.jupiter.api.Assertions.*;

/** The single failure mapping: each kind of error of the key service has its own exit code. */
class FailuresTest {

    @Test
    void invalidRequest_isAUsageError_withoutAHintAboutTheKeysState() {
        CliException e = Failures.explain(new InvalidKeyRequestException("rotation period must be 90 to 2560 days, not 89"));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals("rotation period must be 90 to 2560 days, not 89", e.getMessage());
    }

    @Test
    void stateRefusal_isRefused_withTheHint() {
        CliException e = Failures.explain(new KeyStateException("key k is PendingDeletion: it cannot be enabled", null));
        assertEquals(ExitCode.REFUSED, e.exitCode());
        assertTrue(e.getMessage().contains("describe-key"), e.getMessage());
    }

    @Test
    void unknownKey_isNotFound() {
        assertEquals(ExitCode.NOT_FOUND, Failures.explain(new KeyNotFoundException("nobody")).exitCode());
    }

    @Test
    void backendFailure_isFailed_notRefused() {
        CliException e = Failures.explain(new KeyStoreException("could not store key k: disk full", new IOException("disk full")));
        assertEquals(ExitCode.FAILED, e.exitCode());
        assertTrue(e.getMessage().startsWith("the key store failed: could not store key k"), e.getMessage());
    }
}
