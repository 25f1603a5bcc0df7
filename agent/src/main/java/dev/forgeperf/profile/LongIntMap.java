package dev.forgeperf.profile;

import java.util.Arrays;

/**
 * An open-addressing hash map from {@code long} keys to non-negative {@code int} values, without
 * boxing. Used to intern functions, frames and call-tree nodes by packed ids. Not thread-safe.
 */
final class LongIntMap {
    private static final int MISSING = -1;
    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    LongIntMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
        keys = new long[capacity];
        values = new int[capacity];
        Arrays.fill(values, MISSING);
        mask = capacity - 1;
    }

    /** The value of {@code key}, or -1. */
    int get(long key) {
        int i = slot(key);
        while (true) {
            int v = values[i];
            if (v == MISSING || keys[i] == key) {
                return v;
            }
            i = (i + 1) & mask;
        }
    }

    /** Associates {@code key} with {@code value} (>= 0); the key must not be present. */
    void put(long key, int value) {
        if (size * 2 >= keys.length) {
            grow();
        }
        int i = slot(key);
        while (values[i] != MISSING) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        size++;
    }

    /** Associates {@code key} with {@code value} (>= 0), replacing any previous value. */
    void set(long key, int value) {
        int i = slot(key);
        while (values[i] != MISSING) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        put(key, value);
    }

    int size() {
        return size;
    }

    /** Removes every entry, keeping the capacity. */
    void clear() {
        if (size > 0) {
            Arrays.fill(values, MISSING);
            size = 0;
        }
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(values, MISSING);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != MISSING) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
