package io.kmsjca.spi.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
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

    private static final int BITS = 5;
    private static final PersistentMap<?, ?> EMPTY = new PersistentMap<>(new Node(0, new Object[0]), 0);

    private final Node root;
    private final int size;

    private PersistentMap(Node root, int size) {
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
        List<Leaf> leaves = new ArrayList<>(map.size());
        for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
            Object key = Objects.requireNonNull(e.getKey(), "key");
            leaves.add(new Leaf(key, Objects.requireNonNull(e.getValue(), "value"), hash(key)));
        }
        Object root = build(leaves, 0);
        Node node = root instanceof Node n ? n : new Node(1 << (leaves.get(0).hash & 31), new Object[] {root});
        return new PersistentMap<>(node, leaves.size());
    }

    /**
     * The trie of {@code leaves} (distinct keys) below {@code shift}, built in one pass instead of
     * one copying insert per key: the same shape {@link #with} makes (a slot of one key is its
     * leaf, keys whose whole hash collides share a {@code Leaf[]}, others split into a node).
     */
    private static Object build(List<Leaf> leaves, int shift) {
        if (leaves.size() == 1) {
            return leaves.get(0);
        }
        int first = leaves.get(0).hash;
        if (shift > 0 && leaves.stream().allMatch(l -> l.hash == first)) {
            return leaves.toArray(new Leaf[0]);
        }
        @SuppressWarnings("unchecked")
        List<Leaf>[] buckets = new List[32];
        int bitmap = 0;
        for (Leaf l : leaves) {
            int i = (l.hash >>> shift) & 31;
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
                slots[at++] = build(buckets[i], shift + BITS);
            }
        }
        return new Node(bitmap, slots);
    }

    /** This map with {@code key} mapped to {@code value}. */
    public PersistentMap<K, V> with(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        boolean[] added = new boolean[1];
        Node next = root.with(0, hash(key), new Leaf(key, value, hash(key)), added);
        return next == root ? this : new PersistentMap<>(next, added[0] ? size + 1 : size);
    }

    /** This map without {@code key}. */
    public PersistentMap<K, V> without(Object key) {
        if (key == null) {
            return this;
        }
        Node next = root.without(0, hash(key), key);
        if (next == root) {
            return this;
        }
        return new PersistentMap<>(next == null ? new Node(0, new Object[0]) : next, size - 1);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        if (key == null) {
            return null;
        }
        int h = hash(key);
        Node node = root;
        for (int shift = 0; ; shift += BITS) {
            Object slot = node.slot(h, shift);
            if (slot == null) {
                return null;
            }
            if (slot instanceof Leaf leaf) {
                return leaf.key.equals(key) ? (V) leaf.value : null;
            }
            if (slot instanceof Leaf[] collision) {
                for (Leaf leaf : collision) {
                    if (leaf.key.equals(key)) {
                        return (V) leaf.value;
                    }
                }
                return null;
            }
            node = (Node) slot;
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
        if (a instanceof Node na && b instanceof Node nb) {
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
            Node.collectSlot(subtree, leaves);
            for (Object o : leaves) {
                Leaf leaf = (Leaf) o;
                entries.put(leaf.key, leaf.value);
            }
        }
        return entries;
    }

    private static int hash(Object key) {
        int h = key.hashCode();
        return h ^ (h >>> 16);
    }

    /** One key and its value. */
    private record Leaf(Object key, Object value, int hash) implements Map.Entry<Object, Object> {
        @Override
        public Object getKey() {
            return key;
        }

        @Override
        public Object getValue() {
            return value;
        }

        @Override
        public Object setValue(Object v) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry<?, ?> e && key.equals(e.getKey()) && value.equals(e.getValue());
        }

        @Override
        public int hashCode() {
            return key.hashCode() ^ value.hashCode();
        }
    }

    /**
     * A trie node: {@code bitmap} says which of the 32 slots of this level are used; {@code slots}
     * holds them in order, each a {@link Leaf}, a {@code Leaf[]} (keys whose whole hash collides)
     * or a deeper {@link Node}.
     */
    private static final class Node {
        final int bitmap;
        final Object[] slots;

        Node(int bitmap, Object[] slots) {
            this.bitmap = bitmap;
            this.slots = slots;
        }

        Object slot(int hash, int shift) {
            return child(1 << ((hash >>> shift) & 31));
        }

        Object child(int bit) {
            return (bitmap & bit) == 0 ? null : slots[Integer.bitCount(bitmap & (bit - 1))];
        }

        private Node replaced(int index, Object slot) {
            Object[] copy = slots.clone();
            copy[index] = slot;
            return new Node(bitmap, copy);
        }

        Node with(int shift, int hash, Leaf leaf, boolean[] added) {
            int bit = 1 << ((hash >>> shift) & 31);
            int index = Integer.bitCount(bitmap & (bit - 1));
            if ((bitmap & bit) == 0) {
                Object[] copy = new Object[slots.length + 1];
                System.arraycopy(slots, 0, copy, 0, index);
                copy[index] = leaf;
                System.arraycopy(slots, index, copy, index + 1, slots.length - index);
                added[0] = true;
                return new Node(bitmap | bit, copy);
            }
            Object slot = slots[index];
            if (slot instanceof Node child) {
                Node next = child.with(shift + BITS, hash, leaf, added);
                return next == child ? this : replaced(index, next);
            }
            if (slot instanceof Leaf old) {
                if (old.key.equals(leaf.key)) {
                    return old.value == leaf.value ? this : replaced(index, leaf);
                }
                added[0] = true;
                if (old.hash == hash) {
                    return replaced(index, new Leaf[] {old, leaf});
                }
                return replaced(index, split(shift + BITS, old, old.hash, leaf, hash));
            }
            Leaf[] collision = (Leaf[]) slot;
            if (collision[0].hash != hash) {
                added[0] = true;
                return replaced(index, split(shift + BITS, collision, collision[0].hash, leaf, hash));
            }
            for (int i = 0; i < collision.length; i++) {
                if (collision[i].key.equals(leaf.key)) {
                    Leaf[] copy = collision.clone();
                    copy[i] = leaf;
                    return replaced(index, copy);
                }
            }
            Leaf[] copy = Arrays.copyOf(collision, collision.length + 1);
            copy[collision.length] = leaf;
            added[0] = true;
            return replaced(index, copy);
        }

        /** A node holding two slots whose (different) hashes agree below {@code shift}. */
        private static Node split(int shift, Object a, int hashA, Object b, int hashB) {
            int bitA = 1 << ((hashA >>> shift) & 31);
            int bitB = 1 << ((hashB >>> shift) & 31);
            if (bitA == bitB) {
                return new Node(bitA, new Object[] {split(shift + BITS, a, hashA, b, hashB)});
            }
            return new Node(bitA | bitB, Integer.compareUnsigned(bitA, bitB) < 0 ? new Object[] {a, b} : new Object[] {b, a});
        }

        /** This node without {@code key}: itself if absent, null if it became empty. */
        Node without(int shift, int hash, Object key) {
            int bit = 1 << ((hash >>> shift) & 31);
            if ((bitmap & bit) == 0) {
                return this;
            }
            int index = Integer.bitCount(bitmap & (bit - 1));
            Object slot = slots[index];
            Object next;
            if (slot instanceof Node child) {
                next = child.without(shift + BITS, hash, key);
                if (next == child) {
                    return this;
                }
            } else if (slot instanceof Leaf leaf) {
                if (!leaf.key.equals(key)) {
                    return this;
                }
                next = null;
            } else {
                Leaf[] collision = (Leaf[]) slot;
                int at = -1;
                for (int i = 0; i < collision.length; i++) {
                    if (collision[i].key.equals(key)) {
                        at = i;
                    }
                }
                if (at < 0) {
                    return this;
                }
                Leaf[] rest = new Leaf[collision.length - 1];
                System.arraycopy(collision, 0, rest, 0, at);
                System.arraycopy(collision, at + 1, rest, at, rest.length - at);
                next = rest.length == 1 ? rest[0] : rest;
            }
            if (next != null) {
                return replaced(index, next);
            }
            if (slots.length == 1) {
                return null;
            }
            Object[] copy = new Object[slots.length - 1];
            System.arraycopy(slots, 0, copy, 0, index);
            System.arraycopy(slots, index + 1, copy, index, copy.length - index);
            return new Node(bitmap & ~bit, copy);
        }

        void collect(List<Object> out) {
            for (Object slot : slots) {
                collectSlot(slot, out);
            }
        }

        static void collectSlot(Object slot, List<Object> out) {
            if (slot instanceof Node n) {
                n.collect(out);
            } else if (slot instanceof Leaf[] collision) {
                out.addAll(Arrays.asList(collision));
            } else {
                out.add(slot);
            }
        }
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
