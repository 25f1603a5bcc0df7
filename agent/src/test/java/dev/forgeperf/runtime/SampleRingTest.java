package dev.forgeperf.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class SampleRingTest {
    static double[] sample(double heap, double pauseMillis) {
        double[] v = new double[Series.count()];
        Arrays.fill(v, Double.NaN);
        v[Series.HEAP_USED.ordinal()] = heap;
        v[Series.GC_PAUSE_TIME.ordinal()] = pauseMillis;
        return v;
    }

    @Test
    void keepsTheLastCapacitySamplesOldestFirst() {
        SampleRing ring = new SampleRing(4);
        assertTrue(ring.snapshot(0).isEmpty());
        for (int i = 1; i <= 10; i++) {
            ring.add(1000L * i, 100L * i, sample(i, 0));
        }
        SampleRing.Samples s = ring.snapshot(0);
        assertEquals(4, s.size());
        assertEquals(10, s.written());
        assertArrayEquals(new double[] {7, 8, 9, 10}, s.series(Series.HEAP_USED));
        assertEquals(700, s.uptimeMillis(0));
        assertEquals(10_000, s.timeMillis(3));
        assertEquals(10, s.last(Series.HEAP_USED));
        assertArrayEquals(new double[] {9, 10}, ring.snapshot(2).series(Series.HEAP_USED));
        assertArrayEquals(new double[] {7, 8, 9, 10}, ring.snapshot(99).series(Series.HEAP_USED));
    }

    @Test
    void beforeWrappingHoldsWhatWasWritten() {
        SampleRing ring = new SampleRing(1000);
        ring.add(1, 10, sample(5, 0));
        ring.add(2, 20, sample(6, 0));
        SampleRing.Samples s = ring.snapshot(0);
        assertEquals(2, s.size());
        assertArrayEquals(new double[] {5, 6}, s.series(Series.HEAP_USED));
        assertEquals(10, s.spanMillis());
    }

    @Test
    void snapshotsAreCopies() {
        SampleRing ring = new SampleRing(2);
        ring.add(1, 1, sample(1, 0));
        SampleRing.Samples before = ring.snapshot(0);
        ring.add(2, 2, sample(2, 0));
        ring.add(3, 3, sample(3, 0));
        assertArrayEquals(new double[] {1}, before.series(Series.HEAP_USED));
    }

    @Test
    void memoryIsFixedAndStated() {
        SampleRing ring = new SampleRing(1000);
        assertEquals(1000L * (16 + 8L * Series.count()), ring.bytes());
        assertThrows(IllegalArgumentException.class, () -> new SampleRing(1));
    }

    @Test
    void windowsRatesAndGcShare() {
        SampleRing ring = new SampleRing(100);
        for (int i = 0; i <= 60; i++) {
            double[] v = sample(i, i * 10.0); // 10 ms of pause per second
            v[Series.ALLOCATED.ordinal()] = i * 1_000_000.0; // 1 MB/s
            ring.add(i * 1000L, i * 1000L, v);
        }
        SampleRing.Samples s = ring.snapshot(0);
        assertEquals(60_000, s.spanMillis());
        assertEquals(0.01, s.gcCpuFraction(), 1e-9);
        assertEquals(1_000_000, s.ratePerSecond(Series.ALLOCATED), 1e-6);
        SampleRing.Samples last10 = s.lastMillis(10_000);
        assertEquals(11, last10.size());
        assertEquals(50_000, last10.uptimeMillis(0));
        assertEquals(Double.NaN, ring.snapshot(1).gcCpuFraction());
    }

    @Test
    void sparklineScalesBetweenMinAndMax() {
        assertEquals("▁▂▃▄▅▆▇█", Sparkline.render(new double[] {0, 1, 2, 3, 4, 5, 6, 7}, 60));
        assertEquals("▁▁▁", Sparkline.render(new double[] {5, 5, 5}, 60));
        assertEquals("▁ █", Sparkline.render(new double[] {1, Double.NaN, 2}, 60));
        assertEquals(10, Sparkline.render(new double[1000], 10).length());
        assertEquals("", Sparkline.render(new double[0], 10));
    }
}
