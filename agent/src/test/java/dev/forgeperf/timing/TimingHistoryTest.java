package dev.forgeperf.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.forgeperf.bootstrap.MethodStats;
import dev.forgeperf.bootstrap.TimingSnapshot;

/** The per-interval percentiles from two cumulative snapshots, against the exact values of a known distribution. */
class TimingHistoryTest {

    /** Exact value at rank ceil(q/100*n), the definition the histogram follows. */
    private static long exact(long[] values, double q) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        long rank = Math.max(1, Math.min(sorted.length, (long) Math.ceil(q / 100.0 * sorted.length)));
        return sorted[(int) (rank - 1)];
    }

    private static void assertWithinHistogramError(long expected, long actual, String what) {
        assertTrue(Math.abs(actual - expected) <= expected / 128 + 1, what + ": expected " + expected + " within 1/128, got " + actual);
    }

    private static long[] uniform(Random random, int n, long from, long to) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = from + (long) (random.nextDouble() * (to - from));
        }
        return v;
    }

    @Test
    void theIntervalHasThePercentilesOfItsOwnCallsNotOfTheCumulativeHistogram() {
        Random random = new Random(42);
        MethodStats stats = new MethodStats("m");
        long[] fast = uniform(random, 5000, 900_000, 1_100_000); // ~1 ms
        for (long v : fast) {
            stats.record(v, false);
        }
        TimingSnapshot before = stats.snapshot();
        long[] slow = uniform(random, 1000, 18_000_000, 22_000_000); // ~20 ms
        slow[0] = 1_000_000; // one fast call in the interval, sharing a bucket with the ones before
        for (long v : slow) {
            stats.record(v, false);
        }
        TimingSnapshot after = stats.snapshot();

        TimingHistory.Interval i = TimingHistory.Interval.between(before, after);
        assertEquals(1000, i.calls);
        assertEquals(1000, i.timed);
        assertWithinHistogramError(exact(slow, 50), i.p50Nanos(), "interval p50");
        assertWithinHistogramError(exact(slow, 99), i.p99Nanos(), "interval p99");
        long max = Arrays.stream(slow).max().getAsLong();
        assertTrue(TimingSnapshot.bucketTop(i.maxBucket) >= max && TimingSnapshot.bucketTop(i.maxBucket) - max <= max / 64,
                "max bucket's top " + TimingSnapshot.bucketTop(i.maxBucket) + " holds the interval's max " + max);
        // the cumulative median is still the fast phase's: the interval's is not
        assertTrue(after.p50() < 1_200_000, "cumulative p50 " + after.p50());

        TimingHistory.Interval first = TimingHistory.Interval.between(null, before);
        assertEquals(5000, first.calls);
        assertWithinHistogramError(exact(fast, 50), first.p50Nanos(), "first interval p50");
        assertWithinHistogramError(exact(fast, 99), first.p99Nanos(), "first interval p99");
    }

    @Test
    void noCallsInTheIntervalHaveNoPercentiles() {
        MethodStats stats = new MethodStats("m");
        stats.record(1000, false);
        TimingSnapshot s = stats.snapshot();
        TimingHistory.Interval i = TimingHistory.Interval.between(s, stats.snapshot());
        assertEquals(0, i.calls);
        assertEquals(-1, i.p50Nanos());
        assertEquals(-1, i.maxBucket);
    }

    @Test
    void aResetIsARestartNotANegativeInterval() {
        MethodStats stats = new MethodStats("m");
        for (int k = 0; k < 100; k++) {
            stats.record(5_000_000, false);
        }
        TimingSnapshot before = stats.snapshot();
        stats.reset();
        long[] after = new long[30];
        for (int k = 0; k < 30; k++) {
            after[k] = 2_000_000 + k * 1000;
            stats.record(after[k], false);
        }
        TimingHistory.Interval i = TimingHistory.Interval.between(before, stats.snapshot());
        assertEquals(30, i.calls);
        assertEquals(30, i.timed);
        assertWithinHistogramError(exact(after, 50), i.p50Nanos(), "p50 after the reset");

        // more calls after the reset than before it: the total grew, yet a bucket emptied: still a restart
        stats.reset();
        for (int k = 0; k < 200; k++) {
            stats.record(3_000_000, false);
        }
        TimingSnapshot grown = stats.snapshot();
        assertTrue(grown.count() > before.count());
        TimingHistory.Interval j = TimingHistory.Interval.between(before, grown);
        assertEquals(200, j.calls);
        assertEquals(200, j.timed);
        assertWithinHistogramError(3_000_000, j.p50Nanos(), "p50 after the second reset");
    }

    @Test
    void theHistoryKeepsOnePointPerTickForTheMostCalledMethodsWithinItsBounds() {
        List<MethodStats> all = new ArrayList<>();
        for (int m = 0; m < TimingHistory.MAX_METHODS + 8; m++) {
            all.add(new MethodStats("m" + m));
        }
        TimingHistory h = new TimingHistory(5);
        h.tick(1000, 1000, all);
        // tick 2: only m0 is called (~1 ms)
        for (int k = 0; k < 10; k++) {
            all.get(0).record(1_000_000, false);
        }
        h.tick(3000, 3000, all);
        // tick 3: m0 ~20 ms; every other method called once more than the one before, all of them more than m0
        for (int k = 0; k < 4; k++) {
            all.get(0).record(20_000_000, false);
        }
        for (int m = 1; m < all.size(); m++) {
            for (int k = 0; k < 5 + m; k++) {
                all.get(m).record(1000, false);
            }
        }
        all.get(0).reset(); // and a reset: m0's 4 calls are its interval
        for (int k = 0; k < 4; k++) {
            all.get(0).record(20_000_000, false);
        }
        h.tick(5000, 5000, all);

        Map<String, Object> m0 = h.toMap(all.get(0).name(), 0);
        List<?> points = (List<?>) m0.get("points");
        assertEquals(2, points.size());
        Map<?, ?> p1 = (Map<?, ?>) points.get(0);
        Map<?, ?> p2 = (Map<?, ?>) points.get(1);
        assertEquals(10L, p1.get("calls"));
        assertEquals(5.0, p1.get("callsPerSecond"));
        assertEquals(2000L, p1.get("intervalMillis"));
        assertWithinHistogramError(1_000_000, (Long) p1.get("p50Nanos"), "first point p50");
        assertEquals(4L, p2.get("calls"));
        assertWithinHistogramError(20_000_000, (Long) p2.get("p50Nanos"), "second point p50");
        assertWithinHistogramError(20_000_000, (Long) p2.get("p99Nanos"), "second point p99");

        // tick 3 made the TOP most called methods (the last ones) tracked beside m0; the others are not
        int last = all.size() - 1;
        assertNotNull(h.toMap(all.get(last).name(), 0));
        assertNotNull(h.toMap(all.get(last - TimingHistory.TOP + 1).name(), 0));
        assertNull(h.toMap(all.get(last - TimingHistory.TOP).name(), 0));
        assertEquals(1 + TimingHistory.TOP, h.methods().size());

        // more ticks than the capacity: the ring keeps the last 5; the series stay at most MAX_METHODS
        for (int t = 0; t < 10; t++) {
            for (int m = 1; m < all.size(); m++) {
                all.get((m + t * 7) % all.size()).record(1000 + t, false);
            }
            h.tick(7000 + t * 2000, 7000 + t * 2000, all);
        }
        assertEquals(5, ((List<?>) h.toMap(all.get(0).name(), 0).get("points")).size());
        assertEquals(3, ((List<?>) h.toMap(all.get(0).name(), 3).get("points")).size());
        assertTrue(h.methods().size() <= TimingHistory.MAX_METHODS);
        assertEquals(5L * (TimingHistory.MAX_METHODS * 14L + 24L), h.maxBytes());
    }
}
