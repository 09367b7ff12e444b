package io.kmsjca.spi.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable map whose {@link #with} and {@link #without} return a changed copy in
 * O(log32 n), sharing every untouched part with the original (a hash array mapped trie). A store
 * of 100,000 keys changes one key without copying the other 99,999, and {@link #changedKeys}
 * compares two versions of one map in time proportional to what changed. Null keys and values
 * are refused; mutators of {@link Map} throw {@link UnsupportedOperationException}.
 */
public final class PersistentMap<K, V> extends AbstractMap<K, V> {

    private static final PersistentMap<?, ?> EMPTY = new PersistentMap<>(new TrieNode(0, new Object[0]), 0);

    private final TrieNode root;
    private final int size;

    private PersistentMap(TrieNode root, int size) {
        this.root = root;
        this.size = size;
    }

    /** The empty map. */
    @SuppressWarnings("unchecked")
    public static <K, V> PersistentMap<K, V> empty() {
        return (PersistentMap<K, V>) EMPTY;
    }

    /** {@code map} itself if it already is one, else a copy of it. */
    @SuppressWarnings("unchecked")
    public static <K, V> PersistentMap<K, V> copyOf(Map<? extends K, ? extends V> map) {
        if (map instanceof PersistentMap<?, ?> p) {
            return (PersistentMap<K, V>) p;
        }
        if (map.isEmpty()) {
            return empty();
        }
        List<TrieLeaf> leaves = new ArrayList<>(map.size());
        for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
            Object key = Objects.requireNonNull(e.getKey(), "key");
            leaves.add(new TrieLeaf(key, Objects.requireNonNull(e.getValue(), "value"), hash(key)));
        }
        Object root = build(leaves, 0);
        TrieNode node = root instanceof TrieNode n ? n : new TrieNode(1 << (leaves.get(0).hash() & 31), new Object[] {root});
        return new PersistentMap<>(node, leaves.size());
    }

    /**
     * The trie of {@code leaves} (distinct keys) below {@code shift}, built in one pass instead of
     * one copying insert per key: the same shape {@link #with} makes (a slot of one key is its
     * leaf, keys whose whole hash collides share a {@code TrieLeaf[]}, others split into a node).
     */
    private static Object build(List<TrieLeaf> leaves, int shift) {
        if (leaves.size() == 1) {
            return leaves.get(0);
        }
        int first = leaves.get(0).hash();
        if (shift > 0 && leaves.stream().allMatch(l -> l.hash() == first)) {
            return leaves.toArray(new TrieLeaf[0]);
        }
        @SuppressWarnings("unchecked")
        List<TrieLeaf>[] buckets = new List[32];
        int bitmap = 0;
        for (TrieLeaf l : leaves) {
            int i = (l.hash() >>> shift) & 31;
            if (buckets[i] == null) {
                buckets[i] = new ArrayList<>();
                bitmap |= 1 << i;
            }
            buckets[i].add(l);
        }
        Object[] slots = new Object[Integer.bitCount(bitmap)];
        int at = 0;
        for (int i = 0; i < 32; i++) {
            if (buckets[i] != null) {
                slots[at++] = build(buckets[i], shift + TrieNode.BITS);
            }
        }
        return new TrieNode(bitmap, slots);
    }

    /** This map with {@code key} mapped to {@code value}. */
    public PersistentMap<K, V> with(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        boolean[] added = new boolean[1];
        TrieNode next = root.with(0, hash(key), new TrieLeaf(key, value, hash(key)), added);
        return next == root ? this : new PersistentMap<>(next, added[0] ? size + 1 : size);
    }

    /** This map without {@code key}. */
    public PersistentMap<K, V> without(Object key) {
        if (key == null) {
            return this;
        }
        TrieNode next = root.without(0, hash(key), key);
        if (next == root) {
            return this;
        }
        return new PersistentMap<>(next == null ? new TrieNode(0, new Object[0]) : next, size - 1);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        if (key == null) {
            return null;
        }
        int h = hash(key);
        TrieNode node = root;
        for (int shift = 0; ; shift += TrieNode.BITS) {
            Object slot = node.slot(h, shift);
            if (slot == null) {
                return null;
            }
            if (slot instanceof TrieLeaf leaf) {
                return leaf.key().equals(key) ? (V) leaf.value() : null;
            }
            if (slot instanceof TrieLeaf[] collision) {
                for (TrieLeaf leaf : collision) {
                    if (leaf.key().equals(key)) {
                        return (V) leaf.value();
                    }
                }
                return null;
            }
            node = (TrieNode) slot;
        }
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            @SuppressWarnings("unchecked")
            public Iterator<Map.Entry<K, V>> iterator() {
                List<Map.Entry<K, V>> all = new ArrayList<>(size);
                root.collect((List<Object>) (List<?>) all);
                return java.util.Collections.unmodifiableList(all).iterator();
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /**
     * The keys whose value differs between {@code a} and {@code b} (present in one only, or
     * mapped to unequal values). Parts the two maps share are skipped without being visited.
     */
    public static <K, V> Set<K> changedKeys(PersistentMap<K, V> a, PersistentMap<K, V> b) {
        Set<K> changed = new HashSet<>();
        diff(a.root, b.root, changed);
        return changed;
    }

    @SuppressWarnings("unchecked")
    private static <K> void diff(Object a, Object b, Set<K> out) {
        if (a == b) {
            return;
        }
        if (a instanceof TrieNode na && b instanceof TrieNode nb) {
            int all = na.bitmap | nb.bitmap;
            while (all != 0) {
                int bit = Integer.lowestOneBit(all);
                all &= ~bit;
                diff(na.child(bit), nb.child(bit), out);
            }
            return;
        }
        Map<Object, Object> left = entries(a);
        Map<Object, Object> right = entries(b);
        Set<Object> keys = new HashSet<>(left.keySet());
        keys.addAll(right.keySet());
        for (Object k : keys) {
            if (!Objects.equals(left.get(k), right.get(k))) {
                out.add((K) k);
            }
        }
    }

    private static Map<Object, Object> entries(Object subtree) {
        Map<Object, Object> entries = new HashMap<>();
        if (subtree != null) {
            List<Object> leaves = new ArrayList<>();
            TrieNode.collectSlot(subtree, leaves);
            for (Object o : leaves) {
                TrieLeaf leaf = (TrieLeaf) o;
                entries.put(leaf.key(), leaf.value());
            }
        }
        return entries;
    }

    private static int hash(Object key) {
        int h = key.hashCode();
        return h ^ (h >>> 16);
    }

    /** Unsupported: the map is immutable. */
    @Override
    public V put(K key, V value) {
        throw new UnsupportedOperationException("immutable; use with()");
    }

    /** Unsupported: the map is immutable. */
    @Override
    public V remove(Object key) {
        throw new UnsupportedOperationException("immutable; use without()");
    }

    /** Unsupported: the map is immutable. */
    @Override
    public void putAll(Map<? extends K, ? extends V> m) {
        throw new UnsupportedOperationException("immutable");
    }

    /** Unsupported: the map is immutable. */
    @Override
    public void clear() {
        throw new UnsupportedOperationException("immutable");
    }
}
