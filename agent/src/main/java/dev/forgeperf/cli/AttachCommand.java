package dev.forgeperf.cli;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;

import dev.forgeperf.control.CommandException;
import dev.forgeperf.control.AgentSockets;
import dev.forgeperf.util.SocketDir;
import dev.forgeperf.util.StartFailure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code attach PID}: loads this jar into a running JVM, waits for its socket, shows its status. */
@Command(name = "attach", description = {"Load the agent into a running JVM (dynamic attach), then show its status.",
        "On JDK 21+ the target JVM prints a warning about a dynamically loaded agent unless it was started with",
        "-XX:+EnableDynamicAgentLoading; the agent works either way.",
        "As root, a JVM of another user can be attached (as jcmd can) when that user can read this jar.",
        "A JVM without room for the agent (a full heap, a small -XX:MaxMetaspaceSize) is left as it is: one line says why, exit 1."})
final class AttachCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PID", description = "Target JVM: process id, or a unique main-class name.")
    String target;

    @Option(names = "--options", paramLabel = "k=v,...", description = {"Agent options, as after -javaagent:forge-perf.jar=",
            "Into a JVM that has the agent: timed, timed.jfrThreshold, verbose, snapshotOnExit and http (while off) apply;",
            "the others are named as ignored (run `forge-perf detach PID` first to change them)."})
    String options = "";

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long to wait for the agent's socket (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 15;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        long pid = Targets.resolve(target);
        if (pid == ProcessHandle.current().pid()) {
            throw new CommandException("cannot attach to the forge-perf CLI itself", 2);
        }
        Path socket = SocketDir.socketOf(pid);
        Boolean jvm = Targets.isJvm(pid);
        if (jvm == null) {
            throw new CommandException("cannot tell whether process " + pid + " is a JVM (/proc/" + pid + "/maps is not readable, so attach "
                    + "could not reach it either); run forge-perf as the JVM's owner, or `forge-perf list --all` to see the JVMs");
        }
        if (!jvm) {
            throw new CommandException("process " + pid + Targets.describe(pid) + " is not a JVM; run `forge-perf list --all` to see the JVMs");
        }
        // as root, another user's JVM (the JDK's attach allows it): its socket is in its user's directory
        int targetUid = AgentSockets.uidOf(pid);
        boolean foreign = AgentSockets.asRoot() && targetUid >= 0 && targetUid != SocketDir.currentUid();
        java.util.function.BooleanSupplier socketUp = foreign ? () -> AgentSockets.find(pid) != null : () -> Files.exists(socket);
        boolean wasLoaded = socketUp.getAsBoolean();
        String jar = ownJar();
        StaleAttachSocket.Found stale = StaleAttachSocket.clear(pid, targetUid, AgentSockets.asRoot());
        if (stale != null && stale.removed()) {
            spec.commandLine().getErr().println("note: removed " + stale.path() + ", a JDK attach socket of " + AgentSockets.userName(stale.owner())
                    + " that JVM " + pid + " (of " + AgentSockets.userName(targetUid) + ") cannot have made: an earlier process with that pid left it,"
                    + " and every attach (jcmd too) was refused by it");
        }
        long attachedAtMillis = System.currentTimeMillis();
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(String.valueOf(pid));
        } catch (AttachNotSupportedException | IOException e) {
            if (stale != null && !stale.removed()) {
                throw new CommandException("cannot attach to JVM " + pid + ": " + stale.path() + " belongs to " + AgentSockets.userName(stale.owner())
                        + ", not to the JVM's user " + AgentSockets.userName(targetUid) + ": an earlier process with that pid left it and the JDK's attach"
                        + " (jcmd too) connects to it; remove it (as root: rm " + stale.path() + ") and attach again");
            }
            throw new CommandException(outOfHeap(e) ? outOfHeapMessage(pid, "the agent was not loaded") : attachFailure(pid, e));
        }
        boolean loading = false;
        try {
            // from /proc and the JDK's release file, not the JVM's system properties: asking for those makes the JVM
            // build a copy of them in its heap, which a JVM whose heap is full answers with OutOfMemoryError
            int feature = Targets.javaFeature(pid);
            if (feature >= 21 && !Targets.jvmOptions(pid).contains("-XX:+EnableDynamicAgentLoading")) {
                spec.commandLine().getErr().println("note: JVM " + pid + " runs JDK " + feature + ", which prints a warning about a dynamically loaded agent;"
                        + " start it with -XX:+EnableDynamicAgentLoading to silence it (the agent works either way)");
            }
            loading = true;
            vm.loadAgent(jar, options);
        } catch (IOException e) {
            // the JVM answers an attach operation that threw with the exception's text (AttachOperationFailedException);
            // one out of heap may also break off its answer (Premature EOF)
            if (outOfHeap(e)) {
                throw new CommandException(outOfHeapMessage(pid, "the agent was not loaded"));
            }
            throw new CommandException("JVM " + pid + " broke off its answer to the attach (" + e.getMessage() + "), as a JVM out of heap does; "
                    + (loading ? "run `forge-perf status " + pid + "` to see whether the agent started" : "the agent was not loaded")
                    + "; the JVM runs on: attach again when its heap has room, or start it with -javaagent:" + ownJarOrName() + " and a larger -Xmx");
        } catch (AgentLoadException | AgentInitializationException e) {
            if (outOfHeap(e)) {
                throw new CommandException(outOfHeapMessage(pid, "the agent did not start"));
            }
            if (e instanceof AgentInitializationException) {
                // the JVM loaded the jar but its agentmain could not run (ours catches what it throws): class loading out
                // of heap or metaspace, before any code of ours ran
                throw new CommandException("JVM " + pid + " could not start the agent (" + e.getMessage() + "), as a JVM short of heap or metaspace"
                        + " does; the agent is not running and the JVM runs on: see its standard error; attach again when its heap has room,"
                        + " or start it with -javaagent:" + ownJarOrName() + " and a larger -Xmx");
            }
            throw new CommandException("JVM " + pid + " refused to load the agent: " + e.getMessage()
                    + (foreign ? " (it runs as " + AgentSockets.userName(targetUid) + ", who must be able to read " + jar + ")" : ""));
        } finally {
            vm.detach();
        }
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (!socketUp.getAsBoolean()) {
            String notStarted = foreign ? null : StartFailure.read(pid, attachedAtMillis - 10);
            if (notStarted != null) {
                throw new CommandException("the forge-perf agent did not start in JVM " + pid + " (it runs on unchanged): " + notStarted);
            }
            if (System.nanoTime() > deadline) {
                throw new CommandException("the agent loaded into JVM " + pid + " but its control socket "
                        + (foreign ? "(in the directory of user " + AgentSockets.userName(targetUid) + ")" : socket)
                        + " did not appear within " + timeoutSeconds + "s; see the JVM's standard error for a [forge-perf] line");
            }
            Thread.sleep(50);
        }
        var out = spec.commandLine().getOut();
        out.println(wasLoaded ? "forge-perf agent was already loaded in JVM " + pid + " (options applied where they can be)"
                : "forge-perf agent loaded into JVM " + pid);
        out.flush();
        return Remote.forward(String.valueOf(pid), List.of("status", String.valueOf(pid)), out, spec.commandLine().getErr());
    }

    /** Whether the target JVM answered an attach operation with an {@link OutOfMemoryError}. */
    private static boolean outOfHeap(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError || String.valueOf(t.getMessage()).contains("OutOfMemoryError")) {
                return true;
            }
        }
        return false;
    }

    private static String outOfHeapMessage(long pid, String outcome) {
        return "JVM " + pid + " is out of heap (it answered the attach with java.lang.OutOfMemoryError); " + outcome
                + " and the JVM runs on: attach again when its heap has room, or start it with -javaagent:" + ownJarOrName() + " and a larger -Xmx";
    }

    private static String attachFailure(long pid, Exception e) {
        String cmd = Targets.commandLine(pid);
        if (cmd.contains("-XX:+DisableAttachMechanism")) {
            return "JVM " + pid + " does not accept attach (it runs with -XX:+DisableAttachMechanism); start it with -javaagent:"
                    + ownJarOrName() + " instead";
        }
        return "cannot attach to JVM " + pid + ": " + e.getMessage() + "; is it a JVM of this user (or are you root), started with attach enabled?";
    }

    private static String ownJarOrName() {
        try {
            return ownJar();
        } catch (CommandException e) {
            return "forge-perf.jar";
        }
    }

    /** The path of the forge-perf.jar this CLI runs from. */
    static String ownJar() {
        try {
            String path = new File(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
            if (!path.endsWith(".jar")) {
                throw new CommandException("attach needs the packaged forge-perf.jar (this CLI runs from " + path + ")");
            }
            return path;
        } catch (URISyntaxException | SecurityException e) {
            throw new CommandException("cannot locate forge-perf.jar: " + e.getMessage());
        }
    }
}
