package io.kmsjca.server;

import io.kmsjca.keys.AccessDenial;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.spi.OutOfSyncException;
import org.junit.jupiter.api.Test;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import java.security.ProviderException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The provider's failures, wrapped as the JCA wraps them, as AWS KMS's error types. */
class ErrorMappingTest {

    static BadPaddingException fromDoFinal(Exception cause) {
        BadPaddingException e = new BadPaddingException("cannot decrypt: " + cause.getMessage());
        e.initCause(cause);
        return e;
    }

    @Test
    void theMostSpecificCauseDecides() {
        assertEquals("DisabledException", ErrorMapping.of(fromDoFinal(new KeyUnavailableException("key k is Disabled"))).type());
        assertEquals("KMSInvalidStateException",
                ErrorMapping.of(fromDoFinal(new KeyUnavailableException("key k is PendingDeletion"))).type());
        assertEquals("KMSInvalidStateException", ErrorMapping.of(new KeyStateException("key k is Disabled", null)).type(),
                "a management change the state refuses is not a disabled key's use");
        assertEquals("InvalidCiphertextException", ErrorMapping.of(fromDoFinal(new AEADBadTagException("tag"))).type());
        assertEquals("InvalidCiphertextException", ErrorMapping.of(new BadPaddingException("bad magic")).type());
        KmsError denied = ErrorMapping.of(new ProviderException("cannot generate a data key",
                new KeyUseDeniedException(new AccessDenial("app", "kms:GenerateDataKey", "k", null, "key policy"))));
        assertEquals("AccessDeniedException", denied.type());
        assertEquals(400, denied.status());
    }

    @Test
    void aStoreOutOfSyncIsARetryableDependencyTimeout() {
        KmsError e = ErrorMapping.of(fromDoFinal(new KeyUnavailableException("key k cannot be used now",
                new OutOfSyncException("no news from the database for 61 s"))));
        assertEquals("DependencyTimeoutException", e.type());
        assertEquals(503, e.status());
    }

    @Test
    void anythingElseIsAnInternalErrorThatSaysNothingOfItself() {
        KmsError e = ErrorMapping.of(new IllegalStateException("detail of the failure"));
        assertEquals("KMSInternalException", e.type());
        assertEquals(500, e.status());
        assertFalse(e.getMessage().contains("detail"));
    }
}
