package dev.forgeperf.agent;

import java.lang.instrument.Instrumentation;
import java.nio.file.Path;

import dev.forgeperf.bootstrap.AgentState;
import dev.forgeperf.bootstrap.Recorder;
import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.context.AgentContext;
import dev.forgeperf.control.CommandException;
import dev.forgeperf.control.ControlServer;
import dev.forgeperf.http.AgentHttpServer;
import dev.forgeperf.jfr.ContinuousRecording;
import dev.forgeperf.jfr.PyroscopePush;
import dev.forgeperf.profile.CpuCalibration;
import dev.forgeperf.profile.JfrReader;
import dev.forgeperf.runtime.HeapGuard;
import dev.forgeperf.runtime.RuntimeService;
import dev.forgeperf.snapshot.CpuAnchors;
import dev.forgeperf.snapshot.SnapshotTriggers;
import dev.forgeperf.snapshot.SnapshotWriter;
import dev.forgeperf.timing.TimingHistory;
import dev.forgeperf.timing.TimingLimits;
import dev.forgeperf.timing.TimingService;
import dev.forgeperf.util.AgentInfo;
import dev.forgeperf.util.Log;
import dev.forgeperf.util.StartFailure;

/**
 * The agent proper, one per JVM, and the one {@link AgentContext}: it holds the running agent's
 * parts and lends them to commands, endpoints and snapshots. Startup ({@code premain}) and dynamic
 * attach ({@code agentmain}) share {@link #start}, which does only what cannot wait (options, method
 * timing, the triggers, the shutdown hook) and leaves the rest (the sampler, the control socket,
 * JFR, HTTP, the push) to the daemon init thread, {@link StartUp}. A second load of the agent is a
 * {@link Reload}; {@link #detach} and the JVM's exit are {@link Teardown}. Method timing's life is
 * {@link AgentTiming}, the HTTP server {@link AgentHttp}, the snapshots {@link AgentSnapshots}.
 *
 * <p>What every part keeps: a feature that fails to start is logged once and left off, and the
 * host application never sees an exception (a start that fails is undone); the agent's threads are
 * daemons (the shutdown hook only runs at exit); {@code premain} never waits on I/O that can hang
 * (files, sockets and JFR are started on the init thread or a thread of their own).
 *
 * <p>Thread-safety: the parts are volatile fields, set at start, by the init thread and by a
 * reload, cleared by detach, and read by any thread; they are package-private for those helpers.
 * Reload, detach and the making of the timing service are serialized on this object's monitor.
 */
public final class Agent implements AgentContext {
    private static volatile Agent current;

    private final Instrumentation inst;
    private final String jar;
    private final long pid = dev.forgeperf.util.SelfProcess.pid();
    private final long loadedAtMillis = System.currentTimeMillis();
    private volatile boolean loadedAtStartup;
    /** The options in force (replaced by a reload that applies some). */
    volatile AgentOptions options;
    /** The control socket's server, or null while it is not open (set by start-up or a reload, cleared by detach). */
    volatile ControlServer control;
    /** Method timing: made on first use, specs from the options. */
    final AgentTiming agentTiming = new AgentTiming(this);
    /** The continuous recording, or null when off (set by start-up, cleared by detach). */
    volatile ContinuousRecording jfr;
    /** The snapshot triggers, or null without any (set at start, cleared when they cannot start and by detach). */
    volatile SnapshotTriggers triggers;
    /** Per-interval timing history, fed by the sampler's ticks (null without a sampler). */
    volatile TimingHistory timingHistory;
    /** Thread CPU readings that calibrate a snapshot's CPU profile from the continuous recording. */
    final CpuAnchors cpuAnchors = new CpuAnchors();
    /** The HTTP server, started at most once. */
    final AgentHttp agentHttp = new AgentHttp();
    private volatile boolean detached;
    /** The JVM shutdown hook that runs {@link Teardown#shutdown}; removed by detach. */
    volatile Thread shutdownHook;
    /** The Pyroscope push, or null when off (set by start-up, cleared by detach). */
    volatile PyroscopePush push;
    /** The start-up steps, run on the init thread. */
    final StartUp startUp = new StartUp(this);
    /** What second loads of the agent apply. */
    private final Reload reloads = new Reload(this);
    /** Detach and the JVM's shutdown. */
    private final Teardown teardown = new Teardown(this);

    private Agent(Instrumentation inst, String jar, AgentOptions options, boolean premain) {
        this.inst = inst;
        this.jar = jar;
        this.options = options;
        this.loadedAtStartup = premain;
    }

    /**
     * Entry from {@code AgentStarter}; never throws. A start refused (a full heap at attach, a
     * metaspace limit that leaves the agent's classes no room) or failing before the init thread
     * runs is undone, said in one line on standard error and noted for the CLI
     * ({@link StartFailure}); the application runs on without the agent. Not retried: what fails
     * here (options, our own classes, the JVM's limits) fails the same way again; a full heap at
     * start is waited for by the init thread instead.
     */
    public static void start(String optionText, Instrumentation inst, boolean premain, String jar) {
        long pid = dev.forgeperf.util.SelfProcess.pid();
        Agent agent = null;
        try {
            String refusal = HeapGuard.startRefusal(premain);
            if (refusal != null) {
                notStarted(pid, refusal, null);
                return;
            }
            AgentOptions options = AgentOptions.parse(optionText);
            Log.setVerbose(options.flag("verbose"));
            options.warnings().forEach(Log::info);
            JfrReader.readInsideHost();
            agent = new Agent(inst, jar, options, premain);
            current = agent;
            agent.agentTiming.start();
            Agent a = agent;
            agent.triggers = SnapshotTriggers.fromOptions(options, agent.pid,
                    target -> a.snapshotWriter(true).write(target, null));
            Thread hook = new Thread(agent.teardown::shutdown, "forge-perf-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            agent.shutdownHook = hook;
            AgentState.setReloader(agent::reload);
            // The socket, the sampler and JFR take tens of milliseconds to start: do it off the application's path.
            Thread init = new Thread(agent.startUp::run, "forge-perf-init");
            init.setDaemon(true);
            init.start();
        } catch (Throwable t) {
            notStarted(pid, null, t);
            if (agent != null) {
                agent.undoStart();
            }
            return;
        }
        if (Log.isVerbose()) { // reading the version costs start-up time
            Log.debug("agent " + AgentInfo.VERSION + " loaded " + (premain ? "at startup" : "by attach"));
        }
    }

    /** Says once why the agent is not running, notes it for the CLI, and lets a later attach try again. */
    private static void notStarted(long pid, String refusal, Throwable failure) {
        current = null;
        AgentState.release();
        String why;
        try {
            why = refusal != null ? refusal : failure instanceof OutOfMemoryError && String.valueOf(failure.getMessage()).contains("Metaspace")
                    ? "the JVM ran out of metaspace loading the agent's classes (" + failure + "); raise -XX:MaxMetaspaceSize by "
                            + (HeapGuard.START_METASPACE_BYTES >> 20) + " MB to use forge-perf"
                    : "start failed (" + failure + "); run with verbose=true for the stack trace and report it";
        } catch (Throwable full) {
            why = OUT_OF_MEMORY_AT_START;
        }
        try {
            Log.info("agent not started, the application runs without it: " + why);
            if (failure != null && Log.isVerbose()) {
                failure.printStackTrace();
            }
        } catch (Throwable ignored) {
            // nothing left to say it with
        }
        // on a thread of its own: premain never waits for a file system (the socket directory may be on a hung mount)
        String note = why;
        try {
            Thread t = new Thread(() -> StartFailure.record(pid, note), "forge-perf-start-failed");
            t.setDaemon(true);
            t.start();
        } catch (Throwable noThread) {
            // the line above is all the user gets
        }
    }

    /** Undoes what a failed {@link #start} did: timing off and uninstalled, no hook, no triggers. */
    private void undoStart() {
        detached = true;
        triggers = null;
        try {
            Recorder.setSlowCallListener(null, 0);
            Recorder.setActive(false);
            TimingService t = agentTiming.service();
            if (t != null) {
                t.uninstall(null);
            }
        } catch (Throwable ignored) {
            // best effort: the advice does nothing while the recorder is inactive
        }
        try {
            Thread hook = shutdownHook;
            if (hook != null) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        } catch (Throwable ignored) {
            // the JVM exits: the hook runs and finds nothing started
        }
    }

    /** Why the agent did not start, when even describing the failure failed (no heap left). */
    static final String OUT_OF_MEMORY_AT_START = "start-up failed (no heap left to say more)";

    /**
     * The runtime sampler's listener: takes the CPU readings snapshots are calibrated with, adds a
     * point to the per-interval timing history (its failure contained and logged once), then tells the triggers.
     */
    void sampled(long uptimeMillis, double[] sample) {
        ContinuousRecording r = jfr;
        cpuAnchors.tick(r == null ? Long.MAX_VALUE : r.startEpochNanos());
        TimingHistory h = timingHistory;
        if (h != null) {
            try {
                h.tick(System.currentTimeMillis(), uptimeMillis);
            } catch (RuntimeException | LinkageError e) {
                Log.once("timing-history", "per-interval timing history: a tick failed, continuing: " + e);
            }
        }
        SnapshotTriggers t = triggers;
        if (t != null && startUp.triggersStarted()) {
            t.sampled(uptimeMillis, sample);
        }
    }

    /** The running agent, or null outside an agent JVM. */
    public static Agent current() {
        return current;
    }

    /** A second load of the agent into this JVM (see {@link Reload}); serialized with detach and timing's creation on this agent's monitor. */
    private synchronized String reload(String optionText, boolean premain) {
        if (detached) {
            // its timing is being removed and its socket closed: applying timed= now would leave advice behind
            return "agent " + AgentInfo.VERSION + " is detaching from pid " + pid + "; nothing applied: attach again in a few seconds, once it is gone";
        }
        return reloads.apply(optionText);
    }

    /**
     * Detaches the agent (see {@link Teardown#detach}); returns what was done, line by line.
     *
     * @throws CommandException when it is detaching already
     */
    public synchronized java.util.List<String> detach(java.util.function.BooleanSupplier answered) {
        if (detached) {
            throw new CommandException("the agent is detaching already");
        }
        detached = true;
        return teardown.detach(answered);
    }

    /** True once {@link #detach} ran. */
    public boolean detached() {
        return detached;
    }

    /** Forgets {@code gone} as the running agent (its detach is complete), unless another one runs already. */
    static void clearCurrent(Agent gone) {
        if (current == gone) {
            current = null;
        }
    }

    public Instrumentation instrumentation() {
        return inst;
    }

    @Override
    public TimingHistory timingHistory() {
        return timingHistory;
    }

    /** Method timing, or null when it failed to start. */
    public TimingService timing() {
        return agentTiming.service();
    }

    /**
     * Method timing, for commands that need it.
     *
     * @throws CommandException when it failed to start (the reason was logged)
     */
    public TimingService timingService() {
        TimingService t = agentTiming.created();
        if (t == null) {
            throw new CommandException("method timing is not available in this JVM (see its [forge-perf] log line)");
        }
        return t;
    }

    /**
     * A snapshot writer with every part this agent can produce.
     *
     * @param full false at JVM exit: only the parts that are quick and safe during shutdown
     */
    public SnapshotWriter snapshotWriter(boolean full) {
        return snapshotWriter(full, null, null, false, null);
    }

    /**
     * A snapshot writer.
     *
     * @param profile a recording made for the snapshot ({@code --profile}) to build the profiles
     *     from, or null to use the continuous recording's last minutes
     * @param calibration the CPU time the threads used while {@code profile} was recorded, or null
     * @param heap whether to add {@code heap.hprof}
     * @param progress told about long steps (heap dump size), may be null
     */
    public SnapshotWriter snapshotWriter(boolean full, Path profile, CpuCalibration calibration, boolean heap,
            java.util.function.LongConsumer progress) {
        return AgentSnapshots.writer(this, full, profile, calibration, heap, progress);
    }

    /** The continuous recording, or null when off. */
    public ContinuousRecording recording() {
        return jfr;
    }

    public AgentOptions options() {
        return options;
    }

    public String jar() {
        return jar;
    }

    public long pid() {
        return pid;
    }

    public long loadedAtMillis() {
        return loadedAtMillis;
    }

    public boolean loadedAtStartup() {
        return loadedAtStartup;
    }

    public ControlServer control() {
        return control;
    }

    /** The HTTP server, or null when off. */
    public AgentHttpServer http() {
        return agentHttp.server();
    }

    @Override
    public java.util.Map<String, Object> httpInfo() {
        AgentHttpServer h = agentHttp.server();
        return h == null ? null : h.toMap();
    }

    @Override
    public RuntimeService runtime() {
        return RuntimeService.get();
    }

    /** What is enabled, feature by feature (for status and list). */
    public java.util.Map<String, Object> features() {
        java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("timing", agentTiming.describe());
        f.put("timing memory", TimingLimits.describe());
        ContinuousRecording r = jfr;
        f.put("jfr", r == null ? "off" : r.describe());
        f.put("runtime", RuntimeService.get().describe());
        f.put("http", agentHttp.describe());
        PyroscopePush p = push;
        if (p != null) {
            f.put("pyroscope", p.describe());
        }
        SnapshotTriggers t2 = triggers;
        if (t2 != null) {
            f.put("triggers", t2.describe());
        }
        f.put("options", options.asMap().isEmpty() ? "(defaults)" : options.displayMap().toString());
        String problem = startUp.problem();
        String jfrNote = r == null ? null : r.startNote();
        if (problem != null || jfrNote != null) {
            f.put("start", problem == null ? jfrNote : jfrNote == null ? problem : problem + "; " + jfrNote);
        }
        String reloaded = reloads.last();
        if (reloaded != null) {
            f.put("reload", reloaded);
        }
        return f;
    }
}
