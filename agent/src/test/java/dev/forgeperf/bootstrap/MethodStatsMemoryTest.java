package dev.forgeperf.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Memory of the timing statistics: what is held, what it is checked against, the budget, growth on contention. */
class MethodStatsMemoryTest {

    @AfterEach
    void noBudget() {
        TimingBudget.setMaxBytes(Long.MAX_VALUE);
        TimingBudget.setListener(null);
    }

    /** Values spread over 5 powers of two: 1.5, 3, 6, 12, 24 microseconds. */
    private static void fiveExponents(MethodStats s) {
        for (int i = 0; i < 1000; i++) {
            s.record(1_500L << (i % 5), false);
        }
    }

    @Test
    void anUncontendedMethodHoldsOneStripeAndTheGroupsItUsesUnder8KiB() {
        MethodStats s = new MethodStats("m");
        assertEquals(0, s.bytes(), "nothing before the first call");
        fiveExponents(s);
        assertEquals(1, s.stripesHeld());
        assertEquals(MethodStats.STRIPE_BYTES + 5L * MethodStats.GROUP_BYTES, s.bytes());
        assertTrue(s.bytes() <= 8 * 1024, s.bytes() + " bytes");
        assertEquals(1000, s.snapshot().count());
        assertEquals(s.bytes(), s.snapshot().bytes());
        s.reset();
        assertEquals(0, s.bytes(), "a reset gives the memory back");
    }

    /** Calls under 512 ns count in one array of 256 counters, made at the first such call; longer ones in groups. */
    @Test
    void shortCallsShareOneArrayAndLongerOnesTakeGroups() {
        MethodStats s = new MethodStats("short");
        for (long v = 0; v < 512; v++) {
            s.record(v, false);
        }
        assertEquals(MethodStats.STRIPE_BYTES + MethodStats.SHORT_BYTES, s.bytes(), "every bucket under 512 ns in one array");
        s.record(600, false);
        s.record(1_000_000, false);
        assertEquals(MethodStats.STRIPE_BYTES + MethodStats.SHORT_BYTES + 2L * MethodStats.GROUP_BYTES, s.bytes());
        TimingSnapshot t = s.snapshot();
        assertEquals(514, t.count());
        assertEquals(511L * 512 / 2 + 600 + 1_000_000, t.totalNanos());
        assertEquals(0, t.minNanos());
        assertEquals(1_000_000, t.maxNanos());
        assertEquals(127, t.percentile(100.0 * 128 / 514), "the linear range is exact");

        MethodStats longOnly = new MethodStats("long");
        longOnly.record(5_000, false);
        assertEquals(MethodStats.STRIPE_BYTES + MethodStats.GROUP_BYTES, longOnly.bytes(), "no short array without a short call");
    }

    /**
     * The bytes a method says it holds are the bytes it allocated: the JVM's own count of the
     * bytes this thread allocated ({@code ThreadMXBean.getThreadAllocatedBytes}) is the truth.
     */
    @Test
    void accountedBytesMatchWhatTheJvmSaysWasAllocated() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().getId();
        int n = 2000;
        MethodStats[] stats = new MethodStats[n];
        for (int i = 0; i < n; i++) {
            stats[i] = new MethodStats("m" + i);
        }
        long before = threads.getThreadAllocatedBytes(me);
        for (MethodStats s : stats) {
            for (int i = 0; i < 5; i++) {
                s.record(1_500L << i, false); // 5 groups, as a method with a 1:16 spread of times
            }
        }
        long allocated = threads.getThreadAllocatedBytes(me) - before;
        long accounted = 0;
        for (MethodStats s : stats) {
            accounted += s.bytes();
        }
        double ratio = (double) accounted / allocated;
        assertTrue(ratio > 0.97 && ratio < 1.03, "accounted " + accounted + " vs allocated " + allocated + " (" + ratio + ")");
        assertTrue(accounted / n <= 8 * 1024, accounted / n + " B per method");
    }

    @Test
    void pastTheBudgetCallsAreCountedWithoutAHistogramAndSaidOnce() {
        int[] told = new int[1];
        TimingBudget.setListener(() -> told[0]++);
        MethodStats s = new MethodStats("over");
        s.record(1_000, false); // first stripe and a group
        long base = TimingBudget.usedBytes();
        TimingBudget.setMaxBytes(base + MethodStats.GROUP_BYTES);
        s.record(2_000, false); // one more group fits
        s.record(4_000, true);  // no room for a third group
        s.record(8_000, false);
        TimingSnapshot t = s.snapshot();
        assertEquals(4, t.count());
        assertEquals(1, t.errors());
        assertEquals(15_000, t.totalNanos(), "total exact");
        assertEquals(1_000, t.minNanos());
        assertEquals(8_000, t.maxNanos(), "max exact");
        assertEquals(2, t.unbucketed());
        assertEquals(2, t.histogramCount());
        assertTrue(t.p99() <= 2_016, "percentiles over the histogrammed calls: " + t);
        assertTrue(TimingBudget.exceededOnce());
        assertTrue(told[0] <= 1, "said at most once per process: " + told[0]);
        assertEquals(base + MethodStats.GROUP_BYTES, TimingBudget.usedBytes(), "nothing beyond the budget");
    }

    @Test
    void shortValuesPastTheBudgetKeepAnExactTotal() {
        TimingBudget.setMaxBytes(0);
        MethodStats s = new MethodStats("short");
        s.record(10, false);
        s.record(20, false);
        TimingSnapshot t = s.snapshot();
        assertEquals(2, t.count());
        assertEquals(30, t.totalNanos());
        assertEquals(10, t.minNanos(), "min exact without buckets");
        assertEquals(20, t.maxNanos(), "max exact without buckets");
        assertEquals(0, t.p50(), "no histogram, no percentile");
        assertEquals(2, t.unbucketed());
    }

    @Test
    void oneThreadNeverGrowsAStripe() {
        MethodStats s = new MethodStats("single");
        for (int i = 0; i < 2_000_000; i++) {
            s.record(i & 4095, false);
        }
        assertEquals(1, s.stripesHeld());
    }

    /** Four threads hammering one method on this machine's cores: stripes are added, counts stay exact. */
    @Test
    void contentionGrowsStripesUpToTheMaximumAndCountsStayExact() throws Exception {
        if (MethodStats.MAX_STRIPES == 1) {
            return; // forgeperf.stripes=1: nothing to grow to
        }
        MethodStats s = new MethodStats("contended");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] done = new long[4];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            final int me = t;
            Thread w = new Thread(() -> {
                try {
                    long n = 0;
                    while (!stop.get()) {
                        s.record(50, false);
                        n++;
                    }
                    done[me] = n;
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            workers.add(w);
            w.start();
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (s.stripesHeld() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertTrue(s.stripesHeld() >= 2 && s.stripesHeld() <= MethodStats.MAX_STRIPES, "stripes: " + s.stripesHeld());
        long total = done[0] + done[1] + done[2] + done[3];
        assertEquals(total, s.snapshot().count());
        assertEquals(total * 50, s.snapshot().totalNanos());
    }

    @Test
    void foldingOneMethodIntoAnotherKeepsEveryNumber() {
        MethodStats a = new MethodStats("a");
        MethodStats b = new MethodStats("b");
        for (int i = 0; i < 5000; i++) {
            a.record(i * 37L, i % 7 == 0);
            b.record(i * 11L + 5, false);
        }
        MethodStats both = new MethodStats("both");
        for (int i = 0; i < 5000; i++) {
            both.record(i * 37L, i % 7 == 0);
            both.record(i * 11L + 5, false);
        }
        b.add(a.snapshot());
        TimingSnapshot f = b.snapshot();
        TimingSnapshot t = both.snapshot();
        assertEquals(t.count(), f.count());
        assertEquals(t.errors(), f.errors());
        assertEquals(t.totalNanos(), f.totalNanos());
        assertEquals(t.minNanos(), f.minNanos());
        assertEquals(t.maxNanos(), f.maxNanos());
        for (double q : new double[] {1, 50, 90, 99, 99.9}) {
            assertEquals(t.percentile(q), f.percentile(q), "p" + q);
        }
    }

    /** {@code n} calls of {@code nanos} each, as one method's snapshot (what a fold adds). */
    private static TimingSnapshot calls(long n, int nanos) {
        return new TimingSnapshot("folded", n, 0, n, false, n * nanos, nanos, nanos, new int[] {Buckets.bucketIndex(nanos)}, new long[] {n});
    }

    /**
     * A bucket's counter is an int: past 2^31 calls the rest go to a long overflow counter, whether
     * they come from a fold or from calls, and the count, total and percentiles stay exact.
     */
    @Test
    void aBucketPastTwoToThe31CallsKeepsCountingExactly() {
        MethodStats s = new MethodStats("hot");
        long full = 1L << 31;
        s.add(calls(full - 10, 50)); // fits in the int: 10 short of full
        long before = s.bytes();
        for (int i = 0; i < 100; i++) {
            s.record(50, false); // 10 fill it, 90 go over
        }
        TimingSnapshot t = s.snapshot();
        assertEquals(full + 90, t.count());
        assertEquals((full + 90) * 50, t.totalNanos());
        assertEquals(50, t.p50());
        assertEquals(50, t.minNanos());
        assertEquals(50, t.maxNanos());
        assertEquals(0, t.unbucketed());
        assertEquals(before + MethodStats.OVERFLOW_TABLE_BYTES + MethodStats.OVERFLOW_GROUP_BYTES, s.bytes(), "an overflow table and one group of overflow counters");

        s.add(calls(5_000_000_000L, 50)); // more than an int holds at once
        s.add(calls(3, 1_000)); // another bucket, its int untouched
        t = s.snapshot();
        assertEquals(full + 90 + 5_000_000_000L + 3, t.count());
        assertEquals((full + 90 + 5_000_000_000L) * 50 + 3_000, t.totalNanos());
        assertEquals(1_000, t.maxNanos());
        assertEquals(50, t.percentile(99.9));
    }

    /** Overflow counters come from the budget like any other; without room a call is counted without a histogram, its time exact. */
    @Test
    void aFullBucketWithoutRoomForOverflowCountsCallsWithoutAHistogram() {
        MethodStats s = new MethodStats("hot");
        s.add(calls(1L << 31, 50));
        TimingBudget.setMaxBytes(TimingBudget.usedBytes());
        s.record(50, false);
        s.record(50, true);
        TimingSnapshot t = s.snapshot();
        assertEquals((1L << 31) + 2, t.count());
        assertEquals(((1L << 31) + 2) * 50, t.totalNanos());
        assertEquals(2, t.unbucketed());
        assertEquals(1, t.errors());
        assertEquals(50, t.maxNanos());

        MethodStats folded = new MethodStats("folded");
        TimingBudget.setMaxBytes(Long.MAX_VALUE);
        folded.add(calls((1L << 31) - 10, 50));
        TimingBudget.setMaxBytes(TimingBudget.usedBytes());
        folded.add(calls(100, 50)); // 10 fill the int, 90 find no room
        t = folded.snapshot();
        assertEquals((1L << 31) + 90, t.count());
        assertEquals(((1L << 31) + 90) * 50, t.totalNanos());
        assertEquals(90, t.unbucketed());
        assertEquals(1L << 31, t.histogramCount());
    }

    @Test
    void releasedIdsAreReusedAndTheCapRefusesMore() {
        int oldMax = Recorder.maxMethods();
        try {
            Recorder.setMaxMethods(Recorder.live() + 2);
            long refusedBefore = Recorder.refused();
            MethodStats x = new MethodStats("x");
            int a = Recorder.register(x);
            int b = Recorder.register(new MethodStats("y"));
            assertTrue(a >= 0 && b >= 0);
            assertEquals(-1, Recorder.register(new MethodStats("z")), "cap reached");
            assertEquals(refusedBefore + 1, Recorder.refused());
            x.record(1_000, false);
            assertTrue(x.bytes() > 0);
            Recorder.release(a);
            assertEquals(0, x.bytes(), "released memory");
            assertEquals(null, Recorder.stats(a));
            assertFalse(Recorder.all().contains(x));
            MethodStats z = new MethodStats("z");
            assertEquals(a, Recorder.register(z), "the freed id is reused");
            Recorder.release(a);
            Recorder.release(b);
        } finally {
            Recorder.setMaxMethods(oldMax);
        }
    }
}
