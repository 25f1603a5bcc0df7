package dev.forgeperf.runtime;

import java.util.Arrays;

/**
 * A set of stop-the-world pause durations (ms) with their percentiles: what
 * {@link GcMonitor#pauses} found in its ring for a window (the input of the GC pause figures of
 * {@code metrics} and of the {@code gcPause} health check).
 *
 * <p>Immutable (the arrays are copies of the ring's, held only here), so any thread may read it;
 * its size is at most the ring's {@value GcEventRing#CAPACITY} pauses.
 */
public final class GcPauses {
    private final long[] durations;
    private final long[] ends;
    private final long[] sorted;
    /** True when older pauses of the asked window were already overwritten in the ring. */
    public final boolean truncated;

    GcPauses(long[] durations, long[] ends, boolean truncated) {
        this.durations = durations;
        this.ends = ends;
        this.sorted = durations.clone();
        Arrays.sort(sorted);
        this.truncated = truncated;
    }

    public int count() {
        return durations.length;
    }

    public long totalMillis() {
        long t = 0;
        for (long d : durations) {
            t += d;
        }
        return t;
    }

    /** Nearest-rank percentile (0 < p <= 100) in ms, -1 when there are no pauses. */
    public long percentile(double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public long max() {
        return sorted.length == 0 ? -1 : sorted[sorted.length - 1];
    }

    /** End (uptime ms) of the longest pause, -1 when none. */
    public long maxEndUptime() {
        long best = -1;
        long at = -1;
        for (int i = 0; i < durations.length; i++) {
            if (durations[i] >= best) {
                best = durations[i];
                at = ends[i];
            }
        }
        return at;
    }
}
