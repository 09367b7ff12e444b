package io.kmsjca.spi;

import java.io.IOException;

/**
 * A change refused because the store would pass one of its caps (bytes of the image, number of
 * records). Nothing was written: the store keeps every record it had and still opens. The
 * message names the cap; it never contains stored bytes.
 */
public final class StoreFullException extends IOException {
    private static final long serialVersionUID = 1L;

    public StoreFullException(String message) {
        super(message);
    }
}
