package io.kmsjca.spi.internal;

import java.util.Arrays;
import java.util.List;

/**
 * A trie node: {@code bitmap} says which of the 32 slots of this level are used; {@code slots}
 * holds them in order, each a {@link TrieLeaf}, a {@code TrieLeaf[]} (keys whose whole hash collides)
 * or a deeper {@link TrieNode}.
 */
final class TrieNode {

    /** Bits of the hash each level of the trie consumes. */
    static final int BITS = 5;

    final int bitmap;
    final Object[] slots;

    TrieNode(int bitmap, Object[] slots) {
        this.bitmap = bitmap;
        this.slots = slots;
    }

    Object slot(int hash, int shift) {
        return child(1 << ((hash >>> shift) & 31));
    }

    Object child(int bit) {
        return (bitmap & bit) == 0 ? null : slots[Integer.bitCount(bitmap & (bit - 1))];
    }

    private TrieNode replaced(int index, Object slot) {
        Object[] copy = slots.clone();
        copy[index] = slot;
        return new TrieNode(bitmap, copy);
    }

    TrieNode with(int shift, int hash, TrieLeaf leaf, boolean[] added) {
        int bit = 1 << ((hash >>> shift) & 31);
        int index = Integer.bitCount(bitmap & (bit - 1));
        if ((bitmap & bit) == 0) {
            Object[] copy = new Object[slots.length + 1];
            System.arraycopy(slots, 0, copy, 0, index);
            copy[index] = leaf;
            System.arraycopy(slots, index, copy, index + 1, slots.length - index);
            added[0] = true;
            return new TrieNode(bitmap | bit, copy);
        }
        Object slot = slots[index];
        if (slot instanceof TrieNode child) {
            TrieNode next = child.with(shift + BITS, hash, leaf, added);
            return next == child ? this : replaced(index, next);
        }
        if (slot instanceof TrieLeaf old) {
            if (old.key().equals(leaf.key())) {
                return old.value() == leaf.value() ? this : replaced(index, leaf);
            }
            added[0] = true;
            if (old.hash() == hash) {
                return replaced(index, new TrieLeaf[] {old, leaf});
            }
            return replaced(index, split(shift + BITS, old, old.hash(), leaf, hash));
        }
        TrieLeaf[] collision = (TrieLeaf[]) slot;
        if (collision[0].hash() != hash) {
            added[0] = true;
            return replaced(index, split(shift + BITS, collision, collision[0].hash(), leaf, hash));
        }
        for (int i = 0; i < collision.length; i++) {
            if (collision[i].key().equals(leaf.key())) {
                TrieLeaf[] copy = collision.clone();
                copy[i] = leaf;
                return replaced(index, copy);
            }
        }
        TrieLeaf[] copy = Arrays.copyOf(collision, collision.length + 1);
        copy[collision.length] = leaf;
        added[0] = true;
        return replaced(index, copy);
    }

    /** A node holding two slots whose (different) hashes agree below {@code shift}. */
    private static TrieNode split(int shift, Object a, int hashA, Object b, int hashB) {
        int bitA = 1 << ((hashA >>> shift) & 31);
        int bitB = 1 << ((hashB >>> shift) & 31);
        if (bitA == bitB) {
            return new TrieNode(bitA, new Object[] {split(shift + BITS, a, hashA, b, hashB)});
        }
        return new TrieNode(bitA | bitB, Integer.compareUnsigned(bitA, bitB) < 0 ? new Object[] {a, b} : new Object[] {b, a});
    }

    /** This node without {@code key}: itself if absent, null if it became empty. */
    TrieNode without(int shift, int hash, Object key) {
        int bit = 1 << ((hash >>> shift) & 31);
        if ((bitmap & bit) == 0) {
            return this;
        }
        int index = Integer.bitCount(bitmap & (bit - 1));
        Object slot = slots[index];
        Object next;
        if (slot instanceof TrieNode child) {
            next = child.without(shift + BITS, hash, key);
            if (next == child) {
                return this;
            }
        } else if (slot instanceof TrieLeaf leaf) {
            if (!leaf.key().equals(key)) {
                return this;
            }
            next = null;
        } else {
            TrieLeaf[] collision = (TrieLeaf[]) slot;
            int at = -1;
            for (int i = 0; i < collision.length; i++) {
                if (collision[i].key().equals(key)) {
                    at = i;
                }
            }
            if (at < 0) {
                return this;
            }
            TrieLeaf[] rest = new TrieLeaf[collision.length - 1];
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
        return new TrieNode(bitmap & ~bit, copy);
    }

    void collect(List<Object> out) {
        for (Object slot : slots) {
            collectSlot(slot, out);
        }
    }

    static void collectSlot(Object slot, List<Object> out) {
        if (slot instanceof TrieNode n) {
            n.collect(out);
        } else if (slot instanceof TrieLeaf[] collision) {
            out.addAll(Arrays.asList(collision));
        } else {
            out.add(slot);
        }
    }
}
