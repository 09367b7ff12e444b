package io.kmsjca.keys;

import java.io.IOException;

/**
 * The JVM's heap cannot hold a memory-hard derivation (Argon2id of a key store): thrown before
 * the memory is allocated, so opening a store in a small heap fails with a message naming
 * {@code -Xmx} and the size needed, not with an {@code OutOfMemoryError} that may hit any
 * thread. An {@link IOException}, as {@code KeyStore.load} reports a store it cannot open.
 */
public final class InsufficientHeapException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long neededKiB;

    private InsufficientHeapException(String message, long neededKiB) {
        super(message);
        this.neededKiB = neededKiB;
    }

    /** The heap the refused work needed, in KiB. */
    public long neededKiB() {
        return neededKiB;
    }

    /**
     * Refuses {@code what} unless {@code neededBytes} fit in the heap now. Used heap counts
     * garbage not yet collected, so a first refusal asks for one collection and looks again:
     * opening a store is rare, and refusing a heap that only holds garbage would be wrong.
     */
    static void check(long neededBytes, String what) throws InsufficientHeapException {
        if (available() >= neededBytes) {
            return;
        }
        System.gc();
        long available = available();
        if (available >= neededBytes) {
            return;
        }
        long neededKiB = (neededBytes + 1023) / 1024;
        long maxMiB = Runtime.getRuntime().maxMemory() / (1024 * 1024);
        long suggestMiB = maxMiB + (neededBytes - available + (1 << 20) - 1) / (1 << 20) + 16;
        throw new InsufficientHeapException(what + " needs " + neededKiB + " KiB of heap, but only " + available / 1024
                + " KiB of this JVM's maximum heap of " + maxMiB + " MiB are free: start the JVM with a larger -Xmx"
                + " (at least -Xmx" + suggestMiB + "m)", neededKiB);
    }

    private static long available() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }
}
