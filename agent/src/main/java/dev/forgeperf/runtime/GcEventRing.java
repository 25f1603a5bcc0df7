package dev.forgeperf.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The last {@value #CAPACITY} collections a {@link GcMonitor} was told of, in preallocated
 * primitive arrays (end time, duration, collector, heap used before and after, cause), and what is
 * read from them: the stop-the-world pauses of a window ({@link GcPauses}), the longest pause since
 * a time, the most recent collections ({@link GcMonitor.Event}).
 *
 * <p>A pause is an event of a stop-the-world collector (not one whose events are concurrent cycles,
 * {@link GcMonitor#isConcurrent}) whose cause is not one of the {@link #INDUCED_CAUSES}.
 *
 * <p>Bounded: the arrays are allocated once and older events overwritten; causes are interned, at
 * most {@value #MAX_CAUSES} distinct ones (a later new one reads {@code "other"}), so the ring
 * shares one string per cause.
 *
 * <p>Not thread-safe on its own: its {@link GcMonitor} calls it only under the monitor's lock, so
 * that an event and the monitor's latest state change together.
 */
final class GcEventRing {
    /** Events held; older ones are overwritten. */
    static final int CAPACITY = 4096;
    /**
     * Causes of collections that a diagnostic tool forces (a class histogram or heap dump: a
     * forge-perf snapshot, jmap): left out of the pause statistics, so that taking a snapshot does
     * not make the application's pauses look worse.
     */
    static final Set<String> INDUCED_CAUSES = Set.of("Heap Inspection Initiated GC", "Heap Dump Initiated GC");

    private final String[] names;
    private final boolean[] concurrent;
    private final long[] endUptime = new long[CAPACITY];
    private final long[] durationMillis = new long[CAPACITY];
    private final int[] collector = new int[CAPACITY];
    private final double[] heapBefore = new double[CAPACITY];
    private final double[] heapAfter = new double[CAPACITY];
    private final String[] cause = new String[CAPACITY];
    /** Distinct GC causes kept (interned, so the ring shares one string per cause); later new ones read "other". */
    static final int MAX_CAUSES = 64;
    /** At most {@link #MAX_CAUSES} entries. */
    private final Map<String, String> causes = new HashMap<>();
    private long events;

    /** A ring for the collectors {@code names}, {@code concurrent[i]} telling whether collector {@code i} reports concurrent cycles. */
    GcEventRing(String[] names, boolean[] concurrent) {
        this.names = names;
        this.concurrent = concurrent;
    }

    /**
     * The cause to keep for {@code why}: the first {@link #MAX_CAUSES} distinct causes are kept (one
     * shared string each), any later new one is {@code "other"}, so the map stays bounded.
     */
    String cause(String why) {
        if (why == null) {
            return null;
        }
        String known = causes.get(why);
        if (known != null) {
            return known;
        }
        if (causes.size() >= MAX_CAUSES) {
            return "other";
        }
        causes.put(why, why);
        return why;
    }

    /** How many distinct causes are kept (at most {@link #MAX_CAUSES}). */
    int causesKept() {
        return causes.size();
    }

    /** Adds one collection of collector {@code c} (an index into the names), overwriting the oldest when full. */
    void add(long endUptimeMillis, long duration, int c, double before, double after, String reason) {
        int slot = (int) (events % CAPACITY);
        endUptime[slot] = endUptimeMillis;
        durationMillis[slot] = duration;
        collector[slot] = c;
        heapBefore[slot] = before;
        heapAfter[slot] = after;
        cause[slot] = reason;
        events++;
    }

    /** Collections added (including ones the ring no longer holds). */
    long events() {
        return events;
    }

    /**
     * The stop-the-world pauses that ended at or after {@code sinceUptimeMillis}, oldest first;
     * collections forced by a class histogram or heap dump ({@link #INDUCED_CAUSES}) are left out.
     */
    GcPauses pauses(long sinceUptimeMillis) {
        int held = (int) Math.min(events, CAPACITY);
        long first = events - held;
        long[] d = new long[held];
        long[] end = new long[held];
        int n = 0;
        for (int i = 0; i < held; i++) {
            int slot = (int) ((first + i) % CAPACITY);
            if (endUptime[slot] >= sinceUptimeMillis && isPause(slot)) {
                d[n] = durationMillis[slot];
                end[n] = endUptime[slot];
                n++;
            }
        }
        boolean truncated = events > CAPACITY && endUptime[(int) (first % CAPACITY)] > sinceUptimeMillis;
        return new GcPauses(Arrays.copyOf(d, n), Arrays.copyOf(end, n), truncated);
    }

    /**
     * The longest stop-the-world pause (ms) that ended at or after {@code sinceUptimeMillis}, -1
     * when none; forced collections ({@link #INDUCED_CAUSES}) are left out. Allocates nothing.
     */
    long longestPauseSince(long sinceUptimeMillis) {
        long longest = -1;
        int held = (int) Math.min(events, CAPACITY);
        for (int k = 1; k <= held; k++) {
            int slot = (int) ((events - k) % CAPACITY);
            if (endUptime[slot] < sinceUptimeMillis) {
                if (endUptime[slot] < sinceUptimeMillis - 60_000) {
                    break; // events arrive in end order, give or take a collector's notification delay
                }
                continue;
            }
            if (isPause(slot)) {
                longest = Math.max(longest, durationMillis[slot]);
            }
        }
        return longest;
    }

    /** Is the event in {@code slot} a pause of the application: stop-the-world and not forced by a diagnostic tool? */
    private boolean isPause(int slot) {
        return !concurrent[collector[slot]] && (cause[slot] == null || !INDUCED_CAUSES.contains(cause[slot]));
    }

    /**
     * The most recent {@code max} collections held (of {@link #CAPACITY}), newest first, with
     * those a diagnostic tool forced ({@link #INDUCED_CAUSES}) and concurrent cycles included;
     * {@link GcMonitor.Event#pause()} tells a stop-the-world pause of the application.
     */
    List<GcMonitor.Event> recent(int max) {
        int held = (int) Math.min(events, Math.min(CAPACITY, Math.max(0, max)));
        List<GcMonitor.Event> out = new ArrayList<>(held);
        for (int k = 1; k <= held; k++) {
            int slot = (int) ((events - k) % CAPACITY);
            out.add(new GcMonitor.Event(names[collector[slot]], isPause(slot), cause[slot], durationMillis[slot], endUptime[slot], heapBefore[slot],
                    heapAfter[slot]));
        }
        return out;
    }
}
