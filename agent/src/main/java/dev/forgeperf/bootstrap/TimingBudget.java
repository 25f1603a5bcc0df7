package dev.forgeperf.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The process-wide byte budget of timing histograms ({@code timed.maxMemory}): every byte a
 * {@link MethodStats} holds beyond its first stripe is taken from here first, and given back when a
 * method is reset or released. Past the budget a method's calls are still counted, not
 * histogrammed, and the listener is told once per process.
 *
 * <p>Thread-safe and lock-free: the count of bytes in use is one compare-and-set counter. Only
 * the first call into a bucket array (a group, the short calls', overflow counters) or a stripe
 * growth comes here, never a plain timed call.
 * Loaded from the bootstrap class path, so it uses only {@code java.base}.
 */
public final class TimingBudget {

    private static final VarHandle USED;

    static {
        try {
            USED = MethodHandles.lookup().findStaticVarHandle(TimingBudget.class, "usedBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Histogram bytes allowed for all methods together; {@code Long.MAX_VALUE} until the agent sets it. */
    private static volatile long maxBytes = Long.MAX_VALUE;
    /** Bytes held by all methods (stripes, counter arrays, overflow counters), including first stripes. */
    private static volatile long usedBytes;
    /** Calls not histogrammed because of the budget were seen (the listener has been told). */
    private static volatile boolean budgetHit;
    private static volatile Runnable budgetListener;

    private TimingBudget() {
    }

    /** Takes {@code n} bytes from the budget if they fit; false (and nothing taken) if they do not. */
    static boolean reserve(long n) {
        final long max = maxBytes;
        long u;
        do {
            u = usedBytes;
            if (u + n > max) {
                return false;
            }
        } while (!USED.compareAndSet(u, u + n));
        return true;
    }

    /** Counts {@code n} bytes as held whether they fit or not (a method's first stripe is always granted). */
    static void take(long n) {
        long unused = (long) USED.getAndAdd(n);
    }

    /** Gives {@code n} bytes back (a reset, or a reservation that lost a race). */
    static void giveBack(long n) {
        long unused = (long) USED.getAndAdd(-n);
    }

    /** A request did not fit: the first time in the process, the listener is told (its exceptions ignored). */
    static void exceeded() {
        if (budgetHit) {
            return;
        }
        budgetHit = true;
        final Runnable r = budgetListener;
        if (r != null) {
            try {
                r.run();
            } catch (Throwable ignored) {
                // the listener only reports; the application is never affected
            }
        }
    }

    /**
     * Sets the process-wide budget for histogram groups and extra stripes (bytes already held are
     * kept). Off the hot path; called by the agent at load.
     */
    public static void setMaxBytes(long max) {
        maxBytes = Math.max(0L, max);
    }

    /** The process-wide budget in bytes ({@code Long.MAX_VALUE}: none). */
    public static long maxBytes() {
        return maxBytes;
    }

    /** Bytes held by all methods' statistics right now. */
    public static long usedBytes() {
        return usedBytes;
    }

    /** Whether some call could not be histogrammed because the budget was spent. */
    public static boolean exceededOnce() {
        return budgetHit;
    }

    /** Run once, on the recording thread, the first time the budget refuses memory (exceptions ignored). */
    public static void setListener(Runnable listener) {
        budgetListener = listener;
    }
}
