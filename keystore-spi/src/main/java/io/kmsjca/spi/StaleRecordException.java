package io.kmsjca.spi;

/**
 * A compare-and-set lost: the record (or the store header) is no longer at the revision the
 * caller read. The caller re-reads and decides again; nothing was written.
 */
public final class StaleRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public StaleRecordException(String message) {
        super(message);
    }
}
