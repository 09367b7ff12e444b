package io.kmsjca.spi.file;

import io.kmsjca.spi.StaleRecordException;
import io.kmsjca.spi.tck.ForwardingKeyRecordStore;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Presents a new file store (which is always created with a placeholder header) as a store
 * with no header, so the TCK's header rules apply to it unchanged.
 */
final class NoHeaderView extends ForwardingKeyRecordStore {
    private static final byte[] PLACEHOLDER = {0};

    NoHeaderView(FileKeyRecordStore delegate) {
        super(delegate);
    }

    @Override
    public Optional<byte[]> header() throws IOException {
        return delegate.header().filter(h -> !Arrays.equals(h, PLACEHOLDER));
    }

    @Override
    public void putHeader(byte[] expected, byte[] next) throws IOException, StaleRecordException {
        delegate.putHeader(expected == null ? PLACEHOLDER : expected, next);
    }
}
