package io.kmsjca.spi.file;

import java.io.IOException;

/**
 * Computes the tag that authenticates a whole store image. The key service supplies it, keyed
 * from the store's root key, so the file backend itself holds no secret and does no crypto
 * beyond comparing tags.
 */
@FunctionalInterface
public interface ImageAuthenticator {

    /** Length of every tag. */
    int TAG_BYTES = 32;

    /** The {@link #TAG_BYTES}-byte tag of {@code data[offset, offset + length)}. */
    byte[] tag(byte[] data, int offset, int length);

    /** Makes the authenticator for a store once its header (which holds the key's source) is read. */
    @FunctionalInterface
    interface Factory {
        /**
         * @throws IOException the header does not open (wrong password, unknown format), with
         *                     the precise cause attached
         */
        ImageAuthenticator forHeader(byte[] header) throws IOException;
    }
}
