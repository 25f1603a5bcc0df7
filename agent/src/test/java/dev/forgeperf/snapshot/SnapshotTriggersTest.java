package dev.forgeperf.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.runtime.Series;

class SnapshotTriggersTest {
    @TempDir
    Path tmp;

    @Test
    void parsesEveryMetric() {
        Trigger heap = Trigger.parse("heap>90%:snapshot");
        assertEquals(Trigger.Metric.heap, heap.metric());
        assertEquals(90, heap.threshold());
        assertFalse(heap.holds(90));
        assertTrue(heap.holds(90.5));
        assertFalse(heap.holds(Double.NaN));
        assertTrue(Trigger.parse("heap >= 90").holds(90));
        assertEquals(500, Trigger.parse("threads>500").threshold());
        assertEquals(1000, Trigger.parse("gcPause>1s:snapshot").threshold());
        assertEquals(250, Trigger.parse("gcPause>250ms").threshold());
        assertEquals(20, Trigger.parse("gcCpu>20%").threshold());
        Trigger d = Trigger.parse("deadlock:snapshot");
        assertEquals(Trigger.Metric.deadlock, d.metric());
        assertTrue(d.holds(1));
        assertEquals("heap>90%:snapshot", heap.toString());
    }

    @Test
    void malformedTriggersSayWhatIsExpected() {
        assertEquals("unknown metric 'cpu' (heap, threads, gcPause, gcCpu or deadlock)",
                assertThrows(IllegalArgumentException.class, () -> Trigger.parse("cpu>90%")).getMessage());
        assertEquals("unknown action 'restart' (the action is snapshot)",
                assertThrows(IllegalArgumentException.class, () -> Trigger.parse("heap>90%:restart")).getMessage());
        assertEquals("'190%' is not a percentage from 0 to 100 (e.g. 90%)",
                assertThrows(IllegalArgumentException.class, () -> Trigger.parse("heap>190%")).getMessage());
        assertEquals("expected threads>VALUE or threads>=VALUE", assertThrows(IllegalArgumentException.class, () -> Trigger.parse("threads<5")).getMessage());
        assertEquals("expected heap>VALUE or heap>=VALUE", assertThrows(IllegalArgumentException.class, () -> Trigger.parse("heap")).getMessage());
        assertEquals("'many' is not a thread count (e.g. 500)", assertThrows(IllegalArgumentException.class, () -> Trigger.parse("threads>many")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Trigger.parse("gcPause>soon"));
        assertThrows(IllegalArgumentException.class, () -> Trigger.parse("deadlock>3"));
    }

    @Test
    void optionsWithoutValidTriggersMakeNone() {
        assertNull(SnapshotTriggers.fromOptions(AgentOptions.parse(""), 1, t -> Map.of()));
        assertNull(SnapshotTriggers.fromOptions(AgentOptions.parse("trigger=nonsense"), 1, t -> Map.of()));
        SnapshotTriggers t = SnapshotTriggers.fromOptions(AgentOptions.parse("trigger=threads>1,trigger=bad,trigger.dir=" + tmp), 1, x -> Map.of());
        assertNotNull(t);
        assertEquals(tmp.toAbsolutePath(), t.dir());
        assertTrue(t.describe().startsWith("threads>1 → " + tmp.toAbsolutePath() + " (keep 5, at most one per 5m 0s); not fired yet"), t.describe());
        AgentOptions bad = AgentOptions.parse("trigger.keep=0,trigger.minInterval=soon");
        assertEquals(2, bad.warnings().size(), bad.warnings()::toString);
    }

    /** A sample whose live heap (after the last old-generation GC, at uptime 1 s) and heap after the last (young) GC are both {@code liveHeapPercent}. */
    private static double[] sample(int threads, double liveHeapPercent) {
        return sample(threads, liveHeapPercent, liveHeapPercent);
    }

    private static double[] sample(int threads, double liveHeapPercent, double heapAfterYoungGcPercent) {
        double[] v = new double[Series.count()];
        Arrays.fill(v, Double.NaN);
        v[Series.THREADS.ordinal()] = threads;
        v[Series.HEAP_MAX.ordinal()] = 1000;
        v[Series.HEAP_AFTER_GC.ordinal()] = heapAfterYoungGcPercent * 10;
        if (!Double.isNaN(liveHeapPercent)) {
            v[Series.HEAP_LIVE.ordinal()] = liveHeapPercent * 10;
            v[Series.LIVE_GC_UPTIME.ordinal()] = 1_000;
        }
        return v;
    }

    @Test
    void theHeapTriggerJudgesTheLiveHeapNotTheHeapAfterAYoungGc() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch gate = new CountDownLatch(1);
        SnapshotTriggers t = new SnapshotTriggers(List.of(Trigger.parse("heap>90%")), tmp.resolve("h"), 0, 5, 1, fake(calls, gate));
        // a firing is decided inside sampled() and holds busy() until the (gated) writer returns
        t.sampled(2_000, sample(10, Double.NaN, 97)); // no old-generation collection yet: not enough data, never a firing
        assertFalse(t.busy(), t::describe);
        t.sampled(3_000, sample(10, 40, 97)); // dead old objects a young GC left in place
        assertFalse(t.busy(), t::describe);
        t.sampled(4_000, sample(10, 95, 60));
        assertTrue(t.busy(), t::describe);
        gate.countDown();
        awaitDone(t, 1);
        assertEquals("live heap 95% of max (after the last old-generation GC), measured 3s ago", t.last().measured());
    }

    /** A writer that makes the folder with a marker file, counting its calls. */
    private static SnapshotTriggers.Writer fake(AtomicInteger calls, CountDownLatch gate) {
        return target -> {
            calls.incrementAndGet();
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Files.createDirectory(target);
            Files.writeString(target.resolve("manifest.json"), "{}");
            return Map.of("metrics", "ok");
        };
    }

    private static void awaitDone(SnapshotTriggers t, int firings) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // a hang bound, not a speed test
        while (System.nanoTime() < deadline) {
            SnapshotTriggers.Firing f = t.last();
            if (f != null && f.outcome() != null && !t.busy() && t.describe().contains("fired " + firings + " time")) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("not fired " + firings + " times: " + t.describe());
    }

    @Test
    void firesWhenAConditionHoldsAtMostOncePerIntervalNeverTwiceAtOnceAndKeepsTheNewest() throws Exception {
        Path dir = tmp.resolve("snaps");
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch gate = new CountDownLatch(1);
        SnapshotTriggers t = new SnapshotTriggers(List.of(Trigger.parse("heap>90%"), Trigger.parse("threads>100")), dir, 0, 2, 4242, fake(calls, gate));
        t.sampled(1_000, sample(50, 50));
        // a firing is decided inside sampled() and holds busy() until the (gated) writer returns
        assertFalse(t.busy(), "no condition holds: " + t.describe());
        assertNull(t.last());
        t.sampled(2_000, sample(150, 50));
        for (int i = 0; i < 5; i++) {
            t.sampled(3_000 + i, sample(150, 95)); // while the first snapshot is being written: nothing
        }
        gate.countDown();
        awaitDone(t, 1);
        assertEquals(1, calls.get());
        SnapshotTriggers.Firing f = t.last();
        assertEquals("threads>100", f.trigger());
        assertEquals("150 live threads", f.measured());
        assertEquals("ok", f.outcome());
        assertTrue(f.folder().getFileName().toString().matches("4242-\\d{8}-\\d{6}-\\d{3}-threads"), f.folder()::toString);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));

        for (int i = 2; i <= 4; i++) {
            t.sampled(10_000L * i, sample(50, 95));
            awaitDone(t, i);
        }
        assertEquals(4, calls.get());
        assertEquals("live heap 95% of max (after the last old-generation GC), measured 39s ago", t.last().measured());
        Files.createDirectory(dir.resolve("999-20260101-000000-000-heap")); // another JVM's: not ours to remove
        t.sampled(60_000, sample(50, 95));
        awaitDone(t, 5);
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(3, names.size(), names::toString);
            assertTrue(names.contains("999-20260101-000000-000-heap"));
            assertTrue(names.contains(t.last().folder().getFileName().toString()));
        }
        assertTrue(t.describe().contains("fired 5 times, last at "), t.describe());
    }

    @Test
    void theMinimumIntervalHoldsOffFurtherSnapshots() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch later = new CountDownLatch(1);
        // the first snapshot is written at once; any later one would block, holding busy() true
        SnapshotTriggers t = new SnapshotTriggers(List.of(Trigger.parse("threads>1")), tmp.resolve("s"), TimeUnit.MINUTES.toNanos(5), 5, 1,
                target -> {
                    if (calls.incrementAndGet() > 1) {
                        try {
                            later.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    Files.createDirectory(target);
                    return Map.of("metrics", "ok");
                });
        t.sampled(1_000, sample(10, 0));
        awaitDone(t, 1);
        try {
            for (int i = 0; i < 20; i++) {
                t.sampled(2_000 + i * 1_000, sample(10, 0));
                assertFalse(t.busy(), "a second snapshot within the minimum interval: " + t.describe());
            }
            assertEquals(1, calls.get());
        } finally {
            later.countDown();
        }
    }

    @Test
    void aFailedSnapshotIsReportedAndTheNextOneStillComes() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SnapshotTriggers t = new SnapshotTriggers(List.of(Trigger.parse("threads>1")), tmp.resolve("s"), 0, 5, 1, target -> {
            if (calls.incrementAndGet() == 1) {
                throw new IOException("disk full");
            }
            Files.createDirectory(target);
            return Map.of("heap", "no space", "metrics", "ok");
        });
        t.sampled(1_000, sample(10, 0));
        awaitDone(t, 0);
        assertEquals("failed: disk full", t.last().outcome());
        t.sampled(2_000, sample(10, 0));
        awaitDone(t, 1);
        assertEquals("1 parts missing", t.last().outcome());
    }
}
