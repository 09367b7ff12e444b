package io.kmsjca.internal.service;

import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.MemoryKeyRecordStore;
import io.kmsjca.spi.StaleRecordException;
import io.kmsjca.spi.tck.ForwardingKeyRecordStore;

import java.io.IOException;

/** A memory store whose record writes fail on demand: the injected I/O fault of the service's tests. */
final class FailingPuts extends ForwardingKeyRecordStore {
    volatile boolean failPuts;

    FailingPuts() {
        super(new MemoryKeyRecordStore());
    }

    @Override
    public void put(KeyRecord next) throws IOException, StaleRecordException {
        if (failPuts) {
            throw new IOException("injected: disk full");
        }
        delegate.put(next);
    }
}
