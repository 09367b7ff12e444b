package io.kmsjca.internal.service;

import io.kmsjca.spi.MemoryKeyRecordStore;
import io.kmsjca.spi.OutOfSyncException;
import io.kmsjca.spi.tck.ForwardingKeyRecordStore;

/** A memory store that reports being out of sync past its staleness bound on demand: the injected lag of the service's tests. */
final class OutOfSyncAtWill extends ForwardingKeyRecordStore {
    volatile boolean outOfSync;

    OutOfSyncAtWill() {
        super(new MemoryKeyRecordStore());
    }

    @Override
    public void checkInSync() throws OutOfSyncException {
        if (outOfSync) {
            throw new OutOfSyncException("injected: no change notification for 60 s");
        }
    }
}
