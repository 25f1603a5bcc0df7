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
 * <p>A stripe ({@link MethodStats.Stripe}) holds one {@code Object[]}, its <em>cells</em>:
 * <ul>
 * <li>slot {@link #SHORT_SLOT}: the counters of the {@value #SHORT_BUCKETS} buckets of calls under
 * 512 ns ({@code int[]}, the first {@value #SHORT_GROUPS} groups in one array), null until such a
 * call. A short call's counter is one array away from the cells and its address does not wait
 * for a second load that depends on the time measured; on x86 each such load between the clock
 * read and the atomic add cost about 4 ns (JMH), which is what a short call feels most;</li>
 * <li>slots {@code 1 ..} {@code GROUPS - SHORT_GROUPS}: the other bucket groups
 * ({@code int[}{@value Buckets#GROUP_SIZE}{@code ]} each, a quarter of a power of two), null until a
 * value falls into that group ({@link #slotOf});</li>
 * <li>slot {@link #HEADER_SLOT}: the counter header ({@code long[]}): calls (sampled mode), sum,
 * min, max, errors and calls not histogrammed, between two 128-byte pads so that two stripes'
 * headers never share a cache line;</li>
 * <li>slot {@link #OVERFLOW_SLOT}: the overflow table ({@code Object[]} of {@code long[GROUP_SIZE]}, see below), null until a
 * bucket's counter fills up.</li>
 * </ul>
 * Every array is published by compare-and-set; a writer reaches them all from the one reference.
 *
 * <p>A bucket counter is an {@code int} that holds at most {@value #FULL_COUNT} calls (2^31). A writer
 * adds 1 with an atomic add; one that finds {@value #FULL_COUNT} or more already there counts its
 * call in the group's {@code long} overflow counter instead and then takes its add back, so the
 * {@code int} never wraps. A reader takes {@code min(int, 2^31) + overflow}: never more than the
 * calls counted, whatever it interleaves with. Overflow counters cost nothing until a call
 * finds 2^31 already counted in its bucket of its stripe (after about a day of a method called
 * 25,000 times a second, all in one bucket).
 *
 * <p>Invariants the reader relies on: values below {@value Buckets#LINEAR_LIMIT} ns are counted
 * only in their bucket (one value per bucket), never in sum, min or max, so {@link #snapshot} derives
 * those exactly from the counts; min starts at {@code Long.MAX_VALUE} and max at -1. Every counter is
 * written atomically, so reading while writers run never blocks them and never tears a
 * value. Loaded from the bootstrap class path, so it uses only {@code java.base}.
 */
final class StripeCells {

    /** Atomic access to a bucket counter of a group. */
    static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(int[].class);
    /** Atomic access to a counter of the header or of an overflow group. */
    static final VarHandle AA = MethodHandles.arrayElementVarHandle(long[].class);
    /** Atomic access to a slot of the cells (counters', header's, overflow table's) or of the overflow table. */
    static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    /** Padding (in longs) on each side of a stripe's counters: 128 bytes. */
    static final int PAD = 16;
    static final int CALLS = PAD;
    static final int SUM = PAD + 1;
    static final int MIN = PAD + 2;
    static final int MAX = PAD + 3;
    static final int ERRORS = PAD + 4;
    static final int UNBUCKETED = PAD + 5;
    static final int HEADER_LONGS = PAD + 8 + PAD;
    /** Groups counted in the short calls' array: buckets below 256, calls under 512 ns. */
    static final int SHORT_GROUPS = 16;
    /** Buckets counted in the short calls' array. */
    static final int SHORT_BUCKETS = SHORT_GROUPS * GROUP_SIZE;
    /** Slot of a stripe's cells holding the short calls' counters. */
    static final int SHORT_SLOT = 0;
    /** Slot of a stripe's cells holding its counter header; slots from 1 below it hold the other bucket groups. */
    static final int HEADER_SLOT = GROUPS - SHORT_GROUPS + 1;
    /** Slot of a stripe's cells holding its overflow table: one {@code long[GROUP_SIZE]} per group, on demand. */
    static final int OVERFLOW_SLOT = HEADER_SLOT + 1;
    /** Slots of a stripe's cells. */
    static final int SLOTS = OVERFLOW_SLOT + 1;
    /** Calls a bucket's {@code int} counter holds at most (2^31; as an {@code int}, {@code Integer.MIN_VALUE}). */
    static final long FULL_COUNT = 1L << 31;
    /**
     * A writer whose add finds a multiple of this in the counter checks for contention (one
     * compare-and-set, see {@link MethodStats#record}): the other adds need not read the counter first.
     */
    static final int PROBE_EVERY = 64;

    private StripeCells() {
    }

    /** Fresh cells: no groups yet, a header with min and max at their "nothing seen" values. */
    static Object[] newCells() {
        final long[] h = new long[HEADER_LONGS];
        h[MIN] = Long.MAX_VALUE;
        h[MAX] = -1L;
        final Object[] cells = new Object[SLOTS];
        cells[HEADER_SLOT] = h;
        return cells;
    }

    /** The slot of a stripe's cells holding the counters of group {@code gi}. */
    static int slotOf(int gi) {
        return gi < SHORT_GROUPS ? SHORT_SLOT : gi - SHORT_GROUPS + 1;
    }

    /** Where bucket {@code idx}'s counter is in the array of the slot {@link #slotOf} names. */
    static int at(int idx) {
        return idx < SHORT_BUCKETS ? idx : idx & (GROUP_SIZE - 1);
    }

    /** The header of a stripe's cells. */
    static long[] header(Object[] cells) {
        return (long[]) cells[HEADER_SLOT];
    }

    /** Calls counted in a bucket's {@code int} counter: its value, at most {@link #FULL_COUNT} (a writer past it is taking its add back). */
    static long held(int counter) {
        return counter < 0 ? FULL_COUNT : counter;
    }

    /** The overflow counters of group {@code gi} of a stripe's cells, or null if none of its buckets filled up. */
    static long[] overflowOf(Object[] cells, int gi) {
        final Object[] table = (Object[]) SLOT.getAcquire(cells, OVERFLOW_SLOT);
        return table == null ? null : (long[]) SLOT.getAcquire(table, gi);
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
            final int from = at(gi << GROUP_BITS);
            for (MethodStats.Stripe s : ss) {
                final int[] g = (int[]) SLOT.getAcquire(s.cells, slotOf(gi));
                if (g == null) {
                    continue;
                }
                if (!any) {
                    Arrays.fill(agg, 0L);
                    any = true;
                }
                for (int i = 0; i < GROUP_SIZE; i++) {
                    agg[i] += held((int) COUNT.getVolatile(g, from + i));
                }
                final long[] over = overflowOf(s.cells, gi); // after the ints: a call moving over is in neither or one
                if (over != null) {
                    for (int i = 0; i < GROUP_SIZE; i++) {
                        agg[i] += (long) AA.getVolatile(over, i);
                    }
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
            final long[] h = header(s.cells);
            sum += (long) AA.getVolatile(h, SUM);
            min = Math.min(min, (long) AA.getVolatile(h, MIN));
            max = Math.max(max, (long) AA.getVolatile(h, MAX));
            unbucketed += (long) AA.getVolatile(h, UNBUCKETED);
        }
        for (MethodStats.Stripe s : ss) {
            errors += (long) AA.getVolatile(header(s.cells), ERRORS);
            calls += (long) AA.getVolatile(header(s.cells), CALLS);
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
