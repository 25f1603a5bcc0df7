package dev.forgeperf.agent;

import dev.forgeperf.bootstrap.AgentState;
import dev.forgeperf.bootstrap.Recorder;
import dev.forgeperf.control.ControlServer;
import dev.forgeperf.http.AgentHttpServer;
import dev.forgeperf.jfr.ContinuousRecording;
import dev.forgeperf.jfr.PyroscopePush;
import dev.forgeperf.runtime.RuntimeService;
import dev.forgeperf.snapshot.ProfilingSessions;
import dev.forgeperf.snapshot.SnapshotTriggers;
import dev.forgeperf.timing.SlowCallsToJfr;
import dev.forgeperf.timing.TimingService;
import dev.forgeperf.util.Log;
import dev.forgeperf.util.PendingFiles;

/**
 * Stopping the agent, in two ways. {@link #detach} undoes everything while the JVM runs on: the
 * triggers and the sampler stop, every instrumentation is removed (the original bytecode is back)
 * and its timing rows dropped from the bootstrap registry, which outlives the agent,
 * profiling sessions, HTTP, the Pyroscope push and the continuous recording are closed, the
 * shutdown hook is removed; the control socket goes last, on the daemon thread
 * {@code forge-perf-detach}, once the answer reached the client (or after 10 s), and then the JVM
 * may load the agent again. A failure to remove the instrumentation is logged and reported in the
 * answer, not thrown. {@link #shutdown} is the JVM's exit hook: the exit snapshot if
 * {@code snapshotOnExit=} asks for one (a failure logged), then sessions, HTTP, the push, the
 * control socket and the recording closed. Thread-safety: detach runs once, under the agent's
 * monitor, after {@code Agent.detach} marked the agent detached (the init thread makes no further
 * attempt, a later reload opens no control socket, and HTTP never starts once stopped); shutdown
 * runs on the hook's thread.
 */
final class Teardown {
    private final Agent agent;

    /** Made with the agent, so the shutdown hook's code is loaded at start, not in an exiting JVM's heap. */
    Teardown(Agent agent) {
        this.agent = agent;
    }

    /**
     * Detaches the agent: removes every instrumentation (the original bytecode is back), stops
     * the snapshot triggers, the sampler, HTTP and the continuous recording. The control socket
     * stays until {@code answered} says the answer reached the client (or 10 s passed); then
     * it is removed and the JVM may load the agent again. Returns what was done, line by line.
     */
    java.util.List<String> detach(java.util.function.BooleanSupplier answered) {
        java.util.List<String> done = new java.util.ArrayList<>();
        SnapshotTriggers t2 = agent.triggers;
        agent.triggers = null;
        RuntimeService.shutdown();
        done.add(t2 == null ? "runtime sampler stopped (its history is dropped)"
                : "snapshot triggers and runtime sampler stopped (trigger snapshots stay in " + t2.dir() + ")");
        TimingService t = agent.agentTiming.service();
        if (t != null) {
            try {
                int specs = t.specs().size();
                int methods = t.activeMethods().size();
                int rows = t.close();
                done.add("instrumentation removed: " + methods + " methods of " + specs + " specs run their original bytecode again; "
                        + rows + " timing rows dropped (a later attach starts them from zero)");
            } catch (RuntimeException | LinkageError e) {
                Log.failure("removing the instrumentation", e);
                done.add("removing the instrumentation failed: " + e);
            }
        } else {
            done.add("no methods were instrumented");
        }
        SlowCallsToJfr.uninstall();
        Recorder.setActive(false);
        done.add(ProfilingSessions.get().closeAll());
        AgentHttpServer h = agent.agentHttp.stop();
        if (h != null) {
            done.add("HTTP server at " + h.url() + " stopped");
        }
        PyroscopePush p = agent.push;
        agent.push = null;
        if (p != null) {
            p.close();
            done.add("pyroscope push to " + p.server() + " stopped");
        }
        ContinuousRecording r = agent.jfr;
        agent.jfr = null;
        if (r != null) {
            Object repository = r.toMap().get("repository");
            r.close();
            done.add("continuous JFR recording stopped and discarded: JFR deleted its chunk files" + (repository == null ? ""
                    : " in " + repository + " (the folder is removed too, unless another recording of this JVM still uses it)") + "; copy a recording out first with `forge-perf dump jfr`");
        }
        Thread hook = agent.shutdownHook;
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // the JVM exits: the hook runs anyway
            }
        }
        PendingFiles.unhook();
        ControlServer c = agent.control;
        done.add("control socket " + (c == null ? "(none)" : c.socket()) + " removed once this answer is sent; `forge-perf attach " + agent.pid()
                + "` loads the agent again");
        Thread finish = new Thread(() -> {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!answered.getAsBoolean() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    break;
                }
            }
            boolean sent = answered.getAsBoolean();
            if (c != null) {
                c.close();
            }
            agent.control = null;
            Agent.clearCurrent(agent);
            AgentState.release();
            Log.info("agent detached from pid " + agent.pid() + (sent ? "" : " (the answer to `detach` was not sent within 10 s; the control socket was removed anyway)"));
        }, "forge-perf-detach");
        finish.setDaemon(true);
        finish.start();
        return done;
    }

    /** The JVM is exiting: writes the exit snapshot if asked for, then closes what the agent opened. */
    void shutdown() {
        atExit("snapshotOnExit", this::exitSnapshot);
        atExit("closing the profiling sessions", () -> ProfilingSessions.get().closeAll());
        atExit("stopping HTTP", agent.agentHttp::stop);
        atExit("stopping the Pyroscope push", () -> {
            PyroscopePush p = agent.push;
            if (p != null) {
                p.close();
            }
        });
        atExit("closing the control socket", () -> {
            ControlServer c = agent.control;
            if (c != null) {
                c.close();
            }
        });
        atExit("closing the continuous recording", () -> {
            ContinuousRecording r = agent.jfr;
            if (r != null) {
                r.close();
            }
        });
    }

    private void exitSnapshot() {
        String exitDir = agent.options().get("snapshotOnExit", null);
        if (exitDir != null) {
            try {
                java.nio.file.Path written = ExitSnapshot.write(java.nio.file.Path.of(exitDir), agent);
                Log.info("exit snapshot written to " + written);
            } catch (java.io.IOException | RuntimeException e) {
                Log.failure("snapshotOnExit failed", e);
            }
        }
    }

    /**
     * One step of the exit: whatever it throws (an Error too: a jar deleted while the JVM ran
     * leaves classes not loaded yet unloadable) is said in one line and the next step runs; nothing
     * escapes the shutdown hook onto the JVM's exit.
     */
    private static void atExit(String what, Runnable step) {
        try {
            step.run();
        } catch (Throwable t) {
            try {
                Log.failure(what + " at exit failed", t);
            } catch (Throwable ignored) {
                // nothing left to say it with
            }
        }
    }
}
