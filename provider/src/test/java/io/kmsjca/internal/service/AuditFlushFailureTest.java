package io.kmsjca.internal.service;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.ProviderException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A listener that cannot make its events durable (its flush fails) is not passed over in silence:
 * the store's audit flush fails (fail-closed, the default), and closing the store still closes
 * everything, then says the audit trail failed.
 */
class AuditFlushFailureTest {

    @TempDir
    Path dir;

    /** A sink whose disk is full: it takes events, and cannot flush them. */
    private static final class FullDisk implements AuditListener {
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public void onEvent(AuditEvent e) {
        }

        @Override
        public void flush() {
            throw new UncheckedIOException(new IOException("No space left on device"));
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @Test
    void aFlushThatAListenerFails_throws_andClosingStillClosesEverything_thenSaysSo() throws Exception {
        LifecycleFixture f = new LifecycleFixture(dir);
        FullDisk sink = new FullDisk();
        f.keys.addAuditListener(sink);
        f.keys.createKey("orders", "");
        ProviderException flush = assertThrows(ProviderException.class, () -> f.keys.audit().flush());
        assertTrue(flush.getMessage().contains("failed to flush"), flush.getMessage());

        IOException close = assertThrows(IOException.class, f.keys::close);
        assertTrue(close.getMessage().contains("audit trail failed to flush"), close.getMessage());
        assertInstanceOf(ProviderException.class, close.getCause());
        assertTrue(sink.closed.get(), "the listeners were closed all the same");
        // the store closed: it opens again, and the key is there
        LifecycleFixture again = new LifecycleFixture(dir);
        assertTrue(again.keys.listKeys().stream().anyMatch(k -> k.aliases().contains("orders")));
        again.keys.close();
    }
}
