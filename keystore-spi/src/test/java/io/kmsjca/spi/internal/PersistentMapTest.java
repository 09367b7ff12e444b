package io.kmsjca.spi.internal;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** {@link PersistentMap}: a map built in one pass by {@code copyOf} is the map inserts build. */
class PersistentMapTest {

    /** 20,000 keys, and keys whose hashes collide wholly ("Aa" and "BB" hash alike) or in part. */
    private static Map<String, Integer> sample() {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            m.put("key-" + i, i);
        }
        String[] colliding = {"AaAa", "AaBB", "BBAa", "BBBB", "Aa", "BB"};
        for (int i = 0; i < colliding.length; i++) {
            m.put(colliding[i], -1 - i);
        }
        return m;
    }

    @Test
    void copyOf_holdsEveryEntry_andEqualsTheMapInsertsBuild() {
        Map<String, Integer> source = sample();
        PersistentMap<String, Integer> bulk = PersistentMap.copyOf(source);
        PersistentMap<String, Integer> inserted = PersistentMap.empty();
        for (Map.Entry<String, Integer> e : source.entrySet()) {
            inserted = inserted.with(e.getKey(), e.getValue());
        }
        assertEquals(source.size(), bulk.size());
        assertEquals(source, bulk);
        source.forEach((k, v) -> assertEquals(v, bulk.get(k), k));
        assertNull(bulk.get("absent"));
        assertEquals(Set.of(), PersistentMap.changedKeys(bulk, inserted));
        assertEquals(inserted, bulk);
    }

    @Test
    void aMapBuiltByCopyOf_changesAsAnyOther() {
        PersistentMap<String, Integer> bulk = PersistentMap.copyOf(sample());
        PersistentMap<String, Integer> changed = bulk.with("key-7", 70).without("BBAa").with("new", 1);
        assertEquals(Set.of("key-7", "BBAa", "new"), PersistentMap.changedKeys(bulk, changed));
        assertEquals(70, changed.get("key-7"));
        assertNull(changed.get("BBAa"));
        assertEquals(-1, changed.get("AaAa"));
        assertEquals(bulk.size(), changed.size());
        assertEquals(7, bulk.get("key-7"), "the original is unchanged");
        assertEquals(Map.of("one", 1), PersistentMap.copyOf(Map.of("one", 1)));
        assertTrue(PersistentMap.copyOf(Map.of()).isEmpty());
    }
}
