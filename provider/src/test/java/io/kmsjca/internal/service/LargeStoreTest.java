package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.RotationReason;

import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.service.KeyChanges;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.internal.store.MasterKeyCodec;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.file.StoreImage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A store of 100,000 keys (issue #15): it opens, every key is found, a key works and a change
 * is durable. Open time, the heap the open store holds and the time of one change (the whole
 * file is rewritten, issue #23) are printed as {@code [scale]} lines and kept in
 * docs/reliability.md; only the heap has a (generous) bound, because time depends on the machine.
 *
 * <p>The image is built directly, each record sealed as {@link KeyRegistry#commit} seals it:
 * creating 100,000 keys one by one through the service would rewrite the file 100,000 times.
 */
// file sizes and record counts, not the JDK: CI runs it on JDK 17 only (README, "Supported JDKs")
@Tag("same-on-every-jdk")
class LargeStoreTest {

    static final int KEYS = Integer.getInteger("kms.scale.keys", 100_000);
    /** Far above the ~1 KiB a key takes (measured: docs/reliability.md), far below any test heap. */
    static final long HEAP_BOUND_PER_KEY = 4096;
    private static final char[] PASSWORD = "scale".toCharArray();

    @TempDir
    Path dir;

    @Test
    void aStoreOfOneHundredThousandKeys_opensAndWorks() throws Exception {
        KeyServiceOptions options = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
                .withMaintenanceInterval(Duration.ZERO);
        Path file = dir.resolve("large.kms");
        long built = System.nanoTime();
        try (EmbeddedKeyService seed = KeyStores.newInMemory(options)) {
            Files.write(file, image(seed, options));
        }
        System.out.printf("[scale] %,d keys: image of %,d bytes built in %d ms%n", KEYS, Files.size(file),
                ms(built));

        long before = usedHeapAfterGc();
        long opening = System.nanoTime();
        EmbeddedKeyService store = KeyStores.openFile(file, PASSWORD, options);
        long openMs = ms(opening);
        long held = usedHeapAfterGc() - before;
        try {
            System.out.printf("[scale] %,d keys: open (read, authenticate, unseal every record) %d ms; heap held by"
                    + " the open store %,d KiB (%,d bytes a key)%n", KEYS, openMs, held / 1024, held / KEYS);
            assertTrue(held < HEAP_BOUND_PER_KEY * KEYS, "the open store holds " + held + " bytes");

            assertEquals(KEYS + 1, store.registry().snapshot().byId().size(), "every key, and the store's own audit key");
            KmsKeyHandle last = store.findKey("key-" + (KEYS - 1)).orElseThrow();
            var cipher = javax.crypto.Cipher.getInstance("KMSWrap", LifecycleFixture.PROVIDER);
            cipher.init(javax.crypto.Cipher.WRAP_MODE, last);
            byte[] blob = cipher.wrap(LifecycleFixture.DATA_KEY);

            long changing = System.nanoTime();
            store.createKey("one-more", "");
            System.out.printf("[scale] %,d keys: one change (createKey, the whole file rewritten) %d ms%n", KEYS,
                    ms(changing));
            store.close();
            store = KeyStores.openFile(file, PASSWORD, options);
            assertTrue(store.findKey("one-more").isPresent(), "the change is durable");
            cipher.init(javax.crypto.Cipher.UNWRAP_MODE, store.findKey("key-" + (KEYS - 1)).orElseThrow());
            assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(),
                    cipher.unwrap(blob, "AES", javax.crypto.Cipher.SECRET_KEY).getEncoded());
        } finally {
            store.close();
        }
    }

    /** The image of {@code seed}'s records (its audit key) and {@link #KEYS} new keys, under {@link #PASSWORD}. */
    private static byte[] image(EmbeddedKeyService seed, KeyServiceOptions options) throws Exception {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        List<KeyRecord> records = new ArrayList<>(seed.backend().list());
        for (int i = 0; i < KEYS; i++) {
            MasterKey key = MasterKey.create(UUID.randomUUID(), "", KeyManagerType.CUSTOMER, now, List.of("key-" + i),
                    Map.of(), 0, KeyChanges.generatedVersion(1, now, RotationReason.CREATED)).atRevision(1);
            String id = key.id().toString();
            byte[] payload = MasterKeyCodec.encode(key);
            try {
                records.add(new KeyRecord(id, 1, seed.root().seal(id, 1, payload)));
            } finally {
                Arrays.fill(payload, (byte) 0);
            }
        }
        byte[] header = seed.root().wrap(PASSWORD, options.kdf()).encode();
        return new StoreImage(header, records).encode(seed.root()::imageTag);
    }

    private static long usedHeapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
