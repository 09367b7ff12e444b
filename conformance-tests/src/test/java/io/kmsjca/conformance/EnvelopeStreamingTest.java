package io.kmsjca.conformance;

import io.kmsjca.internal.crypto.ChunkedAead;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * 4 GiB through CipherInputStream encryption and decryption in a child JVM limited to a 64 MiB
 * heap: the envelope streams in constant memory. The size can be raised or lowered with
 * {@code -Dkms.streaming.bytes=N} (a longer run) without changing the test.
 */
class EnvelopeStreamingTest {

    @Test
    void fourGibibytes_throughTheStreams_withA64MibHeap() throws Exception {
        long size = Long.getLong("kms.streaming.bytes", 4L << 30);
        var result = ChildJvm.java(List.of("-Xmx64m"), EnvelopeStreamMain.class, Long.toString(size));
        assertEquals(0, result.exitCode(), result.all());
        String out = result.stdout();
        assertTrue(out.contains("plaintext=" + size + "\n"), out);
        assertEquals(value(out, "generated"), value(out, "recovered"), "the digest of what came out equals what went in");
        long chunks = size / ChunkedAead.CHUNK + 1;
        assertTrue(Long.parseLong(value(out, "ciphertext")) >= size + chunks * ChunkedAead.TAG, out);
        assertTrue(Long.parseLong(value(out, "peakHeapBytes")) <= 64L << 20, out);
    }

    private static String value(String out, String key) {
        return out.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + key + " in " + out));
    }
}
