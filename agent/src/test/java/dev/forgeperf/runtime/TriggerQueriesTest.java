package dev.forgeperf.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The non-allocating queries snapshot triggers make on every sampler tick agree with the copying ones. */
class TriggerQueriesTest {
    @Test
    void gcCpuOverLastIsTheShareOfTheLastStretchWithoutCopying() {
        SampleRing ring = new SampleRing(50);
        assertTrue(Double.isNaN(ring.gcCpuOverLast(60_000)));
        double pause = 0;
        for (int i = 0; i < 120; i++) { // wraps the ring twice; 1 s apart; pauses grow faster later on
            pause += i < 90 ? 5 : 100;
            double[] v = new double[Series.count()];
            Arrays.fill(v, Double.NaN);
            v[Series.GC_PAUSE_TIME.ordinal()] = pause;
            ring.add(1_000_000L + i * 1_000L, i * 1_000L, v);
            if (i >= 1) {
                for (long window : new long[] {1_000, 10_000, 30_000, 60_000}) {
                    assertEquals(ring.snapshot(0).lastMillis(window).gcCpuFraction(), ring.gcCpuOverLast(window), 1e-12, "i=" + i + " window=" + window);
                }
            }
        }
        assertEquals(0.1, ring.gcCpuOverLast(10_000), 1e-12);
    }
}
