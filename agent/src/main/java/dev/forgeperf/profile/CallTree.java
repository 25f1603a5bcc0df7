package dev.forgeperf.profile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A view of one or two profiles as a tree of function names (lines merged), with one value column
 * per profile: what flame graphs, collapsed stacks and diffs draw. Node 0 is the root; a parent's
 * number is below its children's. Not thread-safe.
 */
final class CallTree {
    final List<String> names = new ArrayList<>();
    private final Map<String, Integer> nameIds = new HashMap<>();
    private final LongIntMap index = new LongIntMap(1024);
    int[] parent = new int[1024];
    int[] name = new int[1024];
    byte[] kind = new byte[1024];
    long[][] self;
    int count = 1;

    private CallTree(int columns) {
        self = new long[columns][1024];
        parent[0] = -1;
        name[0] = name("all");
        kind[0] = (byte) FrameKind.OTHER.ordinal();
    }

    /** The tree of one profile's sample type {@code type}. */
    static CallTree of(Profile p, int type) {
        CallTree t = new CallTree(1);
        t.add(p, type, 0);
        return t;
    }

    /** The tree of two profiles: column 0 from {@code a}, column 1 from {@code b}. */
    static CallTree of(Profile a, int typeA, Profile b, int typeB) {
        CallTree t = new CallTree(2);
        t.add(a, typeA, 0);
        t.add(b, typeB, 1);
        return t;
    }

    int columns() {
        return self.length;
    }

    private int name(String s) {
        Integer id = nameIds.get(s);
        if (id == null) {
            id = names.size();
            names.add(s);
            nameIds.put(s, id);
        }
        return id;
    }

    private void add(Profile p, int type, int column) {
        int[] map = new int[p.nodeCount()];
        int[] names = new int[p.stringCount()];
        Arrays.fill(names, -1);
        for (int n = 1; n < p.nodeCount(); n++) {
            int frame = p.nodeFrame(n);
            int sid = p.frameNameId(frame);
            if (names[sid] < 0) {
                names[sid] = name(p.string(sid));
            }
            map[n] = child(map[p.parent(n)], names[sid], p.frameKind(frame));
            long v = p.value(n, type);
            if (v != 0) {
                self[column][map[n]] += v;
            }
        }
        self[column][0] += p.value(Profile.ROOT, type);
    }

    private int child(int parentNode, int nameId, FrameKind k) {
        long key = ((long) parentNode << 32) | nameId;
        int id = index.get(key);
        if (id >= 0) {
            return id;
        }
        if (count == parent.length) {
            int n = count * 2;
            parent = Arrays.copyOf(parent, n);
            name = Arrays.copyOf(name, n);
            kind = Arrays.copyOf(kind, n);
            for (int c = 0; c < self.length; c++) {
                self[c] = Arrays.copyOf(self[c], n);
            }
        }
        id = count++;
        parent[id] = parentNode;
        name[id] = nameId;
        kind[id] = (byte) k.ordinal();
        index.put(key, id);
        return id;
    }

    /** Self plus descendants' values, per column. */
    long[][] totals() {
        long[][] total = new long[self.length][];
        for (int c = 0; c < self.length; c++) {
            total[c] = Arrays.copyOf(self[c], count);
            for (int n = count - 1; n > 0; n--) {
                total[c][parent[n]] += total[c][n];
            }
        }
        return total;
    }

    /** Children of every node, each list sorted by name: {@code children[n]}. */
    int[][] children() {
        int[] counts = new int[count];
        for (int n = 1; n < count; n++) {
            counts[parent[n]]++;
        }
        int[][] children = new int[count][];
        for (int n = 0; n < count; n++) {
            children[n] = new int[counts[n]];
            counts[n] = 0;
        }
        for (int n = 1; n < count; n++) {
            int p = parent[n];
            children[p][counts[p]++] = n;
        }
        for (int[] list : children) {
            if (list.length > 1) {
                Integer[] boxed = new Integer[list.length];
                for (int i = 0; i < list.length; i++) {
                    boxed[i] = list[i];
                }
                Arrays.sort(boxed, (x, y) -> names.get(name[x]).compareTo(names.get(name[y])));
                for (int i = 0; i < list.length; i++) {
                    list[i] = boxed[i];
                }
            }
        }
        return children;
    }
}
