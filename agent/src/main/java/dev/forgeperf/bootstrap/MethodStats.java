package dev.forgeperf.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Wait-free, striped timing statistics for one timed method: a log-linear latency histogram
 * plus exact call count, error count, total, min and max.
 *
 * <h2>Histogram and precision</h2>
 * Values are nanoseconds; negative values are recorded as 0. Values {@code 0..127} each get
 * their own bucket (exact). Above that every power of two {@code [2^e, 2^(e+1))} is split into
 * 64 equal sub-buckets (HdrHistogram-style bit math: the exponent comes from
 * {@code Long.numberOfLeadingZeros}, the next 6 bits select the sub-bucket), so a bucket's width
 * is at most 1/64 of its lowest value. Percentiles report the bucket's midpoint, so a reported
 * percentile is within 1/128 &asymp; 0.78% of the true value at that rank (the 1% target). The
 * tracked range is {@code 0 .. 2^41-1} ns (about 36.6 minutes); larger values are counted in the
 * top bucket (their percentiles lose precision) but {@link TimingSnapshot#maxNanos() max},
 * {@link TimingSnapshot#minNanos() min} and {@link TimingSnapshot#totalNanos() total} remain exact.
 *
 * <h2>Memory per method</h2>
 * {@value #BUCKETS} buckets of 8-byte counters, plus an 8-long header and 16 longs of padding,
 * = {@value #STRIDE} longs = 18,624 bytes per stripe. A method holds {@link #STRIPES} stripes
 * (the next power of two &ge; twice the number of CPUs, capped at 16, overridable with the system
 * property {@code forgeperf.stripes}) in a single {@code long[]}: about 73 KiB with 4 stripes
 * (a 2-CPU machine), 291 KiB with 16. The array is allocated by the
 * method's first recorded call (once; a method that is instrumented but never called costs
 * nothing) and dropped again by {@link #reset()}; {@link #snapshot()} allocates only a compact
 * copy of the non-empty buckets.
 *
 * <h2>Layout and hot-path cost</h2>
 * Stripe {@code s} occupies {@code data[16 + s*STRIDE .. 16 + (s+1)*STRIDE)}: header
 * {@code [calls, sum, min, max, errors, -, -, -]}, then the buckets, then 16 longs of padding.
 * The hot header of one stripe is therefore separated from the previous stripe's last written
 * bucket by at least 128 bytes (the top buckets, for values of minutes, are practically never
 * written), so stripes never share a cache line. A thread always uses the same stripe: the low
 * bits of its thread id ({@code id & (STRIPES-1)}). Thread ids are assigned sequentially, so
 * threads created one after another (thread pools) land on distinct stripes; a multiplicative
 * (Fibonacci) hash was tried and measured to put consecutive threads on the same stripe far
 * more often (e.g. ids 12 and 13 with 2 stripes), making contended records about 5x slower.
 *
 * <p>{@link #record(long, boolean)} does no allocation, takes no lock and is wait-free. It
 * performs one atomic read-modify-write operation (the bucket count, {@code getAndAdd}) for
 * values below {@value #LINEAR_LIMIT} ns, whose buckets each hold a single value so that their
 * sum is derived exactly from the counts; larger values add a second one (the sum of those
 * values); {@code thrown} adds one more. The count is derived from the
 * bucket counts. Min and max are first checked with a plain (opaque) read and updated by CAS
 * only when the value improves, which after warm-up is rare. {@link #incrementCount()} is one
 * atomic add.
 *
 * <h2>Exact vs. sampled mode</h2>
 * In exact mode every call goes through {@link #record(long, boolean)}, and the count is the
 * number of recorded values. In sampled mode every call goes through {@link #incrementCount()}
 * and only some calls are also recorded; the snapshot then reports the exact call count from
 * the call counters, and estimates the total (see {@link TimingSnapshot#totalNanos()}).
 * Min/max/percentiles are then over the timed calls only.
 *
 * <p>This class is loaded from the bootstrap class path and therefore uses only
 * {@code java.base} (and, deliberately, no lambdas or indy string concatenation).
 */
public final class MethodStats {

    // ---- histogram geometry ---------------------------------------------------------------

    /** log2 of the number of sub-buckets per power of two. */
    static final int SUB_BUCKET_BITS = 6;
    /** Number of sub-buckets per power of two (128). */
    static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    /** Values below this are recorded exactly (one bucket per nanosecond value). */
    static final int LINEAR_LIMIT = SUB_BUCKETS << 1; // 256
    /** Highest exponent with full precision: values up to {@code 2^(MAX_EXPONENT+1)-1}. */
    static final int MAX_EXPONENT = 40;
    /** Largest value with full precision; larger values go to the top bucket. */
    public static final long MAX_TRACKABLE_NANOS = (1L << (MAX_EXPONENT + 1)) - 1;
    /** Number of buckets per stripe: 256 linear + 128 per exponent 8..40 = 4480. */
    public static final int BUCKETS = (MAX_EXPONENT - SUB_BUCKET_BITS + 2) * SUB_BUCKETS;

    // ---- stripe layout ---------------------------------------------------------------------

    private static final int CALLS = 0;
    private static final int SUM = 1;
    private static final int MIN = 2;
    private static final int MAX = 3;
    private static final int ERRORS = 4;
    private static final int HEADER = 8;
    /** Padding (in longs) at the array start and after each stripe's buckets: 128 bytes. */
    private static final int PAD = 16;
    /** Longs per stripe. */
    public static final int STRIDE = HEADER + BUCKETS + PAD;

    /** Number of stripes per method (power of two, 1..64; default min(8, nextPow2(#CPUs))). */
    public static final int STRIPES = stripeCount();
    private static final int STRIPE_MASK = STRIPES - 1;

    private static final VarHandle AA = MethodHandles.arrayElementVarHandle(long[].class);

    private final String name;
    /**
     * Null until the first call; replaced wholesale by {@link #reset()}; each writer uses the
     * array it read once.
     */
    private volatile long[] data;

    /**
     * @param name display name, e.g. {@code com.acme.OrderService#handle(java.lang.String)}
     */
    public MethodStats(String name) {
        if (name == null) {
            throw new NullPointerException("name");
        }
        this.name = name;
    }

    /** The display name given at construction. */
    public String name() {
        return name;
    }

    // ---- hot path ---------------------------------------------------------------------------

    /**
     * Records one timed call. Wait-free, allocation-free, lock-free; never throws.
     *
     * @param nanos  elapsed nanoseconds; negative values are recorded as 0
     * @param thrown whether the call completed by throwing (counted as an error)
     */
    public void record(long nanos, boolean thrown) {
        final long v = nanos & ~(nanos >> 63); // clamp negative to 0, branch-free
        long[] d = data;
        if (d == null) {
            d = materialize();
        }
        final int base = stripeBase();
        final int shift = (63 - SUB_BUCKET_BITS) - Long.numberOfLeadingZeros(v | (LINEAR_LIMIT - 1));
        final int idx = Math.min((shift << SUB_BUCKET_BITS) + (int) (v >>> shift), BUCKETS - 1);
        long unused = (long) AA.getAndAdd(d, base + HEADER + idx, 1L);
        if (v >= LINEAR_LIMIT) {
            // below LINEAR_LIMIT every bucket holds a single value, so the snapshot derives the
            // exact sum of those calls from the bucket counts: short calls cost one atomic, not two
            unused = (long) AA.getAndAdd(d, base + SUM, v);
        }
        if (v < (long) AA.getOpaque(d, base + MIN)) {
            lowerMin(d, base + MIN, v);
        }
        if (v > (long) AA.getOpaque(d, base + MAX)) {
            raiseMax(d, base + MAX, v);
        }
        if (thrown) {
            unused = (long) AA.getAndAdd(d, base + ERRORS, 1L);
        }
    }

    /**
     * Counts one call in sampled mode (one atomic add on the calling thread's stripe).
     *
     * @return the previous value of the calling thread's stripe call counter. Each stripe counts
     *     0, 1, 2, ... so {@code (incrementCount() & (N-1)) == 0} selects one call in N per
     *     stripe, i.e. about one in N overall.
     */
    public long incrementCount() {
        long[] d = data;
        if (d == null) {
            d = materialize();
        }
        return (long) AA.getAndAdd(d, stripeBase() + CALLS, 1L);
    }

    /** Counts one error without recording a time (sampled mode, call not timed). */
    public void recordError() {
        long[] d = data;
        if (d == null) {
            d = materialize();
        }
        long unused = (long) AA.getAndAdd(d, stripeBase() + ERRORS, 1L);
    }

    /** The first call of the method (or the first after a reset) allocates its counters. */
    private synchronized long[] materialize() {
        long[] d = data;
        if (d == null) {
            d = newData();
            data = d;
        }
        return d;
    }

    private static int stripeBase() {
        return PAD + ((int) Thread.currentThread().getId() & STRIPE_MASK) * STRIDE;
    }

    private static void lowerMin(long[] d, int i, long v) {
        long cur;
        while (v < (cur = (long) AA.getVolatile(d, i))) {
            if (AA.weakCompareAndSet(d, i, cur, v)) {
                return;
            }
        }
    }

    private static void raiseMax(long[] d, int i, long v) {
        long cur;
        while (v > (cur = (long) AA.getVolatile(d, i))) {
            if (AA.weakCompareAndSet(d, i, cur, v)) {
                return;
            }
        }
    }

    // ---- readers ----------------------------------------------------------------------------

    /**
     * Aggregates all stripes into an immutable snapshot. May run concurrently with writers and
     * never blocks them.
     *
     * <p>Consistency: every field is read atomically and is exact for the calls that had
     * completed when it was read, but fields are read one after another, so calls completing
     * during the snapshot may be reflected in some fields and not others (e.g. counted in the
     * histogram but not yet in the total) - at most one in-flight call per recording thread.
     * Buckets are read before the call counters, so in sampled mode {@code count >= timedCount}.
     * A snapshot taken while no call is being recorded is exact.
     */
    public TimingSnapshot snapshot() {
        final long[] d = data;
        if (d == null) {
            return new TimingSnapshot(name, 0, 0, 0, false, 0, 0, 0, new int[0], new long[0]);
        }
        final long[] agg = new long[BUCKETS];
        for (int s = 0; s < STRIPES; s++) {
            final int b = PAD + s * STRIDE + HEADER;
            for (int i = 0; i < BUCKETS; i++) {
                agg[i] += (long) AA.getVolatile(d, b + i);
            }
        }
        long sum = 0;
        long min = Long.MAX_VALUE;
        long max = -1;
        long errors = 0;
        long calls = 0;
        for (int s = 0; s < STRIPES; s++) {
            sum += (long) AA.getVolatile(d, PAD + s * STRIDE + SUM);
        }
        for (int s = 0; s < STRIPES; s++) {
            min = Math.min(min, (long) AA.getVolatile(d, PAD + s * STRIDE + MIN));
            max = Math.max(max, (long) AA.getVolatile(d, PAD + s * STRIDE + MAX));
        }
        for (int s = 0; s < STRIPES; s++) {
            errors += (long) AA.getVolatile(d, PAD + s * STRIDE + ERRORS);
            calls += (long) AA.getVolatile(d, PAD + s * STRIDE + CALLS);
        }

        for (int i = 0; i < LINEAR_LIMIT; i++) {
            sum += agg[i] * i; // exact: values below LINEAR_LIMIT are not added to SUM
        }

        int nonEmpty = 0;
        long timed = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (agg[i] != 0) {
                nonEmpty++;
                timed += agg[i];
            }
        }
        final int[] idx = new int[nonEmpty];
        final long[] cum = new long[nonEmpty];
        long running = 0;
        for (int i = 0, j = 0; i < BUCKETS; i++) {
            if (agg[i] != 0) {
                running += agg[i];
                idx[j] = i;
                cum[j++] = running;
            }
        }

        if (timed == 0) {
            min = 0;
            max = 0;
            sum = 0;
        } else {
            // a racing writer may have counted its bucket but not yet updated min/max
            if (min == Long.MAX_VALUE) {
                min = lowestValue(idx[0]);
            }
            if (max < 0) {
                max = highestValue(idx[nonEmpty - 1]);
            }
            if (max < min) {
                max = min;
            }
        }
        final boolean sampled = calls > 0;
        final long count = sampled ? Math.max(calls, timed) : timed;
        return new TimingSnapshot(name, count, errors, timed, sampled, sum, min, max, idx, cum);
    }

    /**
     * Zeroes all statistics by atomically swapping in a fresh (zeroed) array.
     *
     * <p>Under concurrent writes, every call is either entirely counted in the new period or
     * entirely discarded (a writer reads the array once per call): a call that was in progress
     * when {@code reset()} ran may be lost, but no call is ever partially counted (e.g. counted
     * without its time). In sampled mode a call counted before the reset but timed after it can
     * make the new period's timed count exceed its call count by one; the snapshot then reports
     * {@code count = max(calls, timedCount)}. The counters' memory is released until the next call.
     */
    public void reset() {
        data = null;
    }

    // ---- histogram math (shared with TimingSnapshot) ----------------------------------------

    /** Bucket index for a value (negative values map to bucket 0, huge ones to the top). */
    static int bucketIndex(long nanos) {
        final long v = nanos & ~(nanos >> 63);
        final int shift = (63 - SUB_BUCKET_BITS) - Long.numberOfLeadingZeros(v | (LINEAR_LIMIT - 1));
        return Math.min((shift << SUB_BUCKET_BITS) + (int) (v >>> shift), BUCKETS - 1);
    }

    /** Lowest value mapped to bucket {@code idx}. */
    static long lowestValue(int idx) {
        if (idx < LINEAR_LIMIT) {
            return idx;
        }
        final int shift = (idx >>> SUB_BUCKET_BITS) - 1;
        return ((long) ((idx & (SUB_BUCKETS - 1)) + SUB_BUCKETS)) << shift;
    }

    /** Width of bucket {@code idx} (1 in the linear range). */
    static long bucketWidth(int idx) {
        return idx < LINEAR_LIMIT ? 1L : 1L << ((idx >>> SUB_BUCKET_BITS) - 1);
    }

    /** Highest value mapped to bucket {@code idx} (ignoring top-bucket clamping). */
    static long highestValue(int idx) {
        return lowestValue(idx) + bucketWidth(idx) - 1;
    }

    /** Value reported for bucket {@code idx}: its midpoint (exact in the linear range). */
    static long representativeValue(int idx) {
        return lowestValue(idx) + (bucketWidth(idx) >>> 1);
    }

    // ---- setup ------------------------------------------------------------------------------

    private static long[] newData() {
        final long[] d = new long[PAD + STRIPES * STRIDE];
        for (int s = 0; s < STRIPES; s++) {
            d[PAD + s * STRIDE + MIN] = Long.MAX_VALUE;
            d[PAD + s * STRIDE + MAX] = -1L;
        }
        return d; // published through the volatile field
    }

    private static int stripeCount() {
        // twice the CPUs: threads pick a stripe by the low bits of their id, and with as many
        // stripes as CPUs two busy threads share one half the time
        int n = 2 * Runtime.getRuntime().availableProcessors();
        int max = 16;
        try {
            final String p = System.getProperty("forgeperf.stripes");
            if (p != null) {
                n = Integer.parseInt(p.trim());
                max = 64;
            }
        } catch (RuntimeException ignored) {
            // bad value or no permission: keep the default
        }
        n = Math.max(1, Math.min(max, n));
        return n == 1 ? 1 : Integer.highestOneBit(n - 1) << 1; // next power of two, <= max
    }

    @Override
    public String toString() {
        return new StringBuilder("MethodStats[").append(name).append(']').toString();
    }
}
