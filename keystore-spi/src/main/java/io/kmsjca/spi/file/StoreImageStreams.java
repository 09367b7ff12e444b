package io.kmsjca.spi.file;

import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.MemoryKeyRecordStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;

/**
 * A whole key store as one stream ({@code KeyStore.load(InputStream)} and
 * {@code KeyStore.store(OutputStream)}): the same authenticated layout as the live file
 * ({@link StoreImage}), so the key service reads and writes streams without knowing the layout.
 */
public final class StoreImageStreams {

    private StoreImageStreams() {
    }

    /**
     * Reads one image from {@code in} into a store in memory. {@code factory} turns the image's
     * header into its authenticator (a wrong password fails there); the whole image is
     * authenticated before any record is read.
     *
     * @throws CorruptStoreException the stream is longer than an image can be, damaged or foreign
     */
    public static MemoryKeyRecordStore read(InputStream in, ImageAuthenticator.Factory factory) throws IOException {
        byte[] image = in.readNBytes(StoreImage.MAX_IMAGE_BYTES + 1);
        if (image.length > StoreImage.MAX_IMAGE_BYTES) {
            throw new CorruptStoreException("key store stream is longer than " + StoreImage.MAX_IMAGE_BYTES + " bytes");
        }
        byte[] header = StoreImage.readHeader(image);
        if (StoreImage.version(image) != StoreImage.VERSION) {
            throw new CorruptStoreException("not a self-contained key store image: the image of a live store file, "
                    + "whose latest changes are in its journal; open the file as a store, or export it with KeyStore.store");
        }
        ImageAuthenticator authenticator = Objects.requireNonNull(factory.forHeader(header));
        StoreImage decoded = StoreImage.decode(image, authenticator);
        return new MemoryKeyRecordStore(decoded.header(), decoded.records());
    }

    /**
     * Writes {@code header} and {@code records} to {@code out} as one image tagged by
     * {@code authenticator}, and flushes.
     *
     * @throws io.kmsjca.spi.StoreFullException the image would be too large to read again; nothing is written
     */
    public static void write(OutputStream out, byte[] header, List<KeyRecord> records, ImageAuthenticator authenticator)
            throws IOException {
        out.write(new StoreImage(header, records).encode(authenticator));
        out.flush();
    }
}
