package dev.forgeperf.profile;

import java.util.List;
import java.util.Set;

/**
 * The threads that were waiting (parked, blocked on a monitor, in {@code Object.wait} or asleep)
 * when a wall profile's window ended, with their stacks, from a thread dump. JFR writes a wait's
 * event only when the wait ends, so a thread that waits through the end of the window has no event
 * for that wait: a wall profile adds its time from these (see {@link JfrReader}).
 *
 * @param waitingAtStart Java ids of the threads that were already waiting when the window started
 * @param waiters        the threads waiting at the end
 */
public record WaitingThreads(Set<Long> waitingAtStart, List<Waiter> waiters) {
    /**
     * One waiting thread.
     *
     * @param stack leaf first, as {@link Thread#getStackTrace()}
     */
    public record Waiter(long threadId, String name, String state, StackTraceElement[] stack) {
    }

    public WaitingThreads {
        waitingAtStart = Set.copyOf(waitingAtStart);
        waiters = List.copyOf(waiters);
    }
}
