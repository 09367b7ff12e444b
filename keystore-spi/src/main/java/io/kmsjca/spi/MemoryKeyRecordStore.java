package io.kmsjca.spi;

import java.util.Map;

/**
 * A backend that keeps everything in memory: the store of a {@code KeyStore} loaded from a
 * stream, written back only by {@code KeyStore.store(OutputStream, char[])}.
 */
public final class MemoryKeyRecordStore extends SnapshotKeyRecordStore {

    public MemoryKeyRecordStore() {
        super(new Snapshot(null, Map.of()));
    }

    /** A store holding {@code header} and {@code records} (read from a stream, say). */
    public MemoryKeyRecordStore(byte[] header, Iterable<KeyRecord> records) {
        super(new Snapshot(header, index(records)));
    }

    private static Map<String, KeyRecord> index(Iterable<KeyRecord> records) {
        var map = new java.util.HashMap<String, KeyRecord>();
        for (KeyRecord r : records) {
            if (map.put(r.keyId(), r) != null) {
                throw new IllegalArgumentException("duplicate key id " + r.keyId());
            }
        }
        return map;
    }

    @Override
    protected void persist(Snapshot next) {
        // in memory only: durability is the caller's KeyStore.store
    }
}
