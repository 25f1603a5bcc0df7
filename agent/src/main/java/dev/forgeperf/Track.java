package dev.forgeperf;

import dev.forgeperf.bootstrap.Recorder;

/**
 * A running measurement started by {@link ForgePerf#track(String)}; {@link #close()} records the
 * time elapsed since it was started. Meant for try-with-resources:
 * <pre>{@code
 * try (var t = ForgePerf.track("db.query")) {
 *     ...
 * }
 * }</pre>
 * A Track is used by one thread. {@link #close()} records at most once; further calls do
 * nothing. When the agent is not active, {@code track} returns a shared no-op instance on which
 * every method does nothing.
 */
public final class Track implements AutoCloseable {

    /** Shared no-op instance (agent absent or inactive). Immutable. */
    static final Track NOOP = new Track(-1, 0L);

    private final int id;
    private final long startNanos;
    private boolean failed;
    private boolean closed;

    Track(int id, long startNanos) {
        this.id = id;
        this.startNanos = startNanos;
    }

    /** Marks this measurement as failed: it is counted as an error when closed. */
    public void fail() {
        if (id >= 0) {
            failed = true;
        }
    }

    /** Records the elapsed time (once). Never throws. */
    @Override
    public void close() {
        if (id < 0 || closed) {
            return;
        }
        closed = true;
        Recorder.record(id, System.nanoTime() - startNanos, failed);
    }
}
