package dev.forgeperf.timing;

import dev.forgeperf.bootstrap.MethodStats;
import dev.forgeperf.bootstrap.Recorder;
import dev.forgeperf.bootstrap.SlowCallListener;

/**
 * Turns slow timed calls into {@code forge.MethodTiming} JFR events. Runs on the application
 * thread, only for calls over the threshold; the event class (and with it JFR's event machinery)
 * is loaded on the first slow call, not at agent start.
 *
 * <p>Two thresholds decide which calls become events: {@code timed.jfrThreshold} for every timed
 * method ({@link #install}), and, while a latency profile runs, a {@link Watch} with a lower one
 * per watched method (a duration, or a percentile re-read as it moves). The recorder's one
 * threshold is the lowest of them, so a call below all of them still costs one comparison on the
 * hot path; the choice between them is made here, on the slow path.
 */
public final class SlowCallsToJfr implements SlowCallListener {
    private static final SlowCallsToJfr INSTANCE = new SlowCallsToJfr();
    private static final Watch[] NO_WATCHES = new Watch[0];
    /** {@code timed.jfrThreshold}; {@link Long#MAX_VALUE} when slow calls are off (before {@link #install}, after {@link #uninstall}). */
    private static volatile long baseNanos = Long.MAX_VALUE;
    private static volatile Watch[] watches = NO_WATCHES;

    private SlowCallsToJfr() {
    }

    /** Every timed call of at least {@code thresholdNanos} becomes an event (the agent's {@code timed.jfrThreshold}). */
    public static synchronized void install(long thresholdNanos) {
        baseNanos = Math.max(0, thresholdNanos);
        apply();
    }

    /** No more events, for any method (the agent detaching). */
    public static synchronized void uninstall() {
        baseNanos = Long.MAX_VALUE;
        watches = NO_WATCHES;
        apply();
    }

    /** The {@code timed.jfrThreshold} in force, nanoseconds; {@link Long#MAX_VALUE} when off. */
    public static long baseThresholdNanos() {
        return baseNanos;
    }

    /**
     * Starts watching {@code methods}: their calls of at least their threshold (all of them until
     * {@link Watch#set} says otherwise: 0) become events as well, until {@link Watch#close}.
     */
    public static synchronized Watch watch(MethodStats[] methods) {
        Watch w = new Watch(methods.clone());
        Watch[] now = java.util.Arrays.copyOf(watches, watches.length + 1);
        now[now.length - 1] = w;
        watches = now;
        apply();
        return w;
    }

    /** Sets the recorder's threshold to the lowest in force. Callers hold the class lock. */
    private static void apply() {
        long min = baseNanos;
        for (Watch w : watches) {
            for (long t : w.thresholds) {
                min = Math.min(min, t);
            }
        }
        Recorder.setSlowCallListener(min == Long.MAX_VALUE ? null : INSTANCE, min);
    }

    /** The watched methods of one latency profile and their thresholds. Thread-safe. */
    public static final class Watch implements AutoCloseable {
        private final MethodStats[] methods;
        /** Per method, its threshold in nanoseconds (read on the slow path without a lock). */
        private volatile long[] thresholds;

        private Watch(MethodStats[] methods) {
            this.methods = methods;
            this.thresholds = new long[methods.length];
        }

        /** Sets the thresholds, one per method in the order given to {@link #watch}; nothing once closed (or after {@link #uninstall}). */
        public void set(long[] nanos) {
            synchronized (SlowCallsToJfr.class) {
                if (java.util.Arrays.asList(watches).contains(this)) {
                    thresholds = nanos.clone();
                    apply();
                }
            }
        }

        /** Whether a call of {@code s} that took {@code elapsed} is one this watch wants. */
        boolean wants(MethodStats s, long elapsed) {
            long[] t = thresholds;
            for (int i = 0; i < methods.length; i++) {
                if (methods[i] == s && elapsed >= t[i]) {
                    return true;
                }
            }
            return false;
        }

        /** Stops watching; the recorder's threshold goes back up. */
        @Override
        public void close() {
            synchronized (SlowCallsToJfr.class) {
                Watch[] now = java.util.Arrays.stream(watches).filter(w -> w != this).toArray(Watch[]::new);
                watches = now.length == 0 ? NO_WATCHES : now;
                apply();
            }
        }
    }

    @Override
    public void slowCall(int id, long elapsedNanos, boolean thrown) {
        MethodStats s = Recorder.stats(id);
        if (elapsedNanos < baseNanos && !watched(s, elapsedNanos)) {
            return;
        }
        MethodTimingEvent e = new MethodTimingEvent();
        if (e.shouldCommit()) {
            e.method = s == null ? "#" + id : s.name();
            e.elapsed = elapsedNanos;
            e.thrown = thrown;
            e.commit();
        }
    }

    private static boolean watched(MethodStats s, long elapsedNanos) {
        if (s == null) {
            return false;
        }
        for (Watch w : watches) {
            if (w.wants(s, elapsedNanos)) {
                return true;
            }
        }
        return false;
    }
}
