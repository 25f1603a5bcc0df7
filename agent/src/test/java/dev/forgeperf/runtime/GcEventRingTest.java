package dev.forgeperf.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The ring of collections behind {@link GcMonitor}, fed directly: causes bounded, pauses told from cycles and forced collections. */
class GcEventRingTest {
    private static final String YOUNG = "G1 Young Generation";
    private static final String CYCLES = "ZGC Cycles";

    private static GcEventRing ring() {
        return new GcEventRing(new String[] {YOUNG, CYCLES}, new boolean[] {false, true});
    }

    /** Distinct GC causes are bounded: past the cap a new cause is "other" and the map no longer grows. */
    @Test
    void gcCausesAreBounded() {
        GcEventRing ring = ring();
        assertEquals("Allocation Failure", ring.cause("Allocation Failure"));
        for (int i = 0; i < 10 * GcEventRing.MAX_CAUSES; i++) {
            String got = ring.cause("cause " + i);
            assertEquals(i < GcEventRing.MAX_CAUSES - 1 ? "cause " + i : "other", got, "cause " + i);
        }
        assertEquals("Allocation Failure", ring.cause("Allocation Failure"), "a known cause stays itself past the cap");
        assertNull(ring.cause(null));
        assertEquals(GcEventRing.MAX_CAUSES, ring.causesKept());
    }

    /** Pauses are stop-the-world collections not forced by a diagnostic tool; recent lists them all, newest first. */
    @Test
    void pausesLeaveOutConcurrentCyclesAndForcedCollections() {
        GcEventRing ring = ring();
        ring.add(1_000, 5, 0, 100, 50, ring.cause("G1 Evacuation Pause"));
        ring.add(2_000, 700, 1, 100, 40, ring.cause("Proactive"));
        ring.add(3_000, 90, 0, 100, 30, ring.cause("Heap Inspection Initiated GC"));
        ring.add(4_000, 20, 0, 100, 20, ring.cause("System.gc()"));
        assertEquals(4, ring.events());

        GcPauses all = ring.pauses(0);
        assertEquals(2, all.count());
        assertEquals(25, all.totalMillis());
        assertEquals(20, all.max());
        assertEquals(4_000, all.maxEndUptime());
        assertFalse(all.truncated);
        assertEquals(1, ring.pauses(1_001).count());
        assertEquals(20, ring.longestPauseSince(0));
        assertEquals(-1, ring.longestPauseSince(4_001));

        List<GcMonitor.Event> recent = ring.recent(10);
        assertEquals(4, recent.size());
        assertEquals(new GcMonitor.Event(YOUNG, true, "System.gc()", 20, 4_000, 100, 20), recent.get(0));
        assertFalse(recent.get(1).pause(), "forced by a class histogram");
        assertFalse(recent.get(2).pause(), "a concurrent cycle");
        assertEquals(CYCLES, recent.get(2).collector());
    }

    /** Full, the ring overwrites its oldest events and says when a window reaches past what it holds. */
    @Test
    void aFullRingOverwritesTheOldest() {
        GcEventRing ring = ring();
        for (int i = 1; i <= GcEventRing.CAPACITY + 10; i++) {
            ring.add(i, i % 7, 0, 2, 1, null);
        }
        assertEquals(GcEventRing.CAPACITY + 10, ring.events());
        GcPauses held = ring.pauses(0);
        assertEquals(GcEventRing.CAPACITY, held.count());
        assertTrue(held.truncated, "pauses 1..10 are gone");
        assertFalse(ring.pauses(11).truncated, "the window starts at the oldest held");
        assertEquals(GcEventRing.CAPACITY + 10, ring.recent(1).get(0).endUptimeMillis());
        assertEquals(GcEventRing.CAPACITY, ring.recent(Integer.MAX_VALUE).size());
    }
}
