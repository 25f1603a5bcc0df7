package dev.forgeperf.http;

import java.util.concurrent.Semaphore;

/**
 * The bound on HTTP profiles that take time (a CPU profile, a trace, {@code /api/profile}, a
 * cumulative profile's {@code ?seconds=N} delta): at most {@value #MAX_RUNNING} at once (one more
 * is answered 429 at once, never queued), each at most {@value #MAX_SECONDS} seconds, and a wait
 * that ends within {@value #CLIENT_CHECK_MILLIS} ms of its client hanging up, so an abandoned
 * profile frees its slot.
 *
 * <p>A caller {@link #acquire() acquires} a slot before any recording and {@link #release()
 * releases} it in a {@code finally}. Thread-safe: the slots are a semaphore shared by every
 * endpoint of the server.
 */
final class ProfileSlots {
    static final int MAX_RUNNING = 2;
    static final int MAX_SECONDS = 300;
    /** The sampling interval of the profiles recorded on request. */
    static final long INTERVAL_MILLIS = 10;
    private static final long CLIENT_CHECK_MILLIS = 250;

    private final Semaphore permits = new Semaphore(MAX_RUNNING);

    /** Takes a slot, or fails with 429 (and {@code Retry-After: 5}) when all are in use. */
    void acquire() throws HttpFailure {
        if (!permits.tryAcquire()) {
            throw new HttpFailure(429, MAX_RUNNING + " profiles are being recorded already; try again when one of them ends")
                    .header("Retry-After", "5");
        }
    }

    /** Gives back a slot {@link #acquire() taken}. */
    void release() {
        permits.release();
    }

    /** Profiles being made now. */
    int running() {
        return MAX_RUNNING - permits.availablePermits();
    }

    /**
     * Waits {@code millis}, checking every {@value #CLIENT_CHECK_MILLIS} ms that the client is
     * still there: when it has gone, 499 (the profile is discarded, nothing is answered); the agent
     * shutting down (an interrupt) is 503.
     */
    static void waitFor(long millis, Request r) throws HttpFailure {
        try {
            long end = System.nanoTime() + millis * 1_000_000L;
            for (long left; (left = end - System.nanoTime()) > 0; ) {
                Thread.sleep(Math.max(1, Math.min(CLIENT_CHECK_MILLIS, left / 1_000_000)));
                if (r.clientGone()) {
                    throw new HttpFailure(499, "the client closed the connection; the profile was discarded");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpFailure(503, "the agent is shutting down");
        }
    }

    /** An answer after the client was checked for: a request pipelined behind it may have been read, so the connection ends. */
    static Reply closing(Reply reply, boolean checked) {
        return checked ? reply.header("Connection", "close") : reply;
    }
}
