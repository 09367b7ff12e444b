package io.kmsjca.spi;

import java.io.IOException;

/**
 * A backend shared with other processes has not confirmed for longer than its configured bound
 * that this process holds every change the others made (a database outage, a lost change feed,
 * re-reads that keep failing). The key service refuses key use while this holds, so a key
 * disabled or rotated elsewhere is not used here past the bound. The message names the store and
 * the bound; it never contains stored bytes.
 */
public final class OutOfSyncException extends IOException {
    private static final long serialVersionUID = 1L;

    public OutOfSyncException(String message) {
        super(message);
    }
}
