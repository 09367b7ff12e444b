package io.kmsjca.conformance;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A JVM whose heap cannot hold the store's Argon2id memory gets a clear error naming -Xmx,
 * checked before Argon2 allocates, instead of an OutOfMemoryError; a heap that can hold it opens
 * the store.
 */
class SmallHeapTest {

    private static final String PASSWORD = "small heap";

    @TempDir
    Path dir;

    @Test
    void defaultStore_inA48MiBHeap_isRejected_withAMessageNamingXmx() throws Exception {
        Path store = defaultStore();
        var result = ChildJvm.java(List.of("-Xmx48m", "-XX:+UseSerialGC"), SmallHeapMain.class, store.toString(), PASSWORD);
        assertEquals(1, result.exitCode(), result.all());
        assertFalse(result.all().contains("OutOfMemoryError"), result.all());
        assertTrue(result.stderr().contains("io.kmsjca.keys.InsufficientHeapException"), result.all());
        long neededKiB = Argon2Params.DEFAULT.heapBytesNeeded() / 1024;
        assertTrue(result.stderr().contains(neededKiB + " KiB") && result.stderr().contains("-Xmx"), result.all());
        assertFalse(result.all().contains(PASSWORD));
    }

    @Test
    void defaultStore_inAHeapThatHoldsIt_opens() throws Exception {
        Path store = defaultStore();
        var result = ChildJvm.java(List.of("-Xmx160m", "-XX:+UseSerialGC"), SmallHeapMain.class, store.toString(), PASSWORD);
        assertEquals(0, result.exitCode(), result.all());
        assertTrue(result.stdout().startsWith("loaded"), result.all());
    }

    /** A store with the production KDF (64 MiB), as a user gets by default. */
    private Path defaultStore() throws Exception {
        Path store = dir.resolve("keys.kms");
        KeyStores.openFile(store, PASSWORD.toCharArray(), KeyServiceOptions.defaults()).close();
        return store;
    }
}
