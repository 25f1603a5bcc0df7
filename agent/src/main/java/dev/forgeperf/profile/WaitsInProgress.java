package dev.forgeperf.profile;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import dev.forgeperf.util.Units;

/**
 * The waits still going on when a wall profile's window ended. JFR writes a wait's event only when
 * the wait ends, so a thread that waits through the end of the window has no event for that wait;
 * its time comes from the thread dump taken at the end ({@link ProfileOptions#waiting()}).
 *
 * <p>While reading, the reader notes per Java thread the end of its last event of the kind
 * ({@link #noteActivity}: a sample's time, a wait's end): one {@code long[1]} per thread, no
 * allocation after a thread's first event. At the end {@link #addWaiters} adds each waiting thread
 * from its last event (or from the window's start when it was waiting then too and has no event) to
 * the window's end, at the dump's stack, filtered like JFR's stacks ({@link StackInterner#dumpFrames}).
 *
 * <p>Not thread-safe: one per reader of chunks; the parallel readers' notes are merged with
 * {@link #absorb} before the end.
 */
final class WaitsInProgress {
    private final ProfileOptions options;
    /** The threads waiting at the end of the window; null when the reader does not add them. */
    private final WaitingThreads waits;
    private final StackInterner stacks;
    /** Per Java thread id, the end of its last event (epoch nanoseconds). */
    private final Map<Long, long[]> lastActivity = new HashMap<>();

    /** Waits of {@code waits} (null: the reader noted none), with stacks interned by {@code stacks}. */
    WaitsInProgress(ProfileOptions options, WaitingThreads waits, StackInterner stacks) {
        this.options = options;
        this.waits = waits;
        this.stacks = stacks;
    }

    /** Notes that the Java thread {@code tid} (0: none, ignored) ran or ended a wait at {@code epochNanos}. */
    void noteActivity(int tid, long epochNanos) {
        if (tid > 0) {
            long[] last = lastActivity.computeIfAbsent((long) tid, k -> new long[] {Long.MIN_VALUE});
            last[0] = Math.max(last[0], epochNanos);
        }
    }

    /** Adds what another reader (of other chunks of the same file) noted: per thread the later of the two. */
    void absorb(WaitsInProgress other) {
        other.lastActivity.forEach((tid, t) -> lastActivity.computeIfAbsent(tid, k -> new long[] {Long.MIN_VALUE})[0] =
                Math.max(lastActivity.get(tid)[0], t[0]));
    }

    /**
     * Adds the waits still going on when the window ended (JFR writes a wait's event only when it
     * ends): each waiting thread from its last event, or from the window's start when it waited
     * then too and has no event, to the window's end, with the stack of the thread dump, as
     * nanoseconds in column {@code nanosColumn} (of the raw wall profile: the off-CPU column), under
     * the thread's root when the profile has one per thread. Returns the sentence for the header:
     * how much was added, or, without {@link ProfileOptions#waiting()}, that it is missing.
     */
    String addWaiters(Profile profile, int nanosColumn, long windowStart, long windowEnd) {
        if (options.waiting() == null) {
            return "waits still going on when the recording ended are not in it (JFR writes a wait's event when it ends)";
        }
        long whole = 0;
        long partial = 0;
        long nanos = 0;
        for (WaitingThreads.Waiter w : waits.waiters()) {
            if (w.name() != null && w.name().startsWith(JfrReader.AGENT_THREAD_PREFIX)) {
                continue;
            }
            long[] last = lastActivity.get(w.threadId());
            boolean wholeWindow = last == null && waits.waitingAtStart().contains(w.threadId());
            long begin = wholeWindow ? windowStart : Math.max(windowStart, last == null ? windowStart : last[0]);
            long wait = windowEnd - begin;
            if (wait <= 0) {
                continue;
            }
            int[] frames = stacks.dumpFrames(w.stack());
            if (frames == null && !stacks.calibrating()) {
                continue; // dropped by the filters
            }
            int root = Profile.ROOT;
            if (stacks.calibrating() || options.threads()) {
                String label = "[" + w.name() + "]";
                root = stacks.threadRoot(label, stacks.calibrating() && w.threadId() > 0 ? CpuCalibrator.TID_PREFIX + w.threadId() : "");
            }
            // calibrating, a wait the filters drop still counts for its thread's running time (the window less its waits)
            int node = frames == null ? profile.child(root, stacks.filteredFrame()) : stacks.insert(root, frames);
            profile.add(node, nanosColumn, wait);
            if (frames == null) {
                continue;
            }
            if (wholeWindow) {
                whole++;
            } else {
                partial++;
            }
            nanos += wait;
        }
        return String.format(Locale.ROOT, "%d threads still waiting at the end (a thread dump's stacks): %s of wall time; %d waited through"
                + " the whole window, %d from their last event on (estimate: unsampled running time counts as waiting)",
                whole + partial, Units.value(nanos, "nanoseconds"), whole, partial);
    }
}
