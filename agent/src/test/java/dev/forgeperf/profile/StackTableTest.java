package dev.forgeperf.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The bounded cumulative stack table behind the cumulative {@code /debug/pprof/} profiles. */
class StackTableTest {
    /** A profile of one stack {@code a;b;…} per entry, with (objects, bytes). */
    private static Profile part(Map<String, long[]> stacks) {
        Profile p = Profile.of(Kind.ALLOC);
        for (Map.Entry<String, long[]> e : stacks.entrySet()) {
            int node = Profile.ROOT;
            for (String f : e.getKey().split(";")) {
                node = p.child(node, p.frame(p.function(f, f + ".java"), 1, FrameKind.JAVA));
            }
            p.add(node, 0, e.getValue()[0]);
            p.add(node, 1, e.getValue()[1]);
        }
        return p;
    }

    /** Values per stack (frame names joined), as a reader of the profile sees them. */
    private static Map<String, Long> bytes(Profile p) {
        Map<String, Long> m = new HashMap<>();
        for (int n = 0; n < p.nodeCount(); n++) {
            if (p.hasSamples(n)) {
                StringBuilder k = new StringBuilder();
                for (int f : p.stack(n)) {
                    k.append(k.length() == 0 ? "" : ";").append(p.frameName(f));
                }
                m.merge(k.toString(), p.value(n, 1), Long::sum);
            }
        }
        return m;
    }

    @Test
    void sumsPerStackAcrossPartsAndSubtractsAMark() {
        StackTable t = new StackTable(Kind.ALLOC);
        t.add(part(Map.of("main;a;alloc", new long[] {1, 100}, "main;b", new long[] {2, 50})));
        long[] mark = t.values();
        t.add(part(Map.of("main;a;alloc", new long[] {3, 300}, "main;c", new long[] {1, 7})));
        assertEquals(Map.of("main;a;alloc", 400L, "main;b", 50L, "main;c", 7L), bytes(t.profile()));
        Map<String, Long> delta = bytes(t.since(mark));
        assertEquals(Map.of("main;a;alloc", 300L, "main;c", 7L), delta, "b did not change: no sample");
        assertEquals(407L + 50, t.profile().total(1));
    }

    @Test
    void stacksBeyondTheBoundAreFoldedAndCountedWhileKnownStacksKeepGrowing() {
        StackTable t = new StackTable(Kind.ALLOC);
        t.add(part(Map.of("main;known", new long[] {1, 10})));
        long added = 10;
        int i = 0;
        while (t.foldedStacks() == 0) {
            t.add(part(Map.of("main;s" + i++ + ";leaf", new long[] {1, 1})));
            added++;
        }
        assertTrue(t.nodes() <= StackTable.MAX_NODES, "nodes " + t.nodes());
        assertTrue(t.bytes() < StackTable.MAX_BYTES + 4096, "bytes " + t.bytes());
        assertTrue(i > 5000, "thousands of stacks fit: " + i);
        assertEquals(1, t.foldedStacks(), "the first stack that did not fit");
        int nodes = t.nodes();
        long[] mark = t.values();
        for (int j = 0; j < 1000; j++) {
            t.add(part(Map.of("main;new" + j + ";leaf", new long[] {1, 5}, "main;known", new long[] {1, 10})));
            added += 15;
        }
        assertEquals(nodes, t.nodes(), "nothing grows past the bound");
        assertEquals(1001, t.foldedStacks());
        Map<String, Long> all = bytes(t.profile());
        assertEquals(5001L, all.get(StackTable.OTHER));
        assertEquals(10L + 10_000, all.get("main;known"), "a stack already in the table still counts");
        assertEquals(added, t.profile().total(1), "nothing is lost: totals stay exact");
        Map<String, Long> delta = bytes(t.since(mark));
        assertEquals(Map.of(StackTable.OTHER, 5000L, "main;known", 10_000L), delta);
    }
}
