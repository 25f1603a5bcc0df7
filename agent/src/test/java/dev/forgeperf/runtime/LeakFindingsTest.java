package dev.forgeperf.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class LeakFindingsTest {
    private static final double MB = 1024 * 1024;

    /**
     * 2 s samples; heap after GC = floor(t) + a saw-tooth of promoted garbage collected every 5th
     * GC, which is an old-generation collection (heap after it = the floor).
     */
    static SampleRing.Samples history(int samples, double floorMbPerMinute, double threadsPerMinute) {
        SampleRing ring = new SampleRing(1000);
        for (int i = 0; i < samples; i++) {
            long t = 10_000 + i * 2_000L;
            double[] v = new double[Series.count()];
            Arrays.fill(v, Double.NaN);
            double floor = 50 * MB + floorMbPerMinute * MB * (t - 10_000) / 60_000.0;
            double saw = (i % 5) * 8 * MB;
            v[Series.HEAP_AFTER_GC.ordinal()] = floor + saw;
            v[Series.LAST_GC_UPTIME.ordinal()] = t - 500;
            long oldGc = 10_000 + (i / 5) * 5 * 2_000L;
            v[Series.HEAP_LIVE.ordinal()] = 50 * MB + floorMbPerMinute * MB * (oldGc - 10_000) / 60_000.0;
            v[Series.LIVE_GC_UPTIME.ordinal()] = oldGc - 500;
            v[Series.HEAP_MAX.ordinal()] = 1024 * MB;
            v[Series.THREADS.ordinal()] = 40 + (i % 3) + Math.floor(threadsPerMinute * (t - 10_000) / 60_000.0);
            v[Series.CLASSES_LOADED.ordinal()] = 5000;
            v[Series.METASPACE_USED.ordinal()] = 30 * MB;
            ring.add(t, t, v);
        }
        return ring.snapshot(0);
    }

    @Test
    void leastSquaresSlopeAndFit() {
        double[] fit = LeakFindings.leastSquares(new double[] {0, 1, 2, 3}, new double[] {1, 3, 5, 7});
        assertEquals(2, fit[0], 1e-12);
        assertEquals(1, fit[1], 1e-12);
        double[] flat = LeakFindings.leastSquares(new double[] {0, 1, 2}, new double[] {4, 4, 4});
        assertEquals(0, flat[0], 1e-12);
        assertEquals(0, flat[1], 1e-12);
    }

    @Test
    void aRisingFloorUnderTheSawToothIsAHeapLeak() {
        SampleRing.Samples s = history(60, 30, 0); // 2 minutes, 30 MB/min
        LeakFindings.Trend t = LeakFindings.liveHeapTrend(s);
        assertEquals(30, t.perMinute() / MB, 3);
        List<LeakFindings.Finding> f = LeakFindings.analyze(s);
        assertEquals(1, f.size(), f::toString);
        assertEquals("heap", f.get(0).kind());
        assertTrue(f.get(0).message().startsWith("likely heap leak: heap after old-generation GCs rising"), f.get(0).message());
        assertEquals("rising", LeakFindings.heapCheck(s).status());
        assertTrue(f.get(0).message().contains("of 1.00 GB max; at this rate the heap is full in ~"), f.get(0).message());
    }

    @Test
    void aFlatFloorUnderTheSawToothIsNoLeak() {
        assertEquals(List.of(), LeakFindings.find(history(60, 0, 0)));
    }

    /**
     * Medium-lived data promoted and dying in the old generation: the heap after young collections
     * rises 40 MB/min for 3 minutes (what the healthy app of issue 9 showed), while every
     * old-generation collection comes back to the same 60 MB.
     */
    @Test
    void heapAfterYoungCollectionsRisingBetweenOldCollectionsIsNoLeak() {
        SampleRing ring = new SampleRing(1000);
        for (int i = 0; i < 90; i++) {
            long t = 2_000 + i * 2_000L;
            double[] v = new double[Series.count()];
            Arrays.fill(v, Double.NaN);
            long sinceOld = (t - 2_000) % 60_000;
            v[Series.HEAP_AFTER_GC.ordinal()] = 60 * MB + 40 * MB * (t - 2_000) / 60_000.0 * 0.9 + sinceOld / 60_000.0 * 4 * MB;
            v[Series.LAST_GC_UPTIME.ordinal()] = t - 300;
            v[Series.HEAP_LIVE.ordinal()] = (60 + (i % 3)) * MB;
            v[Series.LIVE_GC_UPTIME.ordinal()] = t - sinceOld;
            v[Series.HEAP_MAX.ordinal()] = 512 * MB;
            ring.add(t, t, v);
        }
        SampleRing.Samples s = ring.snapshot(0);
        assertEquals(List.of(), LeakFindings.find(s));
        LeakFindings.HeapCheck c = LeakFindings.heapCheck(s);
        assertEquals("steady", c.status(), c::toString);
        assertEquals(3, c.oldCollections(), c::toString);
    }

    @Test
    void withoutOldGenerationCollectionsTheVerdictIsNotEnoughData() {
        // the heap after young collections rises steeply, but no old-generation collection ran
        SampleRing ring = new SampleRing(1000);
        for (int i = 0; i < 60; i++) {
            long t = 2_000 + i * 2_000L;
            double[] v = new double[Series.count()];
            Arrays.fill(v, Double.NaN);
            v[Series.HEAP_AFTER_GC.ordinal()] = 20 * MB + i * MB;
            v[Series.LAST_GC_UPTIME.ordinal()] = t - 300;
            v[Series.HEAP_MAX.ordinal()] = 512 * MB;
            if (i >= 40) { // then two
                v[Series.HEAP_LIVE.ordinal()] = (i >= 50 ? 30 : 25) * MB;
                v[Series.LIVE_GC_UPTIME.ordinal()] = i >= 50 ? 101_000 : 81_000;
            }
            ring.add(t, t, v);
        }
        SampleRing.Samples s = ring.snapshot(0);
        assertEquals(List.of(), LeakFindings.find(s));
        LeakFindings.HeapCheck c = LeakFindings.heapCheck(s);
        assertEquals("not enough data", c.status(), c::toString);
        assertEquals(2, c.oldCollections());
        assertTrue(c.message().startsWith("heap leak check: not enough data: 2 old-generation collections in the last 1m 58s"), c.message());
    }

    @Test
    void anOldCollectionBeforeTheWindowDoesNotStretchTheTrend() {
        SampleRing ring = new SampleRing(1000);
        for (int i = 0; i < 30; i++) {
            long t = 600_000 + i * 2_000L;
            double[] v = new double[Series.count()];
            Arrays.fill(v, Double.NaN);
            v[Series.HEAP_LIVE.ordinal()] = 10 * MB;
            v[Series.LIVE_GC_UPTIME.ordinal()] = 1_000; // at startup, ten minutes before the window
            ring.add(t, t, v);
        }
        assertEquals(0, LeakFindings.heapCheck(ring.snapshot(0)).oldCollections());
    }

    /**
     * What a saturated CPU showed with G1 and flat live data: three mixed collections 6 s apart
     * leaving 9.4 MB more each time (46.8 MB/min, R² 1.00) while the concurrent cycle lagged, then
     * the heap after them back where it was. Over 12 s that is no verdict; once the collections
     * span 30 s the climb and its fall are both in the window: steady.
     */
    @Test
    void aClimbOfMixedCollectionsOverLessThanThirtySecondsIsNoFinding() {
        SampleRing ring = new SampleRing(1000);
        double[] liveMb = {20, 24.7, 29.4, 20.5, 20.2, 20.4, 20.1};
        for (int i = 0; i < 45; i++) {
            long t = 10_000 + i * 1_000L;
            double[] v = new double[Series.count()];
            Arrays.fill(v, Double.NaN);
            int gc = Math.min(liveMb.length - 1, i / 6);
            v[Series.HEAP_LIVE.ordinal()] = liveMb[gc] * MB;
            v[Series.LIVE_GC_UPTIME.ordinal()] = 9_500 + gc * 6_000L;
            v[Series.HEAP_MAX.ordinal()] = 64 * MB;
            ring.add(t, t, v);
            SampleRing.Samples s = ring.snapshot(0);
            LeakFindings.HeapCheck c = LeakFindings.heapCheck(s);
            assertEquals(List.of(), LeakFindings.find(s), () -> "after " + s.spanMillis() + " ms");
            assertTrue(c.spanMillis() >= 30_000 ? c.status().equals("steady") : c.status().equals("not enough data"), c::toString);
        }
        // the same climb kept up for 36 s is a finding
        SampleRing leak = new SampleRing(1000);
        for (int i = 0; i < 45; i++) {
            long t = 10_000 + i * 1_000L;
            double[] v = new double[Series.count()];
            Arrays.fill(v, Double.NaN);
            int gc = i / 6;
            v[Series.HEAP_LIVE.ordinal()] = (20 + 4.7 * gc) * MB;
            v[Series.LIVE_GC_UPTIME.ordinal()] = 9_500 + gc * 6_000L;
            v[Series.HEAP_MAX.ordinal()] = 64 * MB;
            leak.add(t, t, v);
        }
        List<LeakFindings.Finding> f = LeakFindings.analyze(leak.snapshot(0));
        assertEquals(1, f.size(), f::toString);
        assertEquals(47, f.get(0).perMinute(), 1, f::toString);
    }

    @Test
    void tooShortAWindowSaysNothing() {
        assertEquals(List.of(), LeakFindings.find(history(4, 300, 0))); // 6 s
        assertEquals(List.of(), LeakFindings.find(SampleRing.Samples.empty()));
    }

    @Test
    void aOneTimeStepIsNoLeak() {
        // classes loaded and threads started in the first seconds, then flat for two minutes
        SampleRing ring = new SampleRing(1000);
        for (int i = 0; i < 70; i++) {
            long t = 1_000 + i * 2_000L;
            double[] v = new double[Series.count()];
            Arrays.fill(v, Double.NaN);
            v[Series.CLASSES_LOADED.ordinal()] = i < 8 ? 1200 + i * 120 : 2128;
            v[Series.THREADS.ordinal()] = i < 8 ? 6 + i * 5 : 46;
            v[Series.HEAP_AFTER_GC.ordinal()] = (i < 8 ? 3 + i * 4 : 35) * MB;
            v[Series.LAST_GC_UPTIME.ordinal()] = t - 100;
            v[Series.HEAP_MAX.ordinal()] = 256 * MB;
            ring.add(t, t, v);
        }
        SampleRing.Samples s = ring.snapshot(0);
        assertTrue(LeakFindings.trend(s, Series.CLASSES_LOADED).r2() > 0.3, "a step still fits a line somewhat");
        assertEquals(List.of(), LeakFindings.find(s));
    }

    @Test
    void sustainedMeansEveryThirdRises() {
        double[] x = {0, 1, 2, 3, 4, 5};
        assertTrue(LeakFindings.sustained(x, new double[] {0, 1, 2, 3, 4, 5}, 0, 5));
        assertFalse(LeakFindings.sustained(x, new double[] {0, 5, 5, 5, 5, 5}, 0, 5));
        assertFalse(LeakFindings.sustained(x, new double[] {0, 0, 0, 0, 0, 5}, 0, 5));
        assertFalse(LeakFindings.sustained(x, new double[] {5, 4, 3, 2, 1, 0}, 0, 5));
    }

    @Test
    void risingThreadsAreAThreadLeak() {
        List<LeakFindings.Finding> f = LeakFindings.analyze(history(60, 0, 30)); // 2 minutes, +30 threads/min
        assertEquals(1, f.size(), f::toString);
        assertEquals("threads", f.get(0).kind());
        assertTrue(f.get(0).message().contains("from 40 to"), f.get(0).message());
    }
}
