package dev.forgeperf.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;

import dev.forgeperf.control.AgentSockets;
import dev.forgeperf.control.ControlClient;
import dev.forgeperf.control.Protocol;
import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.Json;
import dev.forgeperf.util.JsonReader;
import dev.forgeperf.util.PendingFiles;
import dev.forgeperf.util.ProcessState;
import dev.forgeperf.util.SocketDir;
import dev.forgeperf.util.StartFailure;
import dev.forgeperf.util.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code list}: JVMs on this machine with the agent loaded; with {@code --all} every attachable JVM. */
@Command(name = "list", description = {"List JVMs with the forge-perf agent loaded (stale sockets are removed).",
        "As root: also every other user's JVMs with the agent, with the user each runs as."})
final class ListCommand implements Callable<Integer> {
    /**
     * How long {@code list} waits for an agent that sends nothing before it lists it as not
     * answering (ten times that while its JVM runs; a stopped JVM is not asked at all).
     */
    static final java.time.Duration PROBE_SILENCE = java.time.Duration.ofSeconds(3);

    @Option(names = "--all", description = "Also list attachable JVMs without the agent.")
    boolean all;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Map<Long, Map<String, Object>> rows = new TreeMap<>();
        Path dir = SocketDir.path();
        if (Files.isDirectory(dir)) {
            cleanUpAfterDeadJvms(dir);
            try (DirectoryStream<Path> sockets = Files.newDirectoryStream(dir, "*.sock")) {
                for (Path socket : sockets) {
                    Map<String, Object> row = probe(socket);
                    if (row != null) {
                        rows.put(((Number) row.get("pid")).longValue(), row);
                    }
                }
            }
        }
        if (Files.isDirectory(dir)) {
            // JVMs whose agent did not start: no socket to ask, a note says why
            try (DirectoryStream<Path> notes = Files.newDirectoryStream(dir, "*" + StartFailure.SUFFIX)) {
                for (Path note : notes) {
                    String name = note.getFileName().toString();
                    String digits = name.substring(0, name.length() - StartFailure.SUFFIX.length());
                    if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    long pid = Long.parseLong(digits);
                    String why = StartFailure.readForRunning(pid);
                    if (why == null || rows.containsKey(pid) || ProcessHandle.of(pid).isEmpty()) {
                        continue;
                    }
                    Map<String, Object> row = rowWithoutAgent(pid, AgentSockets.uidOf(pid), mainClassOf(pid));
                    row.put("start", "not running: " + why);
                    rows.put(pid, row);
                }
            }
        }
        if (AgentSockets.asRoot()) {
            // root sees every user's JVMs, as jcmd does: their sockets are in their users' directories
            // (root's own JVMs are those in root's directory, listed above)
            for (Map.Entry<Long, Path> e : AgentSockets.all().entrySet()) {
                if (!rows.containsKey(e.getKey()) && AgentSockets.uidOf(e.getKey()) != SocketDir.currentUid()) {
                    Map<String, Object> row = probe(e.getValue());
                    if (row != null) {
                        rows.put(e.getKey(), row);
                    }
                }
            }
        }
        if (all) {
            long self = ProcessHandle.current().pid();
            for (VirtualMachineDescriptor d : VirtualMachine.list()) {
                long pid = Long.parseLong(d.id());
                if (pid != self && !rows.containsKey(pid)) {
                    Map<String, Object> row = rowWithoutAgent(pid, AgentSockets.uidOf(pid), d.displayName().split(" ", 2)[0]);
                    rows.put(pid, row);
                }
            }
        }
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(new ArrayList<>(rows.values())));
            return 0;
        }
        if (rows.isEmpty()) {
            out.println(all ? "No JVMs found." : "No JVM with the forge-perf agent; load it with -javaagent or `forge-perf attach PID` (see `forge-perf list --all`).");
            return 0;
        }
        out.printf("%-8s %-10s %-10s %-12s %s%n", "PID", "USER", "AGENT", "UPTIME", "MAIN");
        for (Map<String, Object> r : rows.values()) {
            Object v = r.get("agentVersion");
            Object up = r.get("uptimeMillis");
            out.printf("%-8s %-10s %-10s %-12s %s%s%s%n", r.get("pid"), r.get("user"), v == null ? "-" : v,
                    up == null ? "-" : Units.span(((Number) up).longValue()), r.get("mainClass"),
                    r.get("start") == null ? "" : "  (agent start: " + r.get("start") + ")",
                    r.get("answer") == null ? "" : "  (" + r.get("answer") + ")");
        }
        return 0;
    }

    /**
     * Removes what JVMs that are gone left in the socket directory: the recording folder
     * {@code jfr-<pid>} (its chunks hold the JVM's environment and properties), the profiling
     * sessions' folder {@code sessions-<pid>} and, as listed in
     * {@code <pid>.pending}, hidden temporary files of a dump or snapshot the JVM was killed in the
     * middle of. Only entries owned by this user are touched, never through a link.
     */
    static void cleanUpAfterDeadJvms(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                String digits = name.startsWith("jfr-") ? name.substring(4) : name.startsWith("sessions-") ? name.substring(9)
                        : name.endsWith(".pending") ? name.substring(0, name.length() - 8)
                        : name.endsWith(StartFailure.SUFFIX) ? name.substring(0, name.length() - StartFailure.SUFFIX.length()) : "";
                if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 18) {
                    continue;
                }
                long pid = Long.parseLong(digits);
                if (ProcessHandle.of(pid).isPresent() || !SocketDir.ours(p)) {
                    continue;
                }
                if (name.endsWith(".pending")) {
                    PendingFiles.cleanUpAfter(dir, pid);
                } else if (name.endsWith(StartFailure.SUFFIX)) {
                    Files.deleteIfExists(p);
                } else {
                    AtomicFiles.deleteTree(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // cleaning is a courtesy; listing goes on
        }
    }

    /** The main class the JDK's attach list shows for {@code pid}, or "?". */
    private static String mainClassOf(long pid) {
        for (VirtualMachineDescriptor d : VirtualMachine.list()) {
            if (d.id().equals(String.valueOf(pid))) {
                return d.displayName().split(" ", 2)[0];
            }
        }
        return "?";
    }

    /** Asks one agent for its status; removes the socket when its JVM is gone. Null when unreachable. */
    private static Map<String, Object> probe(Path socket) {
        String name = socket.getFileName().toString();
        long pid;
        try {
            pid = Long.parseLong(name.substring(0, name.length() - ".sock".length()));
        } catch (NumberFormatException e) {
            return null;
        }
        if (ProcessHandle.of(pid).isEmpty()) {
            for (Path stale : List.of(socket, socket.resolveSibling(pid + ".http"), socket.resolveSibling(pid + ".http-token"))) {
                try {
                    Files.deleteIfExists(stale);
                } catch (IOException ignored) {
                    // someone else's stale file; leave it
                }
            }
            return null;
        }
        if (ProcessState.stopped(pid)) {
            return notAnswering(pid, socket, "stopped: SIGSTOP, or a debugger holds it; its agent cannot answer");
        }
        StringBuilder answer = new StringBuilder();
        try {
            Map<String, String> headers = Map.of(Protocol.CWD, "/");
            int status = ControlClient.run(socket, headers, List.of("status", String.valueOf(pid), "--json"), (type, text) -> {
                if (type == Protocol.OUT) {
                    answer.append(text);
                }
            }, call -> { }, PROBE_SILENCE, () -> ProcessState.stopped(pid));
            if (status != 0) {
                return null;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> s = (Map<String, Object>) JsonReader.parse(answer.toString());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("pid", pid);
            row.put("user", AgentSockets.userName(SocketDir.ownerUid(socket)));
            row.put("mainClass", s.get("mainClass"));
            row.put("agentVersion", s.get("agentVersion"));
            row.put("uptimeMillis", s.get("uptimeMillis"));
            row.put("socket", socket.toString());
            Object features = s.get("features");
            Object start = features instanceof Map ? ((Map<?, ?>) features).get("start") : null;
            if (start != null) {
                row.put("start", start);
            }
            Object http = s.get("http");
            row.put("http", http instanceof Map ? ((Map<?, ?>) http).get("url") : null);
            return row;
        } catch (ControlClient.NoAnswer e) {
            return notAnswering(pid, socket, e.getMessage());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The row of a JVM whose agent does not answer: listed, not waited for. */
    private static Map<String, Object> notAnswering(long pid, Path socket, String why) {
        Map<String, Object> row = rowWithoutAgent(pid, SocketDir.ownerUid(socket), mainClassOf(pid));
        row.put("socket", socket.toString());
        row.put("answer", why);
        return row;
    }

    /** A row for a JVM whose agent does not tell its version and uptime (not loaded, not started, not answering). */
    private static Map<String, Object> rowWithoutAgent(long pid, int uid, Object mainClass) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("pid", pid);
        row.put("user", AgentSockets.userName(uid));
        row.put("mainClass", mainClass);
        row.put("agentVersion", null);
        row.put("uptimeMillis", null);
        return row;
    }
}
