package dev.forgeperf.timing;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.forgeperf.bootstrap.MethodStats;
import dev.forgeperf.bootstrap.Recorder;
import dev.forgeperf.bootstrap.TimingSnapshot;
import dev.forgeperf.runtime.HeapGuard;
import dev.forgeperf.util.Log;

/**
 * Per-interval timing history: at every tick of the runtime sampler, each timed method's calls in
 * the interval since the previous tick and the percentiles of those calls alone, from the
 * difference of its cumulative histogram between the two ticks ({@link Interval#between}).
 *
 * <p>Bounded: at most {@value #MAX_METHODS} methods have a series. At each tick the {@value #TOP}
 * methods with the most calls in the interval get one if they have none (taking a free one, else
 * the one of the method idle the longest); a method that has a series keeps getting a point each
 * tick (0 calls when idle). A series holds as many points as the sampler's ring, at
 * {@value #BYTES_PER_POINT} bytes a point (the call count and three histogram bucket indices), so
 * the history takes at most {@code MAX_METHODS * capacity * BYTES_PER_POINT} bytes (448 KB with
 * the default 1000 samples) plus 24 bytes a tick for the times, and the previous tick's counts of
 * each timed method (its non-empty buckets only: 12 bytes each, {@link #countsBytes}). A tick reads
 * every timed method: time proportional to the histogram buckets in use, and it allocates about
 * {@link #countsBytes} of short-lived snapshots, so it is skipped (logged once, counted by
 * {@link #skipped}) when the heap has less than twice that free.
 *
 * <p>A method whose counts went down since the previous tick ({@code timings --reset}, a released
 * row) is taken as restarted: its interval is what it counted since. Thread-safe: {@link #tick} on
 * the sampler thread, readers anywhere; both hold the history's lock, ticks for time proportional
 * to the histogram buckets in use, readers for the points they copy.
 */
public final class TimingHistory {
    /** Methods that may get a series at one tick: the ones with the most calls in its interval. */
    public static final int TOP = 16;
    /** Series kept at most. */
    public static final int MAX_METHODS = 32;
    /** Heap bytes per method per point: a {@code long} call count and three {@code short} bucket indices. */
    public static final int BYTES_PER_POINT = Long.BYTES + 3 * Short.BYTES;

    private final int capacity;
    private final long[] timeMillis;
    private final long[] uptimeMillis;
    private final long[] intervalMillis;
    private long lastUptime;
    private final Series[] series = new Series[MAX_METHODS];
    private IdentityHashMap<MethodStats, TimingSnapshot> previous = new IdentityHashMap<>();
    private IdentityHashMap<MethodStats, TimingSnapshot> current = new IdentityHashMap<>();
    /** Ticks taken; the first one only reads the counts (there is no interval before it). */
    private long ticks;
    /** Points stored (ticks after the first). */
    private long points;
    /** About what the previous tick's snapshots hold (a tick allocates as much again). */
    private long snapshotBytes;
    /** Ticks skipped because the heap was too full for their snapshots. */
    private long skipped;

    /** @param capacity points kept per method: the sampler ring's size */
    public TimingHistory(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("a history needs at least 2 points, not " + capacity);
        }
        this.capacity = capacity;
        this.timeMillis = new long[capacity];
        this.uptimeMillis = new long[capacity];
        this.intervalMillis = new long[capacity];
    }

    /** Points kept per method. */
    public int capacity() {
        return capacity;
    }

    /** Samples whose counts were read (the first one only reads them: points start at the second). */
    public synchronized long samplesRead() {
        return ticks;
    }

    /** Samples skipped because the heap was too full to read the counts (their calls are in the next point). */
    public synchronized long skipped() {
        return skipped;
    }

    /** About the heap the previous sample's counts hold: 12 bytes per non-empty bucket of each timed method, plus 96 per method. */
    public synchronized long countsBytes() {
        return snapshotBytes;
    }

    /** The most heap the points can take (all {@value #MAX_METHODS} series full), times included. */
    public long maxBytes() {
        return (long) capacity * (MAX_METHODS * (long) BYTES_PER_POINT + 3L * Long.BYTES);
    }

    /** One tick of the runtime sampler: reads every timed method (the registry's rows). */
    public void tick(long timeMillis, long uptimeMillis) {
        tick(timeMillis, uptimeMillis, Recorder.all());
    }

    /** One tick over the given rows (tests). */
    synchronized void tick(long time, long uptime, List<MethodStats> all) {
        if (HeapGuard.freeNow() < 2 * snapshotBytes + (1L << 20)) {
            // the next tick's interval covers this one too: no call is lost, one point is longer
            skipped++;
            Log.once("timing-history-heap", "per-interval timing history: a sample was skipped, the heap is too full to read every timed method's counts");
            return;
        }
        boolean first = ticks++ == 0;
        long bytes = 0;
        int n = all.size();
        MethodStats[] top = new MethodStats[TOP];
        long[] topCalls = new long[TOP];
        int topSize = 0;
        current.clear();
        for (int i = 0; i < n; i++) {
            MethodStats s = all.get(i);
            TimingSnapshot now = s.snapshot();
            current.put(s, now);
            bytes += 96 + 12L * now.bucketCount();
            if (first) {
                continue;
            }
            TimingSnapshot before = previous.get(s);
            long calls = before == null || now.count() < before.count() ? now.count() : now.count() - before.count();
            if (calls <= 0) {
                continue;
            }
            // keep the TOP largest, in descending order (insertion into a tiny sorted array)
            int at = topSize < TOP ? topSize++ : TOP;
            while (at > 0 && topCalls[at - 1] < calls) {
                if (at < TOP) {
                    top[at] = top[at - 1];
                    topCalls[at] = topCalls[at - 1];
                }
                at--;
            }
            if (at < TOP) {
                top[at] = s;
                topCalls[at] = calls;
            }
        }
        if (!first) {
            long k = points++;
            int slot = (int) (k % capacity);
            timeMillis[slot] = time;
            uptimeMillis[slot] = uptime;
            intervalMillis[slot] = uptime - lastUptime;
            for (Series x : series) {
                if (x != null) {
                    x.store(k, slot, interval(x.stats));
                }
            }
            for (int i = 0; i < topSize; i++) {
                if (find(top[i]) == null) {
                    Series x = seriesFor(top[i], k, top, topSize);
                    x.store(k, slot, interval(top[i]));
                }
            }
        }
        lastUptime = uptime;
        snapshotBytes = bytes;
        IdentityHashMap<MethodStats, TimingSnapshot> swap = previous;
        previous = current;
        current = swap;
        current.clear();
    }

    private Interval interval(MethodStats s) {
        TimingSnapshot now = current.get(s);
        return now == null ? Interval.NONE : Interval.between(previous.get(s), now);
    }

    private Series find(MethodStats s) {
        for (Series x : series) {
            if (x != null && x.stats == s) {
                return x;
            }
        }
        return null;
    }

    /** A series for {@code s} starting at point {@code k}: a free one, else the one idle the longest (never one of this tick's top). */
    private Series seriesFor(MethodStats s, long k, MethodStats[] top, int topSize) {
        int victim = -1;
        for (int i = 0; i < series.length; i++) {
            Series x = series[i];
            if (x == null) {
                series[i] = new Series(s, k, capacity);
                return series[i];
            }
            boolean inTop = false;
            for (int j = 0; j < topSize; j++) {
                inTop |= top[j] == x.stats;
            }
            if (!inTop && (victim < 0 || x.lastActive < series[victim].lastActive)) {
                victim = i;
            }
        }
        series[victim].restart(s, k);
        return series[victim];
    }

    /**
     * The methods with a series, by their {@code timings} names, most calls in the kept points
     * first: name, points and calls.
     */
    public synchronized List<Map<String, Object>> methods() {
        Map<MethodStats, String> names = RowNames.displayNames(Recorder.all());
        List<Series> kept = new ArrayList<>();
        for (Series x : series) {
            if (x != null) {
                kept.add(x);
            }
        }
        kept.sort((a, b) -> Long.compare(b.callsKept(points, capacity), a.callsKept(points, capacity)));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Series x : kept) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", names.getOrDefault(x.stats, x.stats.name()));
            m.put("points", x.held(points, capacity));
            m.put("calls", x.callsKept(points, capacity));
            out.add(m);
        }
        return out;
    }

    /**
     * The last {@code max} points (all kept when {@code max <= 0}) of the method shown as
     * {@code method} by {@code timings}, oldest first; null when it has no series.
     */
    public synchronized Map<String, Object> toMap(String method, int max) {
        Map<MethodStats, String> names = RowNames.displayNames(Recorder.all());
        Series found = null;
        for (Series x : series) {
            if (x != null && method.equals(names.getOrDefault(x.stats, x.stats.name()))) {
                found = x;
            }
        }
        if (found == null) {
            return null;
        }
        int held = found.held(points, capacity);
        int n = max <= 0 ? held : Math.min(max, held);
        List<Object> rows = new ArrayList<>(n);
        for (long k = points - n; k < points; k++) {
            int slot = (int) (k % capacity);
            long interval = intervalMillis[slot];
            long calls = found.calls[slot];
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("timeMillis", timeMillis[slot]);
            r.put("uptimeMillis", uptimeMillis[slot]);
            r.put("intervalMillis", interval);
            r.put("calls", calls);
            r.put("callsPerSecond", interval <= 0 ? null : Math.round(calls * 1e4 / interval) / 10.0);
            r.put("p50Nanos", nanos(found.p50[slot], false));
            r.put("p99Nanos", nanos(found.p99[slot], false));
            r.put("maxBucketNanos", nanos(found.max[slot], true));
            rows.add(r);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method);
        m.put("capacity", capacity);
        m.put("count", n);
        m.put("points", rows);
        return m;
    }

    private static Long nanos(short bucket, boolean top) {
        return bucket < 0 ? null : top ? TimingSnapshot.bucketTop(bucket) : TimingSnapshot.bucketValue(bucket);
    }

    /** One method's points, in a ring aligned with the history's ticks. */
    private static final class Series {
        MethodStats stats;
        long first;
        long lastActive;
        final long[] calls;
        final short[] p50;
        final short[] p99;
        final short[] max;

        Series(MethodStats stats, long first, int capacity) {
            this.calls = new long[capacity];
            this.p50 = new short[capacity];
            this.p99 = new short[capacity];
            this.max = new short[capacity];
            restart(stats, first);
        }

        void restart(MethodStats s, long k) {
            stats = s;
            first = k;
            lastActive = k;
        }

        void store(long k, int slot, Interval i) {
            calls[slot] = i.calls;
            p50[slot] = (short) i.p50Bucket;
            p99[slot] = (short) i.p99Bucket;
            max[slot] = (short) i.maxBucket;
            if (i.calls > 0) {
                lastActive = k;
            }
        }

        int held(long points, int capacity) {
            return (int) Math.min(points - first, capacity);
        }

        long callsKept(long points, int capacity) {
            long sum = 0;
            for (long k = points - held(points, capacity); k < points; k++) {
                sum += calls[(int) (k % capacity)];
            }
            return sum;
        }
    }

    /**
     * What a method did between two snapshots of its cumulative statistics: its calls, and the
     * histogram buckets of the median, the 99th percentile and the largest value of the calls timed
     * in between (-1 when none was timed). A bucket's value is {@link TimingSnapshot#bucketValue}
     * (within 1/128 of the true value at that rank).
     */
    public static final class Interval {
        static final Interval NONE = new Interval(0, 0, -1, -1, -1);

        public final long calls;
        public final long timed;
        public final int p50Bucket;
        public final int p99Bucket;
        public final int maxBucket;

        Interval(long calls, long timed, int p50Bucket, int p99Bucket, int maxBucket) {
            this.calls = calls;
            this.timed = timed;
            this.p50Bucket = p50Bucket;
            this.p99Bucket = p99Bucket;
            this.maxBucket = maxBucket;
        }

        /** The interval's median in nanoseconds, -1 when no call was timed. */
        public long p50Nanos() {
            return p50Bucket < 0 ? -1 : TimingSnapshot.bucketValue(p50Bucket);
        }

        /** The interval's 99th percentile in nanoseconds, -1 when no call was timed. */
        public long p99Nanos() {
            return p99Bucket < 0 ? -1 : TimingSnapshot.bucketValue(p99Bucket);
        }

        /**
         * The calls counted in {@code now} and not in {@code before} (null: none before). When a
         * count went down (the statistics were reset or released in between) the method restarted:
         * the interval is all of {@code now}. Time proportional to the non-empty buckets of both.
         */
        public static Interval between(TimingSnapshot before, TimingSnapshot now) {
            if (before != null && (now.count() < before.count() || decreased(before, now))) {
                before = null;
            }
            long calls = before == null ? now.count() : now.count() - before.count();
            long timed = before == null ? now.histogramCount() : now.histogramCount() - before.histogramCount();
            if (timed <= 0) {
                return new Interval(calls, 0, -1, -1, -1);
            }
            long rank50 = rank(50, timed);
            long rank99 = rank(99, timed);
            int p50 = -1;
            int p99 = -1;
            int max = -1;
            long seen = 0;
            int j = 0;
            int nb = before == null ? 0 : before.bucketCount();
            for (int i = 0; i < now.bucketCount(); i++) {
                int bucket = now.bucketIndexAt(i);
                long in = inBucket(now, i);
                while (j < nb && before.bucketIndexAt(j) < bucket) {
                    j++;
                }
                if (j < nb && before.bucketIndexAt(j) == bucket) {
                    in -= inBucket(before, j);
                }
                if (in <= 0) {
                    continue;
                }
                seen += in;
                if (p50 < 0 && seen >= rank50) {
                    p50 = bucket;
                }
                if (p99 < 0 && seen >= rank99) {
                    p99 = bucket;
                }
                max = bucket;
            }
            return new Interval(calls, timed, p50, p99, max);
        }

        private static long rank(double q, long n) {
            return Math.max(1L, Math.min(n, (long) Math.ceil(q / 100.0 * n)));
        }

        private static long inBucket(TimingSnapshot s, int j) {
            return s.cumulativeAt(j) - (j == 0 ? 0 : s.cumulativeAt(j - 1));
        }

        /** True when some bucket of {@code before} holds more calls than the same bucket of {@code now}. */
        private static boolean decreased(TimingSnapshot before, TimingSnapshot now) {
            int i = 0;
            for (int j = 0; j < before.bucketCount(); j++) {
                int bucket = before.bucketIndexAt(j);
                while (i < now.bucketCount() && now.bucketIndexAt(i) < bucket) {
                    i++;
                }
                if (i == now.bucketCount() || now.bucketIndexAt(i) != bucket || inBucket(now, i) < inBucket(before, j)) {
                    return true;
                }
            }
            return false;
        }
    }
}
