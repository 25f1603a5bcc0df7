package dev.forgeperf.agent;

import java.io.IOException;
import java.nio.file.Path;

import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.control.ControlServer;
import dev.forgeperf.jfr.ContinuousRecording;
import dev.forgeperf.jfr.PyroscopePush;
import dev.forgeperf.runtime.HeapGuard;
import dev.forgeperf.runtime.RuntimeService;
import dev.forgeperf.timing.TimingHistory;
import dev.forgeperf.util.AgentInfo;
import dev.forgeperf.util.Log;
import dev.forgeperf.util.StartFailure;

/**
 * The agent's start-up off the application's path, on the daemon thread {@code forge-perf-init}
 * ({@link #run}): the runtime sampler, the control socket, the continuous recording, the snapshot
 * triggers, HTTP and the Pyroscope push, each one step. A step whose feature fails to start logs
 * that once and leaves the feature off: it is done. A step that fails with an {@link Error}
 * (typically {@link OutOfMemoryError}: the application filled its heap while the agent started)
 * is retried, with waits doubling up to a minute, at most {@link #START_ATTEMPTS} times, and not
 * once the agent is detached; what went wrong is kept for {@code status} ({@link #problem}).
 * Nothing escapes the init thread. The steps publish what they start in the agent's fields.
 * Thread-safety: the steps and their done-flags belong to the init thread; a reload may open the
 * control socket too ({@link #openControlSocket}, under the agent's monitor); {@link #problem}
 * and {@link #triggersStarted} may be read from any thread.
 */
final class StartUp {
    /** Start-up steps retried after an {@link Error} (a full heap at start), at most this many times, the waits doubling up to a minute. */
    static final int START_ATTEMPTS = 12;

    private static final String HEAP_FULL_AT_START = "the application's heap was full (less than 2 MB free beyond a tenth of it), so the agent waited";

    private final Agent agent;
    private boolean runtimeStarted;
    private boolean controlStarted;
    private boolean recordingStarted;
    private volatile boolean triggersStarted;
    private boolean httpStarted;
    private boolean pushStarted;
    /** What went wrong while starting (retried), or null; shown by status. */
    private volatile String startProblem;

    StartUp(Agent agent) {
        this.agent = agent;
    }

    /**
     * The init thread: starts the sampler, the control socket, JFR, the triggers and HTTP. A step
     * that fails with an {@link Error} (typically {@link OutOfMemoryError}: the application filled
     * its heap while the agent started) is retried with a growing wait; what happened is kept
     * for {@code status}. Nothing escapes this thread.
     */
    void run() {
        long waitMillis = 1000;
        for (int attempt = 1; attempt <= START_ATTEMPTS && !agent.detached(); attempt++) {
            try {
                // in a full heap even a class initializer fails, and then for good: wait for room instead
                String failed = HeapGuard.hasRoom(HeapGuard.START_BYTES) ? startSteps() : HEAP_FULL_AT_START;
                if (failed == null) {
                    if (attempt > 1) {
                        startProblem = "started on attempt " + attempt + " (earlier attempts failed: " + startProblem + ")";
                        Log.info(startProblem);
                    }
                    return;
                }
                startProblem = failed;
                if (attempt == 1 || attempt == START_ATTEMPTS) {
                    Log.info((attempt == START_ATTEMPTS ? "giving up starting: " : "start-up incomplete: ") + failed
                            + (attempt == START_ATTEMPTS ? "" : "; retrying with growing waits, up to " + START_ATTEMPTS + " attempts"));
                }
            } catch (Throwable t) {
                // even describing the failure can fail in a full heap: keep a constant text
                if (startProblem == null) {
                    startProblem = Agent.OUT_OF_MEMORY_AT_START;
                }
            }
            try {
                Thread.sleep(waitMillis);
            } catch (Throwable interruptedOrFull) {
                return;
            }
            waitMillis = Math.min(60_000, waitMillis * 2);
        }
    }

    /** Runs the start-up steps not done yet; returns what failed with an Error (to retry), or null when all are done. */
    private String startSteps() {
        java.util.List<String> failed = new java.util.ArrayList<>();
        if (!runtimeStarted) {
            runtimeStarted = step(failed, "the runtime sampler", () -> {
                RuntimeService.start(agent.options());
                String problem = RuntimeService.get().samplerProblem();
                if (problem != null && problem.contains("OutOfMemoryError")) {
                    RuntimeService.shutdown();
                    throw new OutOfMemoryError(problem);
                }
                if (RuntimeService.get().sampling()) {
                    agent.timingHistory = new TimingHistory(RuntimeService.get().capacity());
                }
                RuntimeService.get().setListener(agent::sampled);
            });
        }
        if (!controlStarted) {
            controlStarted = step(failed, "the control socket", this::openControlSocket);
        }
        if (!recordingStarted) {
            recordingStarted = step(failed, "the continuous recording", this::startRecording);
        }
        if (runtimeStarted && !triggersStarted) {
            triggersStarted = step(failed, "the snapshot triggers", () -> {
                if (agent.triggers != null && !agent.triggers.start()) {
                    agent.triggers = null;
                }
                RuntimeService.get().setListener(agent::sampled); // the triggers are told from there
            });
        }
        if (!httpStarted) {
            httpStarted = step(failed, "HTTP", () -> agent.agentHttp.start(agent, agent.options()));
        }
        if (!pushStarted) {
            pushStarted = step(failed, "the Pyroscope push", this::startPush);
        }
        return failed.isEmpty() ? null : String.join("; ", failed);
    }

    /** Runs one start-up step; an Error (not a contained failure) leaves it to be retried. */
    private static boolean step(java.util.List<String> failed, String what, Runnable step) {
        try {
            step.run();
            return true;
        } catch (Error e) {
            try {
                failed.add(what + " failed (" + e + ")");
            } catch (Throwable full) {
                failed.add(what);
            }
            return false;
        }
    }

    /** True once the snapshot triggers' step is done: from then on the sampler's ticks reach them. */
    boolean triggersStarted() {
        return triggersStarted;
    }

    /** What went wrong while starting (retried), or null; shown by status. */
    String problem() {
        return startProblem;
    }

    /** Opens the control socket; a failure is logged and leaves forge-perf commands unable to reach this JVM. */
    void openControlSocket() {
        StartFailure.clear(agent.pid()); // an earlier start of this JVM's agent failed: this one runs
        try {
            agent.control = ControlServer.start(agent.pid(), new CommandRunner(agent));
        } catch (IOException | RuntimeException e) {
            Log.failure("control socket disabled, forge-perf commands cannot reach this JVM", e);
        }
    }

    /** Starts pushing the recording's chunks to Pyroscope if {@code pyroscope=} asks for it (threads only: nothing waits on the network). */
    private void startPush() {
        String url = agent.options().get("pyroscope", null);
        if (url == null) {
            return;
        }
        try {
            String main = AgentInfo.mainClass();
            String app = main == null || main.isEmpty() ? "java" : main.substring(main.lastIndexOf('.') + 1);
            agent.push = PyroscopePush.start(url, agent.options().get("pyroscope.app", null), app, agent::recording);
            if (agent.jfr == null) {
                Log.info("pyroscope: the continuous recording is off (jfr=off), so there is nothing to push");
            }
        } catch (IllegalArgumentException e) {
            Log.info(e.getMessage() + "; not pushing");
        } catch (RuntimeException | LinkageError e) {
            Log.failure("pyroscope push disabled", e);
        }
    }

    private void startRecording() {
        String settings = agent.options().get("jfr", "default");
        if (settings.equals("off")) {
            return;
        }
        try {
            if (agent.jfr != null) {
                agent.jfr.startInBackground(); // an earlier attempt made it (once started, this does nothing)
                return;
            }
            AgentOptions options = agent.options();
            Path repository = agent.control == null ? null : agent.control.socket().getParent().resolve("jfr-" + agent.pid());
            agent.jfr = new ContinuousRecording(settings, java.time.Duration.ofNanos(options.durationNanos("jfr.maxage", 30L * 60 * 1_000_000_000L)),
                    options.bytes("jfr.maxsize", 200L << 20), repository);
            agent.jfr.writeAtExit(options.get("snapshotOnExit", null) != null);
            agent.jfr.startInBackground();
        } catch (RuntimeException | LinkageError e) {
            Log.failure("continuous JFR recording disabled", e);
        }
    }
}
