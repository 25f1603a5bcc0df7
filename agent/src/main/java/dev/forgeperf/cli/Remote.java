package dev.forgeperf.cli;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.forgeperf.control.AgentSockets;
import dev.forgeperf.control.CommandException;
import dev.forgeperf.control.ControlClient;
import dev.forgeperf.control.Protocol;
import dev.forgeperf.util.Durations;
import dev.forgeperf.util.ProcessState;
import dev.forgeperf.util.SocketDir;
import dev.forgeperf.util.StartFailure;

/** Sends a command line to the agent in the target JVM and relays its answer. */
final class Remote {
    private Remote() {
    }

    static int forward(String target, List<String> line, PrintWriter out, PrintWriter err) throws IOException {
        long pid = Targets.resolve(target);
        Path socket = socketFor(pid);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Protocol.CWD, Path.of("").toAbsolutePath().toString());
        Console console = System.console();
        headers.put(Protocol.TTY, String.valueOf(console != null));
        try {
            return ControlClient.run(socket, headers, line, (type, text) -> {
                PrintWriter w = type == Protocol.OUT ? out : err;
                w.print(text);
                w.flush();
            }, Remote::onInterrupt, silence(), () -> ProcessState.stopped(pid));
        } catch (ControlClient.NoAnswer e) {
            throw new CommandException("no answer from the agent in JVM " + pid + ": " + e.getMessage() + (Boolean.TRUE.equals(e.stopped())
                    ? "; resume it (`kill -CONT " + pid + "`, or in the debugger) and try again"
                    : "; `jcmd " + pid + " Thread.print` shows what its threads do, FORGE_PERF_TIMEOUT=30m waits longer"));
        } catch (SocketException e) {
            throw new CommandException("cannot reach the agent in JVM " + pid + " at " + socket + " (" + e.getMessage()
                    + "); if the JVM still runs, run `forge-perf attach " + pid + "`");
        }
    }

    /**
     * How long the CLI waits through an agent's silence when its JVM is stopped ({@link ControlClient};
     * ten times that while it runs): {@code FORGE_PERF_TIMEOUT} ({@code 30s}, {@code 5m}), else
     * {@link ControlClient#DEFAULT_SILENCE}.
     */
    static Duration silence() {
        String v = System.getenv("FORGE_PERF_TIMEOUT");
        if (v == null || v.isBlank()) {
            return ControlClient.DEFAULT_SILENCE;
        }
        try {
            long nanos = Durations.parseNanos(v.trim());
            if (nanos > 0) {
                return Duration.ofNanos(nanos);
            }
        } catch (RuntimeException bad) {
            // said below
        }
        throw new CommandException("FORGE_PERF_TIMEOUT=" + v + " is not a duration above zero; give one such as 30s or 5m", 2);
    }

    /** {@code detach}: forwards it, then waits (up to 15 s) until the agent has removed its socket. */
    static int detach(String target, List<String> line, PrintWriter out, PrintWriter err) throws IOException {
        long pid = Targets.resolve(target);
        Path socket = socketFor(pid);
        int status = forward(String.valueOf(pid), line.stream().map(a -> a.equals(target) ? String.valueOf(pid) : a).toList(), out, err);
        if (status != 0) {
            return status;
        }
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (Files.exists(socket) && ProcessHandle.of(pid).isPresent()) {
            if (System.nanoTime() > deadline) {
                throw new CommandException("the agent in JVM " + pid + " answered but its control socket " + socket
                        + " is still there after 15 s; see the JVM's standard error for a [forge-perf] line");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        out.println("detached from JVM " + pid);
        out.flush();
        return 0;
    }

    /**
     * Ctrl-C during a command: tell the agent (half-close), then let the main thread print the
     * rest of the answer (e.g. where the cut-short profile went) for up to a minute.
     */
    private static void onInterrupt(ControlClient.Call call) {
        Thread hook = new Thread(() -> {
            if (call.interrupt()) {
                call.awaitEnd(java.time.Duration.ofMinutes(1));
            }
        }, "forge-perf-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        call.onEnd(() -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it will see the end
            }
        });
    }

    /** How long the CLI waits for the socket of a JVM started with the agent that has not opened it yet. */
    static final Duration STARTING_AGENT_WAIT = Duration.ofSeconds(10);

    /**
     * A JVM started with {@code -javaagent:…forge-perf…} whose socket is not there yet: the agent
     * opens it on its start thread after {@code main} has begun (seconds on a busy machine), so
     * the command waits for it rather than say the agent is not loaded.
     *
     * @throws CommandException if the socket does not come within {@link #STARTING_AGENT_WAIT}, or the start fails
     */
    private static void awaitStartingAgent(long pid, Path socket, String agent) {
        long deadline = System.nanoTime() + STARTING_AGENT_WAIT.toNanos();
        while (!Files.exists(socket)) {
            refuseIfStartFailed(pid);
            if (!Files.isDirectory(Path.of("/proc", String.valueOf(pid)))) {
                throw new CommandException("JVM " + pid + " exited before its forge-perf agent opened its control socket");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new CommandException("JVM " + pid + " was started with " + agent + " but its control socket " + socket
                        + " is not there after " + STARTING_AGENT_WAIT.toSeconds() + " s: the agent may still be starting, or keep its"
                        + " socket in another folder (FORGE_PERF_DIR); run `forge-perf list` to see where it is");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandException("interrupted while waiting for the agent of JVM " + pid + " to open " + socket);
            }
        }
    }

    /** @throws CommandException if the agent's start in JVM {@code pid} failed (its start-failure record says why) */
    private static void refuseIfStartFailed(long pid) {
        String notStarted = StartFailure.readForRunning(pid);
        if (notStarted != null) {
            throw new CommandException("the forge-perf agent is not running in JVM " + pid + " (its start failed): " + notStarted);
        }
    }

    /**
     * The control socket of {@code pid}, checked: present, and owned by the current user; as root,
     * also another user's JVM's socket, found through the kernel's socket table
     * ({@link AgentSockets}) and owned by that JVM's user.
     *
     * @throws CommandException saying what to do otherwise
     */
    static Path socketFor(long pid) {
        Path socket = SocketDir.socketOf(pid);
        int me = SocketDir.currentUid();
        if (!Files.exists(socket) && AgentSockets.asRoot()) {
            Path found = AgentSockets.find(pid);
            if (found != null) {
                return found;
            }
        }
        if (!Files.exists(socket)) {
            Boolean jvm = Targets.isJvm(pid);
            if (Boolean.FALSE.equals(jvm)) {
                throw new CommandException("process " + pid + Targets.describe(pid) + " is not a JVM; run `forge-perf list --all` to see the JVMs");
            }
            if (jvm == null) {
                throw new CommandException("process " + pid + Targets.describe(pid) + " has no forge-perf agent (no " + socket
                        + "), and whether it is a JVM cannot be told (its memory map is not readable); if it is one, run `forge-perf attach "
                        + pid + "` as its owner, or `forge-perf list --all` to see the JVMs");
            }
            refuseIfStartFailed(pid);
            String agent = Targets.forgePerfAgentOption(pid);
            if (agent == null) {
                throw new CommandException("JVM " + pid + " does not have the forge-perf agent loaded (no " + socket
                        + "); run `forge-perf attach " + pid + "` first");
            }
            awaitStartingAgent(pid, socket, agent);
        }
        int owner = SocketDir.ownerUid(socket);
        if (owner != me && !(AgentSockets.asRoot() && owner == AgentSockets.uidOf(pid))) {
            throw new CommandException("the control socket " + socket + " belongs to uid " + owner + ", not to you (uid " + me
                    + "); run forge-perf as the JVM's owner");
        }
        return socket;
    }
}
