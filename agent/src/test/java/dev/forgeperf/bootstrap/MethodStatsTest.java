package dev.forgeperf.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MethodStatsTest {

    private static final double[] QS = {
        0, 0.1, 1, 5, 10, 25, 33.3, 50, 66.6, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100
    };

    /** Exact value at rank ceil(q/100*n) (q=0: min), the definition the histogram follows. */
    private static long exactPercentile(long[] sorted, double q) {
        if (q == 0) {
            return sorted[0];
        }
        long rank = (long) Math.ceil(q / 100.0 * sorted.length);
        rank = Math.max(1, Math.min(sorted.length, rank));
        return sorted[(int) (rank - 1)];
    }

    private static void assertPercentilesWithin1Percent(long[] values) {
        MethodStats stats = new MethodStats("test");
        for (long v : values) {
            stats.record(v, false);
        }
        TimingSnapshot snap = stats.snapshot();
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        for (double q : QS) {
            long exact = exactPercentile(sorted, q);
            long reported = snap.percentile(q);
            assertWithin1Percent(exact, reported, "q=" + q);
        }
        assertEquals(snap.p50(), snap.percentile(50));
        assertEquals(snap.p90(), snap.percentile(90));
        assertEquals(snap.p99(), snap.percentile(99));
        assertEquals(snap.p999(), snap.percentile(99.9));
    }

    private static void assertWithin1Percent(long exact, long reported, String what) {
        double err = exact == 0 ? reported : Math.abs(reported - exact) / (double) exact;
        assertTrue(err <= 0.01, what + ": exact=" + exact + " reported=" + reported + " err=" + err);
    }

    @Test
    void uniformDistributionPercentilesWithin1Percent() {
        Random r = new Random(42);
        long[] values = new long[200_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) (r.nextDouble() * 10_000_000L);
        }
        assertPercentilesWithin1Percent(values);
    }

    @Test
    void smallUniformValuesAreExact() {
        Random r = new Random(7);
        long[] values = new long[10_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextInt(128);
        }
        MethodStats stats = new MethodStats("small");
        for (long v : values) {
            stats.record(v, false);
        }
        TimingSnapshot snap = stats.snapshot();
        Arrays.sort(values);
        for (double q : QS) {
            assertEquals(exactPercentile(values, q), snap.percentile(q), "q=" + q);
        }
    }

    @Test
    void exponentialDistributionPercentilesWithin1Percent() {
        Random r = new Random(4242);
        long[] values = new long[200_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) (-50_000.0 * Math.log(1.0 - r.nextDouble()));
        }
        assertPercentilesWithin1Percent(values);
    }

    @Test
    void logUniformDistributionAcrossWholeRange() {
        Random r = new Random(99);
        long[] values = new long[100_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) Math.pow(2, r.nextDouble() * 40.9);
        }
        assertPercentilesWithin1Percent(values);
    }

    @Test
    void bucketEdgesMapToBucketsWithin1Percent() {
        List<Long> edges = new ArrayList<>();
        for (long x : new long[] {0, 1, 2, 126, 127, 128, 129, 254, 255, 256, 257, 258, 383, 384, 511,
                512, 513, 1023, 1024, 1025}) {
            edges.add(x);
        }
        for (int e = 8; e <= 40; e++) {
            long p = 1L << e;
            edges.add(p - 1);
            edges.add(p);
            edges.add(p + 1);
            edges.add(p + (p >> 7) - 1); // last value of the first sub-bucket
            edges.add(p + (p >> 7));     // first value of the second sub-bucket
        }
        edges.add(Buckets.MAX_TRACKABLE_NANOS);
        for (long v : edges) {
            int idx = Buckets.bucketIndex(v);
            assertTrue(Buckets.lowestValue(idx) <= v && v <= Buckets.highestValue(idx),
                    "value " + v + " outside its bucket " + idx);
            assertWithin1Percent(v, Buckets.representativeValue(idx), "edge " + v);
        }
        assertEquals(Buckets.BUCKETS - 1, Buckets.bucketIndex(Buckets.MAX_TRACKABLE_NANOS));
        assertEquals(Buckets.BUCKETS - 1, Buckets.bucketIndex(Long.MAX_VALUE));
        assertEquals(0, Buckets.bucketIndex(-5));
    }

    @Test
    void bucketsAreContiguousAndPrecise() {
        long expectedLow = 0;
        for (int idx = 0; idx < Buckets.BUCKETS; idx++) {
            assertEquals(expectedLow, Buckets.lowestValue(idx), "bucket " + idx);
            long low = Buckets.lowestValue(idx);
            long high = Buckets.highestValue(idx);
            assertEquals(idx, Buckets.bucketIndex(low));
            assertEquals(idx, Buckets.bucketIndex(high));
            if (high > low) { // linear buckets (values < 128) are exact: width 1
                assertTrue((high - low + 1) / (double) low <= 1.0 / 64, "bucket width " + idx);
                // the midpoint is within the documented error of every value in the bucket
                assertTrue((high - low + 1) / 2.0 / low <= 1.0 / Buckets.PERCENTILE_ERROR_DIVISOR, "bucket error " + idx);
            }
            expectedLow = high + 1;
        }
        assertEquals(Buckets.MAX_TRACKABLE_NANOS + 1, expectedLow);
    }

    @Test
    void constantValuesAtBucketEdges() {
        long[] pairs = {255, 256, 511, 512, 1L << 20, (1L << 20) + 1, (1L << 40) - 1, 1L << 40};
        for (int i = 0; i < pairs.length; i += 2) {
            long a = pairs[i];
            long b = pairs[i + 1];
            MethodStats stats = new MethodStats("edges");
            for (int k = 0; k < 1000; k++) {
                stats.record(a, false);
                stats.record(b, false);
            }
            TimingSnapshot s = stats.snapshot();
            assertEquals(2000, s.count());
            assertEquals(a, s.minNanos());
            assertEquals(b, s.maxNanos());
            assertEquals(1000 * (a + b), s.totalNanos());
            assertWithin1Percent(a, s.percentile(25), "p25 of " + a + "/" + b);
            assertWithin1Percent(a, s.percentile(50), "p50 of " + a + "/" + b);
            assertWithin1Percent(b, s.percentile(50.01), "p50.01 of " + a + "/" + b);
            assertWithin1Percent(b, s.p99(), "p99 of " + a + "/" + b);
        }
    }

    @Test
    void veryLargeValues() {
        MethodStats stats = new MethodStats("large");
        long[] values = new long[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 100_000_000_000L + i * 1_000_000_000L; // 100 s .. ~1100 s, up to ~2^40
        }
        for (long v : values) {
            stats.record(v, false);
        }
        TimingSnapshot s = stats.snapshot();
        for (double q : QS) {
            assertWithin1Percent(exactPercentile(values, q), s.percentile(q), "q=" + q);
        }

        // beyond the histogram range: clamped into the top bucket, but max/total stay exact
        long huge = 1L << 50;
        stats.record(huge, false);
        stats.record(Long.MAX_VALUE / 4, false);
        TimingSnapshot s2 = stats.snapshot();
        assertEquals(1002, s2.count());
        assertEquals(Long.MAX_VALUE / 4, s2.maxNanos());
        assertEquals(Long.MAX_VALUE / 4, s2.percentile(100));
        long sum = Arrays.stream(values).sum() + huge + Long.MAX_VALUE / 4;
        assertEquals(sum, s2.totalNanos());
        assertWithin1Percent(exactPercentile(values, 50), s2.p50(), "p50 with outliers");
    }

    @Test
    void exactCountMinMaxTotalMean() {
        MethodStats stats = new MethodStats("com.acme.OrderService#handle(java.lang.String)");
        long[] values = {1234, 5, 99_999, 1_000_000_007L, 42, 0, 777};
        long sum = 0;
        for (long v : values) {
            stats.record(v, false);
            sum += v;
        }
        TimingSnapshot s = stats.snapshot();
        assertEquals("com.acme.OrderService#handle(java.lang.String)", s.name());
        assertEquals(values.length, s.count());
        assertEquals(values.length, s.timedCount());
        assertFalse(s.sampled());
        assertEquals(0, s.errors());
        assertEquals(0, s.minNanos());
        assertEquals(1_000_000_007L, s.maxNanos());
        assertEquals(sum, s.totalNanos());
        assertEquals(sum / (double) values.length, s.meanNanos(), 1e-6);
        assertEquals(0, s.percentile(0));
        assertEquals(1_000_000_007L, s.percentile(100));
    }

    /**
     * Calls below {@code LINEAR_LIMIT} never touch the counter header: their min, max and sum come
     * from the one-value buckets. Checked against exact values for short-only, long-only and mixed
     * runs, and after folding one method into another.
     */
    @Test
    void minMaxAndTotalExactWhetherCallsAreShortLongOrMixed() {
        Random r = new Random(42);
        for (int round = 0; round < 300; round++) {
            MethodStats stats = new MethodStats("m");
            int n = 1 + r.nextInt(50);
            int kind = round % 3; // 0: short only, 1: long only, 2: mixed
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            long sum = 0;
            for (int k = 0; k < n; k++) {
                boolean shortCall = kind == 0 || (kind == 2 && r.nextBoolean());
                long v = shortCall ? r.nextInt(Buckets.LINEAR_LIMIT)
                        : Buckets.LINEAR_LIMIT + (long) (r.nextDouble() * 10_000_000L);
                stats.record(v, false);
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
            }
            TimingSnapshot s = stats.snapshot();
            assertEquals(n, s.count(), "round " + round);
            assertEquals(min, s.minNanos(), "min, round " + round);
            assertEquals(max, s.maxNanos(), "max, round " + round);
            assertEquals(sum, s.totalNanos(), "total, round " + round);

            MethodStats folded = new MethodStats("f");
            folded.record(Buckets.LINEAR_LIMIT + 5, false);
            folded.add(s);
            TimingSnapshot f = folded.snapshot();
            assertEquals(n + 1, f.count());
            assertEquals(Math.min(min, Buckets.LINEAR_LIMIT + 5), f.minNanos(), "folded min, round " + round);
            assertEquals(Math.max(max, Buckets.LINEAR_LIMIT + 5), f.maxNanos(), "folded max, round " + round);
            assertEquals(sum + Buckets.LINEAR_LIMIT + 5, f.totalNanos(), "folded total, round " + round);
        }
    }

    @Test
    void negativeValuesClampToZero() {
        MethodStats stats = new MethodStats("neg");
        stats.record(-100, false);
        stats.record(10, false);
        TimingSnapshot s = stats.snapshot();
        assertEquals(2, s.count());
        assertEquals(0, s.minNanos());
        assertEquals(10, s.totalNanos());
    }

    @Test
    void emptySnapshot() {
        TimingSnapshot s = new MethodStats("empty").snapshot();
        assertEquals(0, s.count());
        assertEquals(0, s.timedCount());
        assertEquals(0, s.totalNanos());
        assertEquals(0, s.minNanos());
        assertEquals(0, s.maxNanos());
        assertEquals(0.0, s.meanNanos());
        assertEquals(0, s.p50());
        assertEquals(0, s.percentile(100));
        assertFalse(s.sampled());
    }

    @Test
    void percentileRejectsOutOfRange() {
        TimingSnapshot s = new MethodStats("x").snapshot();
        assertThrows(IllegalArgumentException.class, () -> s.percentile(-0.1));
        assertThrows(IllegalArgumentException.class, () -> s.percentile(100.1));
        assertThrows(IllegalArgumentException.class, () -> s.percentile(Double.NaN));
    }

    @Test
    void errorsCounted() {
        MethodStats stats = new MethodStats("err");
        for (int i = 0; i < 100; i++) {
            stats.record(1000 + i, i % 3 == 0);
        }
        stats.recordError();
        TimingSnapshot s = stats.snapshot();
        assertEquals(100, s.count());
        assertEquals(34 + 1, s.errors());
    }

    @Test
    void resetZeroesEverything() {
        MethodStats stats = new MethodStats("reset");
        for (int i = 0; i < 1000; i++) {
            stats.record(i * 10L, i % 2 == 0);
        }
        stats.incrementCount();
        assertEquals(1000, stats.snapshot().timedCount());
        stats.reset();
        TimingSnapshot s = stats.snapshot();
        assertEquals(0, s.count());
        assertEquals(0, s.errors());
        assertEquals(0, s.totalNanos());
        assertEquals(0, s.maxNanos());
        assertFalse(s.sampled());

        stats.record(500, true);
        TimingSnapshot s2 = stats.snapshot();
        assertEquals(1, s2.count());
        assertEquals(1, s2.errors());
        assertEquals(500, s2.minNanos());
        assertEquals(500, s2.maxNanos());
        assertEquals(500, s2.totalNanos());
    }

    @Test
    void concurrentRecordingFromFourThreadsIsExact() throws Exception {
        MethodStats stats = new MethodStats("concurrent");
        int threads = 4;
        int perThread = 250_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int offset = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        stats.record((i % 1000) + offset, i % 10 == 0);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            workers.add(w);
            w.start();
        }
        // concurrent readers must not disturb anything
        start.countDown();
        for (int i = 0; i < 20; i++) {
            TimingSnapshot s = stats.snapshot();
            assertTrue(s.count() <= (long) threads * perThread);
            assertTrue(s.p50() >= s.minNanos() && s.p50() <= s.maxNanos());
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        long expectedSum = 0;
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                expectedSum += (i % 1000) + t;
            }
        }
        TimingSnapshot s = stats.snapshot();
        assertEquals((long) threads * perThread, s.count());
        assertEquals((long) threads * perThread / 10, s.errors());
        assertEquals(expectedSum, s.totalNanos());
        assertEquals(0, s.minNanos());
        assertEquals(999 + threads - 1, s.maxNanos());
    }

    @Test
    void incrementCountReturnsPreviousPerStripeCount() {
        MethodStats stats = new MethodStats("inc");
        for (long i = 0; i < 100; i++) {
            assertEquals(i, stats.incrementCount()); // single thread: always the same stripe
        }
        TimingSnapshot s = stats.snapshot();
        assertEquals(100, s.count());
        assertEquals(0, s.timedCount());
        assertTrue(s.sampled());
    }

    @Test
    void stripeConfigurationIsSane() {
        assertTrue(MethodStats.STRIPES >= 1 && MethodStats.STRIPES <= 64);
        assertEquals(0, MethodStats.STRIPES & (MethodStats.STRIPES - 1));
        assertEquals(2304, Buckets.BUCKETS);
        assertTrue(Buckets.MAX_TRACKABLE_NANOS >= 1L << 40);
    }

    /**
     * No write waits for a lock: the first call (which installs the first stripe), growth under
     * contention and every later call complete while another thread holds the method's monitor (the
     * first call and growth used to take it).
     */
    @Test
    void writesCompleteWhileTheMonitorIsHeld() throws Exception {
        MethodStats stats = new MethodStats("m");
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            synchronized (stats) {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        holder.setDaemon(true);
        holder.start();
        held.await();
        try {
            int threads = 4;
            int calls = 200_000;
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < calls; i++) {
                        stats.record(1_000 + (i & 1023), false);
                    }
                });
                w.setDaemon(true);
                w.start();
                writers.add(w);
            }
            go.countDown();
            for (Thread w : writers) {
                w.join(120_000); // a hang bound: a writer blocked on the monitor never ends
                assertFalse(w.isAlive(), "a write waited for the monitor");
            }
            assertEquals((long) threads * calls, stats.snapshot().count());
        } finally {
            release.countDown();
        }
    }
}
