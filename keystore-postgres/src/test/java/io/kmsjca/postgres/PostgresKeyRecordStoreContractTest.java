package io.kmsjca.postgres;

import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.tck.KeyRecordStoreContract;

/** The PostgreSQL backend passes the same TCK as the file backend, against a real server. */
class PostgresKeyRecordStoreContractTest extends KeyRecordStoreContract {

    private String storeName;

    @Override
    protected KeyRecordStore newStore() throws Exception {
        storeName = TestDatabase.uniqueStoreName();
        return PostgresKeyRecordStore.open(TestDatabase.shared().settings(storeName));
    }

    @Override
    protected KeyRecordStore reopen(KeyRecordStore current) throws Exception {
        current.close();
        return PostgresKeyRecordStore.open(TestDatabase.shared().settings(storeName));
    }

    @Override
    protected KeyRecordStore openSecond(KeyRecordStore current) throws Exception {
        return PostgresKeyRecordStore.open(TestDatabase.shared().settings(storeName));
    }
}
