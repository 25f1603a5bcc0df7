package dev.forgeperf.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.config.RuntimeSettings;
import dev.forgeperf.util.DaemonThreads;
import dev.forgeperf.util.Log;
import dev.forgeperf.util.Units;

/**
 * The runtime diagnostics of one JVM: the GC notification monitor and the sampler (a daemon
 * thread reading the MXBeans into a fixed ring every {@code metrics.interval}). Started once from
 * the agent; each part that fails to start is logged once and left off, the rest keeps working.
 */
public final class RuntimeService {
    private static volatile RuntimeService current;

    private final RuntimeSettings settings;
    private final GcMonitor gc;
    private final SampleRing ring;
    private final Sampler sampler;
    private final ScheduledExecutorService executor;
    private final String samplerProblem;
    private final Mode mode;

    /** How samples are taken. */
    enum Mode { THREAD, MANUAL, NONE }

    private RuntimeService(RuntimeSettings settings, Mode mode) {
        this.settings = settings;
        this.mode = mode;
        GcMonitor g = null;
        try {
            g = GcMonitor.install();
        } catch (RuntimeException | LinkageError e) {
            Log.failure("GC notifications unavailable (no pause percentiles, no heap-after-GC health check)", e);
        }
        this.gc = g;
        SampleRing r = null;
        Sampler s = null;
        ScheduledExecutorService x = null;
        String problem = mode == Mode.NONE ? "the runtime sampler was not started" : null;
        if (mode != Mode.NONE) {
            try {
                r = new SampleRing(settings.size);
                s = new Sampler(r, g);
            } catch (RuntimeException | LinkageError | OutOfMemoryError e) {
                Log.failure("runtime sampler disabled (no history, trends or leak findings)", e);
                problem = "the runtime sampler failed to start: " + e;
                r = null;
                s = null;
            }
        }
        if (mode == Mode.THREAD && s != null) {
            try {
                ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, DaemonThreads.factory("forge-perf-sampler"));
                pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
                pool.scheduleAtFixedRate(s, 0, settings.intervalMillis, TimeUnit.MILLISECONDS);
                x = pool;
            } catch (RuntimeException | LinkageError | OutOfMemoryError e) {
                Log.failure("runtime sampler disabled (no history, trends or leak findings)", e);
                problem = "the runtime sampler failed to start: " + e;
                r = null;
                s = null;
            }
        }
        this.ring = r;
        this.sampler = s;
        this.executor = x;
        this.samplerProblem = problem;
    }

    /**
     * Starts the runtime diagnostics with the agent's options (idempotent). A sampler-less service
     * that {@link #get()} made because something asked for current values before the start (a
     * command, the heap guard) is replaced, not kept: asking early never turns the sampler off.
     * Never throws: a failure is logged once.
     */
    public static synchronized void start(AgentOptions options) {
        RuntimeService early = current;
        if (early != null && early.mode != Mode.NONE) {
            return;
        }
        try {
            List<String> warnings = new ArrayList<>();
            RuntimeSettings settings = RuntimeSettings.from(options, warnings);
            warnings.forEach(Log::info);
            current = new RuntimeService(settings, Mode.THREAD);
            if (early != null) {
                early.stop(); // its GC listener; readers holding it still get current values
            }
        } catch (RuntimeException | LinkageError e) {
            Log.failure("runtime diagnostics disabled", e);
        }
    }

    /**
     * Stops the agent's sampler thread and GC listener and forgets the service (detach; a later
     * {@link #start} begins anew with its options). Never throws.
     */
    public static synchronized void shutdown() {
        RuntimeService r = current;
        current = null;
        if (r != null) {
            try {
                r.stop();
            } catch (RuntimeException | LinkageError e) {
                Log.failure("stopping the runtime sampler", e);
            }
        }
    }

    /** The running service; one without a sampler (current values only) when {@link #start} was not called or failed. */
    public static RuntimeService get() {
        RuntimeService r = current;
        if (r == null) {
            synchronized (RuntimeService.class) {
                r = current;
                if (r == null) {
                    r = new RuntimeService(RuntimeSettings.defaults(), Mode.NONE);
                    current = r;
                }
            }
        }
        return r;
    }

    /** A service of its own (not the agent's), sampled only by {@link #sampleNow}: for tests and measurements. */
    static RuntimeService manual(RuntimeSettings settings) {
        return new RuntimeService(settings, Mode.MANUAL);
    }

    /** Takes a sample right now (tests and measurements). */
    void sampleNow() {
        if (sampler != null) {
            sampler.sample();
        }
    }

    /** One line for {@code status}: what the runtime diagnostics do here. */
    public String describe() {
        if (ring == null) {
            return "metrics on demand only; " + samplerProblem;
        }
        return "sampling every " + Units.millis(settings.intervalMillis) + ", last " + ring.capacity() + " samples kept ("
                + Units.bytes(ring.bytes()) + ")" + (gc == null ? "; GC notifications unavailable" : "");
    }

    public RuntimeSettings settings() {
        return settings;
    }

    /** GC events, or null when GC notifications are unavailable. */
    public GcMonitor gc() {
        return gc;
    }

    /** True when the sampler runs (history, trends and findings are available). */
    public boolean sampling() {
        return ring != null;
    }

    /** Why there is no history, or null when there is. */
    public String samplerProblem() {
        return samplerProblem;
    }

    /** The last {@code max} samples (all held when {@code max <= 0}), oldest first; empty without a sampler. */
    public SampleRing.Samples history(int max) {
        SampleRing r = ring;
        return r == null ? SampleRing.Samples.empty() : r.snapshot(max);
    }

    /** The ring's capacity (0 without a sampler). */
    public int capacity() {
        return ring == null ? 0 : ring.capacity();
    }

    /** Heap bytes the ring's arrays take (0 without a sampler). */
    public long ringBytes() {
        return ring == null ? 0 : ring.bytes();
    }

    /**
     * Tells {@code listener} about every sample from now on, on the sampler thread (one listener;
     * null removes it).
     *
     * @return false when there is no sampler to listen to
     */
    public boolean setListener(SampleListener listener) {
        if (sampler == null) {
            return false;
        }
        sampler.setListener(listener);
        return true;
    }

    /** Share of the last {@code millis} of history spent in GC pauses, 0..1, NaN with fewer than two samples; allocates nothing. */
    public double gcCpuOverLast(long millis) {
        SampleRing r = ring;
        return r == null ? Double.NaN : r.gcCpuOverLast(millis);
    }

    /** The longest stop-the-world pause (ms) that ended at or after {@code sinceUptimeMillis}, -1 when none; allocates nothing. */
    public long longestPauseSince(long sinceUptimeMillis) {
        return gc == null ? -1 : gc.longestPauseSince(sinceUptimeMillis);
    }

    /** The sampler's own measured cost, or null without a sampler. */
    Sampler.Stats samplerStats() {
        return sampler == null ? null : sampler.stats();
    }

    /** Stops the sampler and the GC listener (detach, tests); the sampler thread ends. */
    void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
        if (sampler != null) {
            sampler.close();
        }
        if (gc != null) {
            gc.close();
        }
    }
}
