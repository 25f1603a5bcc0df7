package dev.forgeperf.profile;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The time spans of chosen calls (the slow calls of a latency profile), per Java thread: a
 * {@link JfrReader} given them ({@link ProfileOptions#withCalls}) keeps only the samples taken on
 * a call's thread inside one of its spans, and of each wait only the part that overlaps them.
 *
 * <p>Built once ({@link Builder}), then read-only and thread-safe. Spans of one thread are sorted
 * and merged (a timed method that calls itself, or two specs' methods nested, count once), so a
 * lookup is a binary search. Memory: 16 bytes per call plus one map entry per thread.
 */
public final class CallWindows {
    /** Per Java thread id: sorted, disjoint {@code [start, end)} pairs (epoch nanoseconds), start at even indices. */
    private final Map<Long, long[]> spans;
    private final long calls;
    private final long nanos;

    private CallWindows(Map<Long, long[]> spans, long calls, long nanos) {
        this.spans = spans;
        this.calls = calls;
        this.nanos = nanos;
    }

    /** Collects calls; not thread-safe. */
    public static final class Builder {
        private final Map<Long, long[]> raw = new HashMap<>();
        private final Map<Long, int[]> counts = new HashMap<>();
        private long calls;
        private long nanos;

        /** Adds a call of thread {@code javaThreadId} from {@code start} to {@code end} (epoch nanoseconds); empty spans are ignored. */
        public Builder add(long javaThreadId, long start, long end) {
            if (end <= start) {
                return this;
            }
            long[] a = raw.computeIfAbsent(javaThreadId, k -> new long[8]);
            int[] n = counts.computeIfAbsent(javaThreadId, k -> new int[1]);
            if (n[0] + 2 > a.length) {
                a = Arrays.copyOf(a, a.length * 2);
                raw.put(javaThreadId, a);
            }
            a[n[0]++] = start;
            a[n[0]++] = end;
            calls++;
            nanos += end - start;
            return this;
        }

        public CallWindows build() {
            Map<Long, long[]> merged = new HashMap<>();
            raw.forEach((tid, a) -> merged.put(tid, merge(a, counts.get(tid)[0] / 2)));
            return new CallWindows(merged, calls, nanos);
        }

        private static long[] merge(long[] pairs, int n) {
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (x, y) -> Long.compare(pairs[2 * x], pairs[2 * y]));
            long[] out = new long[2 * n];
            int m = 0;
            for (int k = 0; k < n; k++) {
                long s = pairs[2 * order[k]];
                long e = pairs[2 * order[k] + 1];
                if (m > 0 && s <= out[m - 1]) {
                    out[m - 1] = Math.max(out[m - 1], e);
                } else {
                    out[m++] = s;
                    out[m++] = e;
                }
            }
            return Arrays.copyOf(out, m);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Calls added (before merging). */
    public long calls() {
        return calls;
    }

    /** The calls' summed durations (before merging), nanoseconds. */
    public long totalNanos() {
        return nanos;
    }

    /** Whether thread {@code javaThreadId} was inside a call at {@code epochNanos}. */
    public boolean contains(long javaThreadId, long epochNanos) {
        long[] a = spans.get(javaThreadId);
        if (a == null) {
            return false;
        }
        int i = lastStartAtOrBefore(a, epochNanos);
        return i >= 0 && epochNanos < a[i + 1];
    }

    /** How much of {@code [begin, end)} thread {@code javaThreadId} spent inside calls, nanoseconds. */
    public long overlap(long javaThreadId, long begin, long end) {
        long[] a = spans.get(javaThreadId);
        if (a == null || end <= begin) {
            return 0;
        }
        int i = lastStartAtOrBefore(a, begin);
        if (i < 0) {
            i = 0;
        }
        long sum = 0;
        for (; i < a.length && a[i] < end; i += 2) {
            long o = Math.min(end, a[i + 1]) - Math.max(begin, a[i]);
            if (o > 0) {
                sum += o;
            }
        }
        return sum;
    }

    /** The index (even) of the last span starting at or before {@code t}, or -1. */
    private static int lastStartAtOrBefore(long[] a, long t) {
        int lo = 0;
        int hi = a.length / 2 - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (a[2 * mid] <= t) {
                found = 2 * mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
