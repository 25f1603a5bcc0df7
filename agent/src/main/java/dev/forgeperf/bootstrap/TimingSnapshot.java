package dev.forgeperf.bootstrap;

import java.util.Arrays;

/**
 * Immutable point-in-time view of one method's {@link MethodStats}. All times are nanoseconds.
 *
 * <p>Only the non-empty histogram buckets are kept (as bucket index + cumulative count), so a
 * snapshot is small. See {@link MethodStats#snapshot()} for consistency under concurrent writes
 * and {@link Buckets} for the histogram's precision.
 */
public final class TimingSnapshot {

    private final String name;
    private final long count;
    private final long errors;
    private final long timedCount;
    private final boolean sampled;
    private final long timedSum;
    private final long min;
    private final long max;
    /** Non-empty bucket indices, ascending. */
    private final int[] buckets;
    /** cumulative[i] = number of timed calls in buckets[0..i]. */
    private final long[] cumulative;
    /** Timed calls counted without a histogram (memory budget spent). */
    private final long unbucketed;
    private final long bytes;

    TimingSnapshot(String name, long count, long errors, long timedCount, boolean sampled,
                   long timedSum, long min, long max, int[] buckets, long[] cumulative) {
        this(name, count, errors, timedCount, sampled, timedSum, min, max, buckets, cumulative, 0L, 0L);
    }

    TimingSnapshot(String name, long count, long errors, long timedCount, boolean sampled,
                   long timedSum, long min, long max, int[] buckets, long[] cumulative, long unbucketed, long bytes) {
        this.name = name;
        this.count = count;
        this.errors = errors;
        this.timedCount = timedCount;
        this.sampled = sampled;
        this.timedSum = timedSum;
        this.min = min;
        this.max = max;
        this.buckets = buckets;
        this.cumulative = cumulative;
        this.unbucketed = unbucketed;
        this.bytes = bytes;
    }

    /** Memory the method's statistics held when the snapshot was taken (see {@link MethodStats#bytes()}). */
    public long bytes() {
        return bytes;
    }

    /** The same statistics under another display name. */
    public TimingSnapshot renamed(String displayName) {
        return displayName.equals(name) ? this
                : new TimingSnapshot(displayName, count, errors, timedCount, sampled, timedSum, min, max, buckets, cumulative, unbucketed, bytes);
    }

    /**
     * Timed calls that were counted (in count, errors, total, min and max) but not put in the
     * histogram because the timing memory budget ({@code timed.maxMemory}) was spent; percentiles
     * cover the other {@code timedCount() - unbucketed()} calls only.
     */
    public long unbucketed() {
        return unbucketed;
    }

    /** Calls in the histogram (percentiles are over these). */
    public long histogramCount() {
        return cumulative.length == 0 ? 0L : cumulative[cumulative.length - 1];
    }

    /** Number of non-empty histogram buckets. */
    public int bucketCount() {
        return buckets.length;
    }

    /** Index of the {@code j}th non-empty bucket, ascending. */
    public int bucketIndexAt(int j) {
        return buckets[j];
    }

    /** Calls in the non-empty buckets {@code 0..j}. */
    public long cumulativeAt(int j) {
        return cumulative[j];
    }

    /** Display name of the method. */
    public String name() {
        return name;
    }

    /** Exact number of calls (in sampled mode: all calls, timed or not). */
    public long count() {
        return count;
    }

    /** Exact number of calls that completed by throwing. */
    public long errors() {
        return errors;
    }

    /** Number of values in the histogram; equals {@link #count()} in exact mode. */
    public long timedCount() {
        return timedCount;
    }

    /** {@code true} if the method was recorded in sampled mode (only some calls timed). */
    public boolean sampled() {
        return sampled;
    }

    /**
     * Total time spent in the method. Exact in exact mode. In sampled mode it is estimated as
     * {@code sumOfTimedCalls * count / timedCount}.
     */
    public long totalNanos() {
        if (!sampled || timedCount == 0 || count == timedCount) {
            return timedSum;
        }
        return Math.round(timedSum * ((double) count / (double) timedCount));
    }

    /** Exact sum of the timed calls' elapsed times (equals {@link #totalNanos()} in exact mode). */
    public long timedTotalNanos() {
        return timedSum;
    }

    /** Smallest timed value (exact), 0 if nothing was timed. */
    public long minNanos() {
        return min;
    }

    /** Largest timed value (exact, even beyond the histogram range), 0 if nothing was timed. */
    public long maxNanos() {
        return max;
    }

    /** Mean of the timed calls, 0 if nothing was timed. */
    public double meanNanos() {
        return timedCount == 0 ? 0.0 : (double) timedSum / (double) timedCount;
    }

    /**
     * The value at percentile {@code q}: the histogram bucket holding the value of rank
     * {@code ceil(q/100 * timedCount)} (at least 1), reported as the bucket's midpoint and
     * clamped to {@code [min, max]}. Relative error vs. the true value at that rank is at most
     * 1/128 (&asymp;0.78%) for values up to {@link Buckets#MAX_TRACKABLE_NANOS}.
     * {@code percentile(0)} is the exact min and {@code percentile(100)} the exact max.
     *
     * @param q percentile in {@code [0, 100]}
     * <p>When some calls were not histogrammed ({@link #unbucketed()}), the rank is taken among the
     * histogrammed calls.
     *
     * @return the value in nanoseconds, 0 if nothing was timed (or nothing histogrammed)
     * @throws IllegalArgumentException if {@code q} is outside {@code [0, 100]} or NaN
     */
    public long percentile(double q) {
        if (!(q >= 0.0 && q <= 100.0)) {
            throw new IllegalArgumentException("percentile must be in [0, 100]: ".concat(Double.toString(q)));
        }
        final long inHistogram = histogramCount();
        if (timedCount == 0 || inHistogram == 0) {
            return 0L;
        }
        if (q == 0.0) {
            return min;
        }
        if (q == 100.0) {
            return max;
        }
        long rank = (long) Math.ceil(q / 100.0 * (double) inHistogram);
        rank = Math.max(1L, Math.min(inHistogram, rank));
        int pos = Arrays.binarySearch(cumulative, rank);
        if (pos < 0) {
            pos = -pos - 1; // first bucket whose cumulative count >= rank
        }
        final long value = Buckets.representativeValue(buckets[pos]);
        return Math.max(min, Math.min(max, value));
    }

    /** The value reported for histogram bucket {@code index} (its midpoint, as {@link #percentile} reports it). */
    public static long bucketValue(int index) {
        return Buckets.representativeValue(index);
    }

    /** The highest value histogram bucket {@code index} holds. */
    public static long bucketTop(int index) {
        return Buckets.highestValue(index);
    }

    /**
     * The bound nearest to {@code nanos} at which {@link #countAtMost(long)} is exact: the highest
     * value of a histogram bucket, so that every value {@code <=} it lies in that bucket or below.
     * Within 1/128 of {@code nanos} (exact below 128 ns).
     *
     * @param nanos at least 0 and at most {@link Buckets#MAX_TRACKABLE_NANOS}
     */
    public static long exactBoundNear(long nanos) {
        if (nanos < 0 || nanos > Buckets.MAX_TRACKABLE_NANOS) {
            throw new IllegalArgumentException("bound out of the histogram's range: ".concat(Long.toString(nanos)));
        }
        final int k = Buckets.bucketIndex(nanos);
        final long below = Buckets.lowestValue(k) - 1; // highest value of bucket k-1
        final long above = Buckets.highestValue(k);
        if (below < 0) {
            return above;
        }
        return nanos - below <= above - nanos ? below : above;
    }

    /**
     * Calls in the histogram whose value is at most {@code nanos}: exact when {@code nanos} is a
     * bound from {@link #exactBoundNear(long)} (or below 128 ns); otherwise the whole bucket holding
     * {@code nanos} is counted. Values past {@link Buckets#MAX_TRACKABLE_NANOS} are in the top
     * bucket. Allocates nothing.
     */
    public long countAtMost(long nanos) {
        if (nanos < 0 || buckets.length == 0) {
            return 0L;
        }
        final int k = Buckets.bucketIndex(nanos);
        long n = 0L;
        for (int j = 0; j < buckets.length && buckets[j] <= k; j++) {
            n = cumulative[j];
        }
        return n;
    }

    /** Median. */
    public long p50() {
        return percentile(50.0);
    }

    /** 90th percentile. */
    public long p90() {
        return percentile(90.0);
    }

    /** 99th percentile. */
    public long p99() {
        return percentile(99.0);
    }

    /** 99.9th percentile. */
    public long p999() {
        return percentile(99.9);
    }

    @Override
    public String toString() {
        // StringBuilder on purpose: no indy string concatenation in bootstrap classes
        return new StringBuilder(128).append("TimingSnapshot[").append(name)
                .append(", count=").append(count)
                .append(", errors=").append(errors)
                .append(sampled ? ", timed=" : "").append(sampled ? Long.toString(timedCount) : "")
                .append(", total=").append(totalNanos())
                .append(", min=").append(min)
                .append(", mean=").append((long) meanNanos())
                .append(", p50=").append(p50())
                .append(", p99=").append(p99())
                .append(", max=").append(max)
                .append(']').toString();
    }
}
