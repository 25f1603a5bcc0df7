package dev.forgeperf.jfr;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.forgeperf.profile.WaitingThreads;

/**
 * Which Java threads wait (parked, blocked, in {@code Object.wait}, asleep) at the start and the end
 * of a wall profile, from thread dumps: JFR writes a wait's event only when it ends, so these are the
 * waits a wall profile would otherwise miss.
 *
 * <p>Cost: a dump of the threads' states (no stacks) at the start; at the end, the stacks of the
 * waiting threads only, at most {@link #MAX_DEPTH} frames each, and only when the heap has room
 * for them (else no stacks are taken and the profile says so). Not for the hot path.
 */
public final class ThreadWaits {
    /** Frames kept per waiting thread. */
    static final int MAX_DEPTH = 128;
    /** A generous size of one frame of a dump in the heap (a StackTraceElement; its strings are mostly shared). */
    private static final long BYTES_PER_FRAME = 100;

    private ThreadWaits() {
    }

    /** The ids of the threads waiting now. */
    public static Set<Long> waitingNow() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Set<Long> ids = new HashSet<>();
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds(), 0)) {
            if (info != null && waiting(info.getThreadState())) {
                ids.add(info.getThreadId());
            }
        }
        return ids;
    }

    /**
     * The threads waiting now, with their stacks; null when the heap has no room for their stacks.
     *
     * @param atStart what {@link #waitingNow()} said when the window started
     */
    public static WaitingThreads atEnd(Set<Long> atStart) {
        Set<Long> now = waitingNow();
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (now.size() * (long) MAX_DEPTH * BYTES_PER_FRAME > free / 2) { // at most half the free heap, counting every stack as deep
            return null; // refuse rather than push the host towards OutOfMemoryError
        }
        long[] ids = now.stream().mapToLong(Long::longValue).toArray();
        List<WaitingThreads.Waiter> waiters = new ArrayList<>(ids.length);
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().getThreadInfo(ids, MAX_DEPTH)) {
            if (info != null && waiting(info.getThreadState())) { // still waiting while its stack was taken
                waiters.add(new WaitingThreads.Waiter(info.getThreadId(), info.getThreadName(), info.getThreadState().name(), info.getStackTrace()));
            }
        }
        return new WaitingThreads(atStart, waiters);
    }

    private static boolean waiting(Thread.State state) {
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING || state == Thread.State.BLOCKED;
    }
}
