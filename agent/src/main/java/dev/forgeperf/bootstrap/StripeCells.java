package dev.forgeperf.bootstrap;

import static dev.forgeperf.bootstrap.Buckets.GROUPS;
import static dev.forgeperf.bootstrap.Buckets.GROUP_BITS;
import static dev.forgeperf.bootstrap.Buckets.GROUP_SIZE;
import static dev.forgeperf.bootstrap.Buckets.LINEAR_LIMIT;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The layout of one stripe of a {@link MethodStats}, and how stripes are read back.
 *
 * <p>A stripe ({@link MethodStats.Stripe}) holds one {@code long[][]}, its <em>cells</em>: slots {@code 0 ..} {@value Buckets#GROUPS}{@code -1}
 * hold the bucket groups ({@code long[}{@value Buckets#GROUP_SIZE}{@code ]} each, null until a value
 * falls into that group, published by compare-and-set), and slot {@link #HEADER_SLOT} holds the
 * counter header: calls (sampled mode), sum, min, max, errors and calls not histogrammed, between two
 * 128-byte pads so that two stripes' headers never share a cache line. A writer reaches groups and
 * header from the one reference.
 *
 * <p>Invariants the reader relies on: values below {@value Buckets#LINEAR_LIMIT} ns are counted
 * only in their bucket (one value per bucket), never in sum, min or max, so {@link #snapshot} derives
 * those exactly from the counts; min starts at {@code Long.MAX_VALUE} and max at -1. Every counter is
 * written atomically ({@link #AA}), so reading while writers run never blocks them and never tears a
 * value. Loaded from the bootstrap class path, so it uses only {@code java.base}.
 */
final class StripeCells {

    /** Atomic access to a counter of a group or of the header. */
    static final VarHandle AA = MethodHandles.arrayElementVarHandle(long[].class);
    /** Atomic access to a slot of the cells (a group's publication). */
    static final VarHandle GROUP = MethodHandles.arrayElementVarHandle(long[][].class);

    /** Padding (in longs) on each side of a stripe's counters: 128 bytes. */
    static final int PAD = 16;
    static final int CALLS = PAD;
    static final int SUM = PAD + 1;
    static final int MIN = PAD + 2;
    static final int MAX = PAD + 3;
    static final int ERRORS = PAD + 4;
    static final int UNBUCKETED = PAD + 5;
    static final int HEADER_LONGS = PAD + 8 + PAD;
    /** Slot of a stripe's cells holding its counter header; slots below it hold bucket groups. */
    static final int HEADER_SLOT = GROUPS;

    private StripeCells() {
    }

    /** Fresh cells: no groups yet, a header with min and max at their "nothing seen" values. */
    static long[][] newCells() {
        final long[] h = new long[HEADER_LONGS];
        h[MIN] = Long.MAX_VALUE;
        h[MAX] = -1L;
        final long[][] cells = new long[GROUPS + 1][];
        cells[HEADER_SLOT] = h;
        return cells;
    }

    /** Min and max: a plain (opaque) read first, a compare-and-set only when the value improves (rare after warm-up). */
    static void extremes(long[] h, long v) {
        if (v < (long) AA.getOpaque(h, MIN)) {
            lowerMin(h, v);
        }
        if (v > (long) AA.getOpaque(h, MAX)) {
            raiseMax(h, v);
        }
    }

    /** Lowers the header's {@code MIN} to {@code v} unless it is already lower (compare-and-set loop). */
    static void lowerMin(long[] h, long v) {
        long cur;
        while (v < (cur = (long) AA.getVolatile(h, MIN))) {
            if (AA.weakCompareAndSet(h, MIN, cur, v)) {
                return;
            }
        }
    }

    /** Raises the header's {@code MAX} to {@code v} unless it is already higher (compare-and-set loop). */
    static void raiseMax(long[] h, long v) {
        long cur;
        while (v > (cur = (long) AA.getVolatile(h, MAX))) {
            if (AA.weakCompareAndSet(h, MAX, cur, v)) {
                return;
            }
        }
    }

    /**
     * Sums the stripes into an immutable snapshot (see {@link MethodStats#snapshot()} for its
     * consistency under concurrent writers). Costs in proportion to the groups in use.
     *
     * @param ss    the method's stripes, null before its first call
     * @param bytes the bytes the method holds, reported with the snapshot
     */
    static TimingSnapshot snapshot(String displayName, MethodStats.Stripe[] ss, long bytes) {
        if (ss == null) {
            return new TimingSnapshot(displayName, 0, 0, 0, false, 0, 0, 0, new int[0], new long[0], 0, 0);
        }
        int[] idx = new int[16];
        long[] cnt = new long[16];
        int nonEmpty = 0;
        final long[] agg = new long[GROUP_SIZE];
        for (int gi = 0; gi < GROUPS; gi++) {
            boolean any = false;
            for (MethodStats.Stripe s : ss) {
                final long[] g = (long[]) GROUP.getAcquire(s.cells, gi);
                if (g == null) {
                    continue;
                }
                if (!any) {
                    Arrays.fill(agg, 0L);
                    any = true;
                }
                for (int i = 0; i < GROUP_SIZE; i++) {
                    agg[i] += (long) AA.getVolatile(g, i);
                }
            }
            if (!any) {
                continue;
            }
            for (int i = 0; i < GROUP_SIZE; i++) {
                if (agg[i] != 0) {
                    if (nonEmpty == idx.length) {
                        idx = Arrays.copyOf(idx, nonEmpty * 2);
                        cnt = Arrays.copyOf(cnt, nonEmpty * 2);
                    }
                    idx[nonEmpty] = (gi << GROUP_BITS) + i;
                    cnt[nonEmpty++] = agg[i];
                }
            }
        }
        long sum = 0;
        long min = Long.MAX_VALUE;
        long max = -1;
        long errors = 0;
        long calls = 0;
        long unbucketed = 0;
        for (MethodStats.Stripe s : ss) {
            final long[] h = s.cells[HEADER_SLOT];
            sum += (long) AA.getVolatile(h, SUM);
            min = Math.min(min, (long) AA.getVolatile(h, MIN));
            max = Math.max(max, (long) AA.getVolatile(h, MAX));
            unbucketed += (long) AA.getVolatile(h, UNBUCKETED);
        }
        for (MethodStats.Stripe s : ss) {
            errors += (long) AA.getVolatile(s.cells[HEADER_SLOT], ERRORS);
            calls += (long) AA.getVolatile(s.cells[HEADER_SLOT], CALLS);
        }

        final int[] outIdx = new int[nonEmpty];
        final long[] cum = new long[nonEmpty];
        long running = 0;
        for (int j = 0; j < nonEmpty; j++) {
            if (idx[j] < LINEAR_LIMIT) {
                // exact: values below LINEAR_LIMIT are not added to SUM, MIN or MAX; each such bucket is one value
                sum += cnt[j] * idx[j];
                min = Math.min(min, idx[j]);
                max = Math.max(max, idx[j]);
            }
            running += cnt[j];
            outIdx[j] = idx[j];
            cum[j] = running;
        }
        final long timed = running + unbucketed;

        if (timed == 0) {
            min = 0;
            max = 0;
            sum = 0;
        } else {
            // a racing writer may have counted its bucket but not yet updated min/max
            if (min == Long.MAX_VALUE) {
                min = nonEmpty > 0 ? Buckets.lowestValue(outIdx[0]) : 0;
            }
            if (max < 0) {
                max = nonEmpty > 0 ? Buckets.highestValue(outIdx[nonEmpty - 1]) : min;
            }
            if (max < min) {
                max = min;
            }
        }
        final boolean sampled = calls > 0;
        final long count = sampled ? Math.max(calls, timed) : timed;
        return new TimingSnapshot(displayName, count, errors, timed, sampled, sum, min, max, outIdx, cum, unbucketed, bytes);
    }
}
