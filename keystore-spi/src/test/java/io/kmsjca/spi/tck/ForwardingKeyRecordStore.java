package io.kmsjca.spi.tck;

import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.OutOfSyncException;
import io.kmsjca.spi.StaleRecordException;
import io.kmsjca.spi.audit.AuditListener;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A backend that passes every call, the SPI's default methods included, to another one: tests
 * override only the calls they change (a fault to inject, a view to present), so a wrapper never
 * silently drops a method the SPI adds later.
 */
public abstract class ForwardingKeyRecordStore implements KeyRecordStore {

    protected final KeyRecordStore delegate;

    protected ForwardingKeyRecordStore(KeyRecordStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<byte[]> header() throws IOException {
        return delegate.header();
    }

    @Override
    public void putHeader(byte[] expected, byte[] next) throws IOException, StaleRecordException {
        delegate.putHeader(expected, next);
    }

    @Override
    public Optional<KeyRecord> get(String keyId) throws IOException {
        return delegate.get(keyId);
    }

    @Override
    public List<KeyRecord> list() throws IOException {
        return delegate.list();
    }

    @Override
    public Map<String, Long> revisions() throws IOException {
        return delegate.revisions();
    }

    @Override
    public void put(KeyRecord next) throws IOException, StaleRecordException {
        delegate.put(next);
    }

    @Override
    public void delete(String keyId, long expectedRevision) throws IOException, StaleRecordException {
        delegate.delete(keyId, expectedRevision);
    }

    @Override
    public Subscription subscribe(Consumer<String> changedKeyId) {
        return delegate.subscribe(changedKeyId);
    }

    @Override
    public void refresh() throws IOException {
        delegate.refresh();
    }

    @Override
    public void checkInSync() throws OutOfSyncException {
        delegate.checkInSync();
    }

    @Override
    public Optional<AuditListener> auditListener() {
        return delegate.auditListener();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
