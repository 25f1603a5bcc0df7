package dev.forgeperf.bootstrap;

/**
 * The latency histogram's buckets: where a value falls, and which values a bucket holds. One home
 * for the geometry that {@link MethodStats} writes and {@link TimingSnapshot} reads.
 *
 * Values are nanoseconds; negative values are recorded as 0. Values {@code 0..}{@value #LINEAR_LIMIT}{@code -1}
 * each get their own bucket (exact). Above that every power of two {@code [2^e, 2^(e+1))} is split
 * into {@value #SUB_BUCKETS} equal sub-buckets (HdrHistogram-style bit math: the exponent comes
 * from {@code Long.numberOfLeadingZeros}, the next 6 bits select the sub-bucket), so a bucket's
 * width is at most 1/64 of its lowest value. Percentiles report the bucket's midpoint, so a
 * reported percentile is within 1/128 &asymp; 0.78% of the true value at that rank (the 1%
 * target). The tracked range is {@code 0 .. 2^41-1} ns (about 36.6 minutes); larger values are
 * counted in the top bucket (their percentiles lose precision) but {@link TimingSnapshot#maxNanos() max},
 * {@link TimingSnapshot#minNanos() min} and {@link TimingSnapshot#totalNanos() total} remain exact.
 * There are {@value #BUCKETS} buckets in {@value #GROUPS} groups of {@value #GROUP_SIZE} (a quarter of
 * a power of two each; eight for the linear range).
 *
 *
 * <p>Pure functions and constants, no state. Loaded from the bootstrap class path, so it uses only
 * {@code java.base}.
 */
public final class Buckets {

    private Buckets() {
    }

    /** log2 of the number of sub-buckets per power of two. */
    static final int SUB_BUCKET_BITS = 6;
    /** Number of sub-buckets per power of two. */
    static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    /** Values below this are recorded exactly (one bucket per nanosecond value). */
    static final int LINEAR_LIMIT = SUB_BUCKETS << 1;
    /**
     * A reported percentile is within 1/{@value} of the true value at its rank: half a bucket, whose
     * width is at most 1/{@value #SUB_BUCKETS} of its lowest value (help texts print this constant).
     */
    public static final int PERCENTILE_ERROR_DIVISOR = 2 * SUB_BUCKETS;
    /** Highest exponent with full precision: values up to {@code 2^(MAX_EXPONENT+1)-1}. */
    static final int MAX_EXPONENT = 40;
    /** Largest value with full precision; larger values go to the top bucket. */
    public static final long MAX_TRACKABLE_NANOS = (1L << (MAX_EXPONENT + 1)) - 1;
    /** Number of buckets: 128 linear + 64 per exponent 7..40 = 2304. */
    public static final int BUCKETS = (MAX_EXPONENT - SUB_BUCKET_BITS + 2) * SUB_BUCKETS;
    /** log2 of the buckets per group: a quarter of a power of two. */
    static final int GROUP_BITS = 4;
    /** Buckets per group (one array of counters, allocated on first use). */
    public static final int GROUP_SIZE = 1 << GROUP_BITS;
    /** Number of bucket groups. */
    public static final int GROUPS = BUCKETS >>> GROUP_BITS;

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
}
