package dev.forgeperf.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class GcMonitorTest {
    /** The collector and action names JDK 17 and 25 emit (printed from their notifications). */
    @Test
    void onlyCollectionsThatReclaimTheOldGenerationReflectLiveData() {
        assertTrue(GcMonitor.reflectsLiveData("G1 Old Generation", "end of major GC"));
        assertTrue(GcMonitor.reflectsLiveData("PS MarkSweep", "end of major GC"));
        assertTrue(GcMonitor.reflectsLiveData("MarkSweepCompact", "end of major GC"));
        assertTrue(GcMonitor.reflectsLiveData("ZGC Cycles", "end of GC cycle"));
        assertTrue(GcMonitor.reflectsLiveData("ZGC Major Cycles", "end of GC cycle"));
        assertTrue(GcMonitor.reflectsLiveData("Shenandoah Cycles", "end of GC cycle"));
        assertTrue(GcMonitor.reflectsLiveData("PS MarkSweep", null), "seeded from getLastGcInfo: no action");

        assertFalse(GcMonitor.reflectsLiveData("G1 Young Generation", "end of minor GC"), "young and mixed look alike: told apart elsewhere");
        assertFalse(GcMonitor.reflectsLiveData("G1 Concurrent GC", "end of concurrent GC pause"), "Remark/Cleanup free empty regions only");
        assertFalse(GcMonitor.reflectsLiveData("PS Scavenge", "end of minor GC"));
        assertFalse(GcMonitor.reflectsLiveData("Copy", "end of minor GC"));
        assertFalse(GcMonitor.reflectsLiveData("ZGC Minor Cycles", "end of GC cycle"));
        assertFalse(GcMonitor.reflectsLiveData("ZGC Pauses", "end of GC pause"));
        assertFalse(GcMonitor.reflectsLiveData("ZGC Major Pauses", "end of GC pause"));
        assertFalse(GcMonitor.reflectsLiveData("Shenandoah Pauses", "Final Mark"));
    }

    /** A full collection of this JVM (System.gc()) is one; the notification arrives on another thread. */
    @Test
    void aFullCollectionIsAnOldGenerationCollection() {
        GcMonitor m = GcMonitor.install();
        try {
            long before = m.liveCollections();
            System.gc();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (m.liveCollections() == before && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            assertTrue(m.liveCollections() > before, "no old-generation collection seen after System.gc()");
            assertTrue(m.lastLiveHeap() > 0 && m.lastLiveHeapUptime() > 0, () -> m.lastLiveHeap() + " at " + m.lastLiveHeapUptime());
        } finally {
            m.close();
        }
    }

    /** {@code recent}: the collections notified, newest first, with their causes; bounded by its argument. */
    @Test
    void recentListsTheCollectionsNewestFirstWithTheirCauses() {
        GcMonitor m = GcMonitor.install();
        try {
            System.gc();
            System.gc();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (m.recent(GcEventRing.CAPACITY).stream().filter(e -> "System.gc()".equals(e.cause())).count() < 2 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            java.util.List<GcMonitor.Event> all = m.recent(GcEventRing.CAPACITY);
            java.util.List<GcMonitor.Event> forced = all.stream().filter(e -> "System.gc()".equals(e.cause())).toList();
            assertTrue(forced.size() >= 2, all::toString);
            for (GcMonitor.Event e : forced) {
                assertTrue(e.pause() && e.durationMillis() >= 0 && e.endUptimeMillis() > 0 && e.collector() != null, e::toString);
            }
            assertTrue(forced.get(0).endUptimeMillis() >= forced.get(1).endUptimeMillis(), () -> "the later System.gc() first: " + forced);
            assertTrue(m.recent(1).size() == 1 && m.recent(1).get(0).equals(all.get(0)), all::toString);
            assertTrue(m.recent(0).isEmpty());
            assertFalse(m.recent(-1).size() > 0);
        } finally {
            m.close();
        }
    }
}
