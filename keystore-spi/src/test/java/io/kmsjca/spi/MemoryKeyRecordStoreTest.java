package io.kmsjca.spi;

import io.kmsjca.spi.tck.KeyRecordStoreContract;

class MemoryKeyRecordStoreTest extends KeyRecordStoreContract {
    @Override
    protected KeyRecordStore newStore() {
        return new MemoryKeyRecordStore();
    }
}
