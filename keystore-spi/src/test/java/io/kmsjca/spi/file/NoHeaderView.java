package io.kmsjca.spi.file;

import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.KeyRecordStore;
import io.kmsjca.spi.StaleRecordException;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Presents a new file store (which is always created with a placeholder header) as a store
 * with no header, so the TCK's header rules apply to it unchanged.
 */
final class NoHeaderView implements KeyRecordStore {
    private static final byte[] PLACEHOLDER = {0};
    private final FileKeyRecordStore delegate;

    NoHeaderView(FileKeyRecordStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<byte[]> header() throws IOException {
        return delegate.header().filter(h -> !Arrays.equals(h, PLACEHOLDER));
    }

    @Override
    public void putHeader(byte[] expected, byte[] next) throws IOException, StaleRecordException {
        delegate.putHeader(expected == null ? PLACEHOLDER : expected, next);
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
    public void close() throws IOException {
        delegate.close();
    }
}
