package dev.forgeperf.livetest;

import java.util.ArrayList;
import java.util.List;

/**
 * Allocations with a known answer for {@code LiveObjectsReadTest}, outside forge-perf's own packages
 * (objects allocated with the agent's code on the stack are left out of live-object profiles).
 */
public final class KnownAllocations {
    public static final List<int[]> KEPT = new ArrayList<>();
    static volatile Object sink;

    private KnownAllocations() {
    }

    /** Keeps one {@code int[1000]} (16 + 4,000 bytes). */
    public static void keepKnownArrays() {
        KEPT.add(new int[1000]);
    }

    /** Allocates one {@code int[1000]} that dies at once. */
    public static void dropGarbage() {
        sink = new int[1000];
    }
}
