package dev.forgeperf.context;

import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.control.CommandException;
import dev.forgeperf.control.ControlServer;
import dev.forgeperf.jfr.ContinuousRecording;
import dev.forgeperf.profile.CpuCalibration;
import dev.forgeperf.runtime.RuntimeService;
import dev.forgeperf.snapshot.SnapshotWriter;
import dev.forgeperf.timing.TimingHistory;
import dev.forgeperf.timing.TimingService;

/**
 * What commands, HTTP endpoints and snapshots may see of the running agent: its identity (pid,
 * jar, how it was loaded), its features (timing, the continuous recording, the runtime sampler,
 * the control socket), its settings, and the few agent-wide actions (snapshot, detach). The one
 * implementation is {@code agent.Agent}; code below the {@code agent} package depends on this
 * interface, never on {@code Agent}, so the wiring stays at the top of the package layers
 * (docs/architecture.md). Thread-safe: every method may be called from any agent thread.
 */
public interface AgentContext {
    /** The JVM's process id. */
    long pid();

    /** The agent jar's path. */
    String jar();

    /** True when loaded by {@code -javaagent} at startup, false when attached. */
    boolean loadedAtStartup();

    /** When the agent was loaded, epoch milliseconds. */
    long loadedAtMillis();

    /** The instrumentation the agent was given. */
    Instrumentation instrumentation();

    /** Method timing, or null when no spec was installed yet or it failed to start. */
    TimingService timing();

    /**
     * Method timing, created on first use, for commands that need it.
     *
     * @throws CommandException when it failed to start (the reason was logged)
     */
    TimingService timingService();

    /** Timed methods' calls and percentiles per sampler interval, or null without a runtime sampler. */
    TimingHistory timingHistory();

    /** The continuous recording, or null when off. */
    ContinuousRecording recording();

    /** The runtime sampler (metrics, history, health settings). */
    RuntimeService runtime();

    /** The options in force. */
    AgentOptions options();

    /** The control socket's server, or null when it is not open. */
    ControlServer control();

    /** The HTTP server's description (address, token file, …), or null when HTTP is off. */
    Map<String, Object> httpInfo();

    /** What is enabled, feature by feature (for status and list). */
    Map<String, Object> features();

    /**
     * A snapshot writer with every part this agent can produce.
     *
     * @param full false at JVM exit: only the parts that are quick and safe during shutdown
     */
    SnapshotWriter snapshotWriter(boolean full);

    /**
     * A snapshot writer.
     *
     * @param profile a recording made for the snapshot ({@code --profile}) to build the profiles
     *     from, or null to use the continuous recording's last minutes
     * @param calibration the CPU time the threads used during {@code profile}'s recording, which its
     *     cpu.pb.gz is scaled to; null without one (the profile then says it is an estimate)
     * @param heap whether to add {@code heap.hprof}
     * @param progress told about long steps (heap dump size), may be null
     */
    SnapshotWriter snapshotWriter(boolean full, Path profile, CpuCalibration calibration, boolean heap, LongConsumer progress);

    /**
     * Detaches the agent; returns what was done, line by line.
     *
     * @param answered true once the answer reached the client (the control socket is removed then)
     * @throws CommandException when it is detaching already
     */
    List<String> detach(BooleanSupplier answered);

    /** True once {@link #detach} ran. */
    boolean detached();
}
