package dev.forgeperf.bootstrap;

/**
 * Callback for timed calls whose elapsed time reached the threshold configured with
 * {@link Recorder#setSlowCallListener(SlowCallListener, long)}.
 *
 * <p>Invoked synchronously on the thread that made the slow call, right after the call was
 * recorded. Implementations should be quick; any {@link Throwable} they throw is swallowed.
 * Slow calls made while the listener itself is running on the same thread (e.g. the listener
 * calls a timed method) are still recorded but do not re-enter the listener.
 */
@FunctionalInterface
public interface SlowCallListener {

    /**
     * @param id           the method id, as returned by {@link Recorder#register(MethodStats)}
     * @param elapsedNanos the elapsed time of the call in nanoseconds
     * @param thrown       {@code true} if the call completed by throwing
     */
    void slowCall(int id, long elapsedNanos, boolean thrown);
}
