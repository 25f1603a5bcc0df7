package dev.forgeperf.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The profile model's values: kept only for nodes given some, across growth, merge and remap. */
class ProfileTest {
    private static final List<SampleType> RAW = List.of(new SampleType("a", "count"), new SampleType("b", "count"),
            new SampleType("c", "count"));

    /** A chain of {@code depth} frames under the root; returns the nodes, root's child first. */
    private static int[] chain(Profile p, String prefix, int depth) {
        int[] nodes = new int[depth];
        int node = Profile.ROOT;
        for (int i = 0; i < depth; i++) {
            node = p.child(node, p.frame(p.function(prefix + i, ""), 0, FrameKind.JAVA));
            nodes[i] = node;
        }
        return nodes;
    }

    @Test
    void valuesOfLeavesSurviveTheGrowthOfNodesAndSlots() {
        Profile p = new Profile(RAW, 0);
        // 3,000 leaves (past the 256 initial slots) each under 10 inner nodes (past the 1,024 initial nodes),
        // values added while both grow, interleaved with the creation of later chains
        int[] leaves = new int[3000];
        for (int i = 0; i < leaves.length; i++) {
            int[] nodes = chain(p, "s" + i + ".", 10);
            leaves[i] = nodes[9];
            p.add(leaves[i], 1, i + 1);
            if (i > 0) {
                p.add(leaves[i - 1], 2, 7);
            }
        }
        long sum = 0;
        for (int i = 0; i < leaves.length; i++) {
            assertEquals(i + 1, p.value(leaves[i], 1));
            assertEquals(i < leaves.length - 1 ? 7 : 0, p.value(leaves[i], 2));
            assertEquals(0, p.value(leaves[i], 0));
            sum += i + 1;
        }
        assertEquals(sum, p.total(1));
        assertEquals(7L * (leaves.length - 1), p.total(2));
        assertEquals(leaves.length, p.stackCount());
        assertFalse(p.hasSamples(p.parent(leaves[5])), "an inner node no sample ends at has no values");
        assertEquals(0, p.value(p.parent(leaves[5]), 1));
    }

    @Test
    void aNodeGivenOnlyZerosHasNoSamples() {
        Profile p = new Profile(RAW, 0);
        int leaf = chain(p, "z", 3)[2];
        p.add(leaf, 0, 0);
        assertFalse(p.hasSamples(leaf));
        assertEquals(0, p.stackCount());
        p.add(leaf, 2, 5);
        assertTrue(p.hasSamples(leaf));
        assertEquals(1, p.stackCount());
    }

    @Test
    void addAllAndRemapCarryEveryValue() {
        Profile a = new Profile(RAW, 0);
        Profile b = new Profile(RAW, 0);
        int[] inA = chain(a, "x", 4);
        int[] inB = chain(b, "x", 6); // shares 4 frames with a's chain, then goes deeper
        a.add(inA[3], 0, 2);
        a.add(inA[1], 1, 3);
        b.add(inB[3], 0, 5);
        b.add(inB[5], 2, 11);
        a.addAll(b);
        assertEquals(7, a.value(inA[3], 0), "the same stack adds up");
        assertEquals(3, a.value(inA[1], 1));
        int deep = a.findChild(a.findChild(inA[3], a.frame(a.function("x4", ""), 0, FrameKind.JAVA)),
                a.frame(a.function("x5", ""), 0, FrameKind.JAVA));
        assertTrue(deep > 0, "b's deeper stack is in a");
        assertEquals(11, a.value(deep, 2));
        assertEquals(3, a.stackCount());

        a.remap(List.of(new SampleType("sum", "count")), 0, (raw, out) -> out[0] = raw[0] + raw[1] + raw[2]);
        assertEquals(7, a.value(inA[3], 0));
        assertEquals(3, a.value(inA[1], 0));
        assertEquals(11, a.value(deep, 0));
        assertEquals(21, a.total(0));
        assertEquals(0, a.value(inA[0], 0));
    }
}
