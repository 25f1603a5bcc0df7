package dev.forgeperf.bootstrap;

import static dev.forgeperf.bootstrap.Buckets.BUCKETS;
import static dev.forgeperf.bootstrap.Buckets.GROUPS;
import static dev.forgeperf.bootstrap.Buckets.GROUP_BITS;
import static dev.forgeperf.bootstrap.Buckets.GROUP_SIZE;
import static dev.forgeperf.bootstrap.Buckets.LINEAR_LIMIT;
import static dev.forgeperf.bootstrap.Buckets.SUB_BUCKET_BITS;

import static dev.forgeperf.bootstrap.StripeCells.AA;
import static dev.forgeperf.bootstrap.StripeCells.CALLS;
import static dev.forgeperf.bootstrap.StripeCells.COUNT;
import static dev.forgeperf.bootstrap.StripeCells.ERRORS;
import static dev.forgeperf.bootstrap.StripeCells.FULL_COUNT;
import static dev.forgeperf.bootstrap.StripeCells.HEADER_LONGS;
import static dev.forgeperf.bootstrap.StripeCells.OVERFLOW_SLOT;
import static dev.forgeperf.bootstrap.StripeCells.PROBE_EVERY;
import static dev.forgeperf.bootstrap.StripeCells.SLOT;
import static dev.forgeperf.bootstrap.StripeCells.SHORT_BUCKETS;
import static dev.forgeperf.bootstrap.StripeCells.SHORT_SLOT;
import static dev.forgeperf.bootstrap.StripeCells.SLOTS;
import static dev.forgeperf.bootstrap.StripeCells.at;
import static dev.forgeperf.bootstrap.StripeCells.slotOf;
import static dev.forgeperf.bootstrap.StripeCells.SUM;
import static dev.forgeperf.bootstrap.StripeCells.UNBUCKETED;
import static dev.forgeperf.bootstrap.StripeCells.extremes;
import static dev.forgeperf.bootstrap.StripeCells.header;
import static dev.forgeperf.bootstrap.StripeCells.lowerMin;
import static dev.forgeperf.bootstrap.StripeCells.raiseMax;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Wait-free timing statistics for one timed method: a log-linear latency histogram plus exact
 * call count, error count, total, min and max. Memory is bounded and does not depend on the
 * number of CPUs: one stripe until contention is observed, histogram groups allocated on first
 * use, and a process-wide byte budget ({@link TimingBudget}).
 *
 * <h2>Histogram</h2>
 * The buckets and their precision are {@link Buckets}': a value lands in one of {@value Buckets#BUCKETS}
 * buckets in {@value Buckets#GROUPS} groups of {@value Buckets#GROUP_SIZE}, and a reported percentile is
 * within 1/{@value Buckets#PERCENTILE_ERROR_DIVISOR} of the true value at its rank.
 *
 * <h2>Memory per method</h2>
 * Nothing until the first call. The first call allocates one stripe: a counter header
 * (calls, sum, min, max, errors, calls not histogrammed, between two 128-byte pads) and a table
 * of {@value StripeCells#SLOTS} references ({@link StripeCells}), {@value #STRIPE_BYTES} bytes in all with the stripe array.
 * Counters are {@code int}s: a group of {@value Buckets#GROUP_SIZE} ({@value #GROUP_BYTES} bytes) is
 * allocated the first time a value of 512 ns or more falls into its quarter of a power of two, and
 * the first call under 512 ns allocates the {@value StripeCells#SHORT_BUCKETS} counters of all such
 * calls ({@value #SHORT_BYTES} bytes). So a method holds {@code STRIPE_BYTES + g * GROUP_BYTES} bytes
 * for the {@code g} groups its calls touched, plus {@code SHORT_BYTES} if any call took under 512 ns:
 * calls spread evenly over 5 powers of two (e.g. 20-600 us) touch 20 groups, 2.5 KiB; a narrow
 * peak with rare outliers up to seconds touches 25-35 groups, 2.9-3.6 KiB; 90 groups fit in 8
 * KiB (77 with the short calls' array); the hard ceiling (every bucket) is 11.9 KiB per stripe.
 * A bucket's counter holds 2^31 calls; the first call past that in one bucket of one stripe adds an
 * overflow table ({@value #OVERFLOW_TABLE_BYTES} bytes, once per stripe) and {@value #OVERFLOW_GROUP_BYTES}
 * bytes of {@code long} counters for its group. Byte counts assume compressed references and
 * 16-byte array headers (the default below 32 GB of heap).
 * A second stripe is added only when a write finds another thread on the same counter (a failed
 * compare-and-set, as {@code java.util.concurrent.atomic.LongAdder} does, tried on every
 * {@value StripeCells#PROBE_EVERY}th call into a bucket); stripes double up to
 * {@link #MAX_STRIPES} (the next power of two &ge; twice the CPUs, at most 16). Every byte except
 * the first stripe is taken from the process-wide budget; past the budget a method's calls are
 * still counted (count, errors, total, min, max exact) but not histogrammed, see
 * {@link TimingSnapshot#unbucketed()}. The first stripe is always granted, so a method can always
 * be counted: the number of methods is capped separately ({@link Recorder#setMaxMethods(int)}).
 *
 * <h2>Hot-path cost</h2>
 * {@link #record(long, boolean)} does no allocation after the first call into a power of two,
 * takes no lock and is lock-free. With one stripe: one volatile read of that stripe's cells (a
 * field of this object), the acquire read of the array holding the bucket's counter, and one
 * atomic add on that counter, with no read of the counter first (see {@link #count}). A call
 * under 512 ns finds its counter in the short calls' array, whose address does not depend on the
 * time measured; a longer one reads its group's reference at an index computed from the time
 * first, one more dependent load between the clock read and the atomic (about 4 ns on this x86,
 * JMH; less than 1% of such a call). A value below {@value Buckets#LINEAR_LIMIT} ns does nothing
 * else: each of those buckets holds one value, so the snapshot derives the exact sum, min and
 * max of such calls from the bucket counts, and the counter header is not even read. A value of
 * at least {@value Buckets#LINEAR_LIMIT} ns adds one more atomic add (the sum) and checks min and
 * max with a plain (opaque) read each, updating them by CAS only when the value improves, which
 * after warm-up is rare; {@code thrown} adds an atomic add. With one stripe (the uncontended
 * case) the thread is not even looked at; with more, the stripe is picked by a hash of the
 * thread id and a per-method salt that changes when contention persists at the maximum stripe
 * count (virtual threads' sparse ids hash as well as platform threads').
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

    // ---- stripe layout and sizes -----------------------------------------------------------

    /** Bytes of one group of counters: an {@code int[16]}. */
    public static final int GROUP_BYTES = 16 + GROUP_SIZE * 4;
    /** Bytes of the counters of calls under 512 ns: an {@code int[256]}, made at the first such call. */
    public static final int SHORT_BYTES = 16 + SHORT_BUCKETS * 4;
    /**
     * Bytes of one stripe (the Stripe object, its {@code long[40]} header and its table of
     * {@value StripeCells#SLOTS} references: the short calls' counters, 128 groups, the header and the
     * overflow table, see {@link StripeCells}) plus one slot of the stripe array and its header.
     */
    public static final int STRIPE_BYTES = 16 + (16 + HEADER_LONGS * 8) + ((16 + SLOTS * 4 + 7) & ~7) + 24;
    /** Most bytes one stripe holds before a counter overflows: every group and the short calls' counters. */
    public static final int CEILING_BYTES = STRIPE_BYTES + SHORT_BYTES + (GROUPS - StripeCells.SHORT_GROUPS) * GROUP_BYTES;
    /** Bytes of a stripe's overflow table, made when one of its bucket counters first fills up (2^31 calls). */
    static final int OVERFLOW_TABLE_BYTES = (16 + GROUPS * 4 + 7) & ~7;
    /** Bytes of one group's overflow counters: a {@code long[16]}. */
    static final int OVERFLOW_GROUP_BYTES = 16 + GROUP_SIZE * 8;

    /** Most stripes a method can grow to: nextPow2(2 x CPUs), 1..16 (system property {@code forgeperf.stripes}: 1..64). */
    public static final int MAX_STRIPES = stripeCount();
    /** Kept for tools that printed it: the most stripes a method may hold. */
    public static final int STRIPES = MAX_STRIPES;
    /**
     * Failed compare-and-sets on a method before it grows a stripe (or, at the maximum, rehashes).
     * A bucket's counter is probed once in {@value StripeCells#PROBE_EVERY} adds, so each failure
     * stands for many contended calls: 4 are evidence enough.
     */
    static final int CONTENTION_STEP = 4;

    private static final VarHandle BYTES;
    private static final VarHandle RESIZING;
    private static final VarHandle STRIPE_ARRAY;
    private static final VarHandle SINGLE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            BYTES = l.findVarHandle(MethodStats.class, "bytes", long.class);
            RESIZING = l.findVarHandle(MethodStats.class, "resizing", int.class);
            STRIPE_ARRAY = l.findVarHandle(MethodStats.class, "stripes", Stripe[].class);
            SINGLE = l.findVarHandle(MethodStats.class, "single", Object[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // ---- one method ------------------------------------------------------------------------

    private final String name;
    private final String qualifiedName;
    private final String loader;
    /** Null until the first call; replaced wholesale by {@link #reset()} and on growth (compare-and-set). */
    private volatile Stripe[] stripes;

    /**
     * One stripe: its {@link StripeCells cells}. A class of its own so that the JDK's class histogram
     * ({@code jcmd GC.class_histogram}) counts the stripes the process holds.
     */
    static final class Stripe {
        final Object[] cells = StripeCells.newCells();
    }
    /**
     * The cells of the only stripe while there is exactly one, else null: the uncontended hot path
     * reads this one field and then its group and header, with no stripe array in between.
     * Set after {@link #stripes} by the call that installed the first stripe, cleared on growth and
     * reset (see {@link #materialize()}).
     */
    private volatile Object[] single;
    /** Bytes this method holds (its stripes, counter arrays and overflow counters). */
    private volatile long bytes;
    private volatile int resizing;
    /** Racy counters: approximate is fine, they only pace growth and rehashing. */
    private int contention;
    private int salt;

    /**
     * @param name display name, e.g. {@code com.acme.OrderService#handle(Order)}
     */
    public MethodStats(String name) {
        this(name, name, null);
    }

    /**
     * @param name          short display name, e.g. {@code com.acme.OrderService#handle(Order)}
     * @param qualifiedName the same with fully qualified parameter types, shown when two methods
     *                      share the short name
     * @param loader        label of the defining class loader, shown when two methods share the
     *                      qualified name; null for none
     */
    public MethodStats(String name, String qualifiedName, String loader) {
        if (name == null) {
            throw new NullPointerException("name");
        }
        this.name = name;
        this.qualifiedName = qualifiedName == null ? name : qualifiedName;
        this.loader = loader;
    }

    /** The display name given at construction. */
    public String name() {
        return name;
    }

    /** The display name with fully qualified parameter types. */
    public String qualifiedName() {
        return qualifiedName;
    }

    /** Label of the defining class loader, or null. */
    public String loader() {
        return loader;
    }

    /** Bytes held by this method's statistics right now (0 before the first call and after a reset). */
    public long bytes() {
        return bytes;
    }

    // ---- hot path ---------------------------------------------------------------------------

    /**
     * Records one timed call. Lock-free and allocation-free after warm-up; never throws.
     *
     * @param nanos  elapsed nanoseconds; negative values are recorded as 0
     * @param thrown whether the call completed by throwing (counted as an error)
     */
    public void record(long nanos, boolean thrown) {
        final long v = nanos & ~(nanos >> 63); // clamp negative to 0, branch-free
        Object[] s = single;
        if (s == null) {
            s = stripe();
        }
        final int shift = (63 - SUB_BUCKET_BITS) - Long.numberOfLeadingZeros(v | (LINEAR_LIMIT - 1));
        final int idx = Math.min((shift << SUB_BUCKET_BITS) + (int) (v >>> shift), BUCKETS - 1);
        // read before the branch: its address does not depend on the time measured (see StripeCells)
        final int[] shortCounts = (int[]) SLOT.getAcquire(s, SHORT_SLOT);
        int[] g;
        if (idx < SHORT_BUCKETS && shortCounts != null) {
            g = shortCounts;
        } else {
            g = (int[]) SLOT.getAcquire(s, slotOf(idx >>> GROUP_BITS));
            if (g == null) {
                g = counters(s, idx);
            }
        }
        if (g != null && count(s, g, idx)) {
            if (v >= LINEAR_LIMIT) {
                // below LINEAR_LIMIT every bucket holds a single value, so the snapshot derives the
                // exact sum, min and max of those calls from the bucket counts: a short call costs
                // one atomic and never reads the counter header
                final long[] h = header(s);
                long unused = (long) AA.getAndAdd(h, SUM, v);
                extremes(h, v);
            }
        } else {
            unbucketed(s, v);
        }
        if (thrown) {
            long unused = (long) AA.getAndAdd(header(s), ERRORS, 1L);
        }
    }

    /**
     * Adds one call to bucket {@code idx}, whose counter is in {@code g} (see {@link StripeCells#at}):
     * one atomic add, which needs no read of the counter before it (a compare-and-set would, and
     * on x86 that read before the locked instruction costs about as much again right after the
     * clock read). Contention is therefore looked for on every {@value StripeCells#PROBE_EVERY}th
     * add into a bucket only: a compare-and-set of the counter onto itself, which fails when
     * another thread wrote it in between. So a stripe grows after about 64 times as many
     * contended calls as a failed compare-and-set on every call would need: heavy contention
     * (two threads on one short method) still grows one within milliseconds, and occasional
     * collisions of a thread pool's calls no longer do. A bucket past 2^31 calls takes three
     * atomics per call (the add, the overflow counter's, the add taken back) until a reset.
     *
     * @return false if the call could not be counted in the bucket (its counter is full and the
     *     budget has no room for overflow counters): the caller counts it as not histogrammed
     */
    private boolean count(Object[] cells, int[] g, int idx) {
        final int at = at(idx);
        final int prev = (int) COUNT.getAndAdd(g, at, 1);
        if (prev < 0) {
            return overflow(cells, g, idx);
        }
        if ((prev & (PROBE_EVERY - 1)) == 0) {
            final int c = (int) COUNT.getVolatile(g, at);
            if (!COUNT.compareAndSet(g, at, c, c)) {
                contended();
            }
        }
        return true;
    }

    /**
     * Bucket {@code idx}'s {@code int} counter (in {@code g}) held {@link StripeCells#FULL_COUNT}
     * calls already: counts the call in its group's overflow counter instead and takes the add back (see
     * {@link StripeCells}).
     */
    private boolean overflow(Object[] cells, int[] g, int idx) {
        try {
            final long[] over = overflowCounters(cells, idx >>> GROUP_BITS);
            if (over == null) {
                return false;
            }
            long unused = (long) AA.getAndAdd(over, idx & (GROUP_SIZE - 1), 1L);
            return true;
        } finally {
            int unused = (int) COUNT.getAndAdd(g, at(idx), -1);
        }
    }

    /** A call not histogrammed (no room in the budget): counted, with its time, min and max. */
    private static void unbucketed(Object[] cells, long v) {
        final long[] h = header(cells);
        long unused = (long) AA.getAndAdd(h, UNBUCKETED, 1L);
        unused = (long) AA.getAndAdd(h, SUM, v);
        extremes(h, v);
    }

    /**
     * Counts one call in sampled mode (one atomic operation on the calling thread's stripe).
     *
     * @return the previous value of the calling thread's stripe call counter. Each stripe counts
     *     0, 1, 2, ... so {@code (incrementCount() & (N-1)) == 0} selects one call in N per
     *     stripe, i.e. about one in N overall.
     */
    public long incrementCount() {
        Object[] s = single;
        if (s == null) {
            s = stripe();
        }
        final long[] h = header(s);
        final long c = (long) AA.get(h, CALLS);
        if (AA.compareAndSet(h, CALLS, c, c + 1L)) {
            return c;
        }
        contended();
        return (long) AA.getAndAdd(h, CALLS, 1L);
    }

    /** Counts one error without recording a time (sampled mode, call not timed). */
    public void recordError() {
        Object[] s = single;
        if (s == null) {
            s = stripe();
        }
        final long[] h = header(s);
        long unused = (long) AA.getAndAdd(h, ERRORS, 1L);
    }

    /** A hash of the calling thread's id and the method's salt (only used with more than one stripe). */
    private static int probe(int salt) {
        long x = Thread.currentThread().getId() + (salt * 0x9E3779B97F4A7C15L);
        x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
        return (int) (x ^ (x >>> 33));
    }

    /**
     * The calling thread's stripe when {@link #single} is null: several stripes (picked by
     * {@link #probe}), or none yet.
     */
    private Object[] stripe() {
        Stripe[] ss = stripes;
        if (ss == null) {
            ss = materialize();
        }
        return (ss.length == 1 ? ss[0] : ss[probe(salt) & (ss.length - 1)]).cells;
    }

    /**
     * The first call of the method (or the first after a reset) allocates its first stripe, with no
     * lock: the thread whose compare-and-set installs it publishes its cells as {@link #single}, then
     * takes them back if the stripes changed meanwhile ({@link #reset()} clears {@code stripes} before
     * {@code single}, {@link #grow} installs before clearing, so {@code single} never outlives its
     * stripe). A thread that lost the race counts into the winner's stripe (or, after a reset
     * meanwhile, into its own discarded one: a call in progress at a reset may be lost).
     */
    private Stripe[] materialize() {
        final Stripe stripe = new Stripe();
        final Object[] cells = stripe.cells;
        final Stripe[] fresh = {stripe};
        if (STRIPE_ARRAY.compareAndSet(this, (Stripe[]) null, fresh)) {
            account(STRIPE_BYTES); // the first stripe is granted beyond the budget: calls are always counted
            single = cells;
            if (stripes != fresh) {
                SINGLE.compareAndSet(this, cells, (Object[]) null);
            }
            return fresh;
        }
        final Stripe[] ss = stripes;
        return ss != null ? ss : fresh;
    }

    /**
     * The array holding bucket {@code idx}'s counter in a stripe's cells (the short calls' or a
     * group's, see {@link StripeCells}), made if the budget allows; null if it does not.
     */
    private int[] counters(Object[] cells, int idx) {
        final int slot = slotOf(idx >>> GROUP_BITS);
        return slot == SHORT_SLOT
                ? (int[]) claim(cells, slot, INTS, SHORT_BUCKETS, SHORT_BYTES)
                : (int[]) claim(cells, slot, INTS, GROUP_SIZE, GROUP_BYTES);
    }

    /**
     * The overflow counters of group {@code gi} of a stripe's cells, made (with the stripe's
     * overflow table) if the budget allows; null if it does not.
     */
    private long[] overflowCounters(Object[] cells, int gi) {
        final Object[] table = (Object[]) claim(cells, OVERFLOW_SLOT, TABLE, GROUPS, OVERFLOW_TABLE_BYTES);
        return table == null ? null : (long[]) claim(table, gi, LONGS, GROUP_SIZE, OVERFLOW_GROUP_BYTES);
    }

    /** Kinds of array {@link #claim} makes: {@code int[]}, {@code long[]}, {@code Object[]}. */
    private static final int INTS = 0;
    private static final int LONGS = 1;
    private static final int TABLE = 2;

    /**
     * The array in {@code holder[slot]}; if there is none yet, a fresh one of {@code kind} and
     * {@code length}, published by compare-and-set, its {@code bytes} taken from the budget first
     * and given back if another thread published first or the allocation failed. Null if the
     * budget has no room (said once per process).
     */
    private Object claim(Object[] holder, int slot, int kind, int length, int bytes) {
        final Object held = SLOT.getAcquire(holder, slot);
        if (held != null) {
            return held;
        }
        if (!TimingBudget.reserve(bytes)) {
            TimingBudget.exceeded();
            return null;
        }
        boolean published = false;
        try {
            final Object fresh = kind == INTS ? new int[length] : kind == LONGS ? (Object) new long[length] : new Object[length];
            published = SLOT.compareAndSet(holder, slot, (Object) null, fresh);
            if (published) {
                long unused = (long) BYTES.getAndAdd(this, (long) bytes);
                return fresh;
            }
        } finally {
            if (!published) {
                TimingBudget.giveBack(bytes);
            }
        }
        return SLOT.getAcquire(holder, slot);
    }

    /**
     * Contention seen: every {@value #CONTENTION_STEP}th time the stripes double (up to
     * {@link #MAX_STRIPES}, within the budget), or at the maximum the threads are rehashed. Only one
     * contending thread grows at a time (the others go on), and no thread ever waits for it: there is
     * no lock anywhere on the write path, growth included.
     */
    private void contended() {
        final int n = ++contention;
        if ((n & (CONTENTION_STEP - 1)) != 0) {
            return;
        }
        final Stripe[] ss = stripes;
        if (ss == null) {
            return; // reset meanwhile
        }
        if (ss.length >= MAX_STRIPES) {
            salt++;
            return;
        }
        if (!RESIZING.compareAndSet(this, 0, 1)) {
            return;
        }
        try {
            grow(ss);
        } finally {
            resizing = 0;
        }
    }

    /** Doubles the stripes (one thread at a time, see {@link #contended()}); gives up if they changed meanwhile. */
    private void grow(Stripe[] ss) {
        final long add = (long) ss.length * STRIPE_BYTES;
        if (!TimingBudget.reserve(add)) {
            TimingBudget.exceeded();
            return;
        }
        boolean installed = false;
        try {
            final Stripe[] grown = new Stripe[ss.length << 1];
            System.arraycopy(ss, 0, grown, 0, ss.length);
            for (int i = ss.length; i < grown.length; i++) {
                grown[i] = new Stripe();
            }
            installed = STRIPE_ARRAY.compareAndSet(this, ss, grown);
            if (installed) {
                long unused = (long) BYTES.getAndAdd(this, add);
                single = null; // writers still on the old stripe count into grown[0]
            }
        } finally {
            if (!installed) {
                TimingBudget.giveBack(add); // reset meanwhile, or no heap for the stripes
            }
        }
    }

    /** Adds {@code n} bytes to this method's and the process's count (the first stripe: granted beyond the budget). */
    private void account(long n) {
        long unused = (long) BYTES.getAndAdd(this, n);
        TimingBudget.take(n);
    }

    // ---- readers ----------------------------------------------------------------------------

    /**
     * Aggregates all stripes into an immutable snapshot. May run concurrently with writers and
     * never blocks them. Costs in proportion to the groups in use, not to {@link Buckets#BUCKETS}.
     *
     * <p>Consistency: every field is read atomically and is exact for the calls that had
     * completed when it was read, but fields are read one after another, so calls completing
     * during the snapshot may be reflected in some fields and not others (e.g. counted in the
     * histogram but not yet in the total) - at most one in-flight call per recording thread.
     * Buckets are read before the call counters, so in sampled mode {@code count >= timedCount}.
     * A snapshot taken while no call is being recorded is exact.
     */
    public TimingSnapshot snapshot() {
        return snapshot(name);
    }

    /** As {@link #snapshot()}, under another display name. */
    public TimingSnapshot snapshot(String displayName) {
        return StripeCells.snapshot(displayName, stripes, bytes);
    }

    /**
     * Adds a snapshot's calls to these statistics (folding a row whose class was unloaded into
     * another). Off the hot path; groups come from the budget like any other (what does not fit
     * is counted without a histogram).
     */
    public void add(TimingSnapshot s) {
        if (s.count() == 0 && s.errors() == 0) {
            return;
        }
        Stripe[] ss = stripes;
        if (ss == null) {
            ss = materialize();
        }
        final Object[] st = ss[0].cells;
        final long[] h = header(st);
        long linearSum = 0;
        long prev = 0;
        long unbucketedAdd = s.unbucketed();
        for (int j = 0; j < s.bucketCount(); j++) {
            final int idx = s.bucketIndexAt(j);
            final long c = s.cumulativeAt(j) - prev;
            prev = s.cumulativeAt(j);
            final int[] g = counters(st, idx);
            final long left = g == null ? c : add(st, g, idx, c);
            unbucketedAdd += left; // their time stays in the sum below
            if (idx < LINEAR_LIMIT) {
                linearSum += (c - left) * idx;
            }
        }
        long unused = (long) AA.getAndAdd(h, SUM, s.timedTotalNanos() - linearSum);
        unused = (long) AA.getAndAdd(h, UNBUCKETED, unbucketedAdd);
        unused = (long) AA.getAndAdd(h, ERRORS, s.errors());
        if (s.sampled()) {
            unused = (long) AA.getAndAdd(h, CALLS, s.count());
        }
        if (s.timedCount() > 0) {
            lowerMin(h, s.minNanos());
            raiseMax(h, s.maxNanos());
        }
    }

    /**
     * Adds {@code n} calls to bucket {@code idx}, whose counter is in {@code g}: into that
     * {@code int} counter up to {@link StripeCells#FULL_COUNT}, the rest into the group's overflow
     * counter.
     *
     * @return the calls that fit in neither (no room in the budget for overflow counters), 0 if all did
     */
    private long add(Object[] cells, int[] g, int idx, long n) {
        final int at = at(idx);
        long rest = n;
        for (int c; rest > 0 && (c = (int) COUNT.getVolatile(g, at)) >= 0; ) {
            final long fits = Math.min(rest, FULL_COUNT - c);
            if (COUNT.compareAndSet(g, at, c, (int) (c + fits))) {
                rest -= fits;
            }
        }
        if (rest == 0) {
            return 0;
        }
        final long[] over = overflowCounters(cells, idx >>> GROUP_BITS);
        if (over == null) {
            return rest;
        }
        long unused = (long) AA.getAndAdd(over, idx & (GROUP_SIZE - 1), rest);
        return 0;
    }

    /**
     * Zeroes all statistics by atomically swapping the stripes out, and gives their memory back
     * to the budget.
     *
     * <p>Under concurrent writes, every call is either entirely counted in the new period or
     * entirely discarded (a writer reads the stripe array once per call): a call that was in progress
     * when {@code reset()} ran may be lost, but no call is ever partially counted (e.g. counted
     * without its time). In sampled mode a call counted before the reset but timed after it can
     * make the new period's timed count exceed its call count by one; the snapshot then reports
     * {@code count = max(calls, timedCount)}. A group allocated by such an in-flight call is
     * counted in the new period's bytes (at most one counter array, or overflow table and group, per recording thread); so is a first
     * stripe installed, or a growth done, by a call racing the reset (there is no lock between
     * them): the count errs on the high side, so the budget is never exceeded.
     */
    public void reset() {
        stripes = null; // before single: see materialize()
        single = null;
        TimingBudget.giveBack((long) BYTES.getAndSet(this, 0L));
    }

    /** Resets and gives up the memory for good (the method's class was unloaded). */
    public void release() {
        reset();
    }

    /** Number of stripes this method holds right now (0 before the first call). */
    public int stripesHeld() {
        final Stripe[] ss = stripes;
        return ss == null ? 0 : ss.length;
    }

    // ---- setup ------------------------------------------------------------------------------

    private static int stripeCount() {
        // twice the CPUs: a hash puts two busy threads on one stripe half the time with as many
        // stripes as CPUs
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
