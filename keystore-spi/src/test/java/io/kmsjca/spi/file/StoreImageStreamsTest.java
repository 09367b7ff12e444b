package io.kmsjca.spi.file;

import io.kmsjca.spi.CorruptStoreException;
import io.kmsjca.spi.KeyRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

/** The stream form of a store image, as KeyStore.load and KeyStore.store use it. */
class StoreImageStreamsTest {

    private static final byte[] HEADER = "header".getBytes(UTF_8);
    private static final KeyRecord RECORD = new KeyRecord("k1", 3, "sealed".getBytes(UTF_8));

    private static byte[] written() throws IOException {
        var out = new ByteArrayOutputStream();
        StoreImageStreams.write(out, HEADER, List.of(RECORD), FileKeyRecordStoreTest.hmac("k"));
        return out.toByteArray();
    }

    @Test
    void whatIsWritten_readsBack_asAStoreInMemory() throws Exception {
        byte[][] seen = new byte[1][];
        var store = StoreImageStreams.read(new ByteArrayInputStream(written()), header -> {
            seen[0] = header;
            return FileKeyRecordStoreTest.hmac("k");
        });
        assertArrayEquals(HEADER, seen[0], "the factory is given the image's header");
        assertArrayEquals(HEADER, store.header().orElseThrow());
        assertEquals(List.of(RECORD), store.list());
    }

    @Test
    void anImageTaggedUnderAnotherKey_isRefused() throws Exception {
        assertThrows(CorruptStoreException.class,
                () -> StoreImageStreams.read(new ByteArrayInputStream(written()), header -> FileKeyRecordStoreTest.hmac("other")));
    }

    @Test
    void theFactorysFailure_passesThrough() {
        IOException wrongPassword = new IOException("keystore password was incorrect");
        var thrown = assertThrows(IOException.class,
                () -> StoreImageStreams.read(new ByteArrayInputStream(written()), header -> { throw wrongPassword; }));
        assertSame(wrongPassword, thrown);
    }
}
