package dev.forgeperf.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;

import dev.forgeperf.control.CommandException;
import dev.forgeperf.util.SocketDir;

/** Turns what the user typed (a pid, or a main-class name as in jcmd) into a live pid. */
final class Targets {
    private Targets() {
    }

    /**
     * Resolves {@code target} to the pid of a live process.
     *
     * @throws CommandException with what to do when there is no such JVM, or several
     */
    static long resolve(String target) {
        if (target.chars().allMatch(Character::isDigit) && !target.isEmpty()) {
            long pid;
            try {
                pid = Long.parseLong(target);
            } catch (NumberFormatException e) {
                throw new CommandException("'" + target + "' is not a valid pid", 2);
            }
            if (ProcessHandle.of(pid).isEmpty()) {
                throw new CommandException("no process with pid " + pid + " on this machine; run `forge-perf list --all` to see the JVMs");
            }
            int owner = SocketDir.ownerUid(Path.of("/proc", String.valueOf(pid)));
            int me = SocketDir.currentUid();
            if (owner >= 0 && me >= 0 && owner != me && me != 0 && !Files.exists(SocketDir.socketOf(pid))) {
                throw new CommandException("process " + pid + " belongs to uid " + owner + ", not to you (uid " + me
                        + "); run forge-perf as the JVM's owner or as root");
            }
            return pid;
        }
        List<VirtualMachineDescriptor> matches = new ArrayList<>();
        for (VirtualMachineDescriptor d : VirtualMachine.list()) {
            if (matchesName(d.displayName(), target)) {
                matches.add(d);
            }
        }
        if (matches.isEmpty()) {
            throw new CommandException("no JVM with main class '" + target + "'; run `forge-perf list --all` to see the JVMs");
        }
        if (matches.size() > 1) {
            StringBuilder b = new StringBuilder();
            for (VirtualMachineDescriptor d : matches) {
                b.append(b.length() == 0 ? "" : ", ").append(d.id());
            }
            throw new CommandException("'" + target + "' matches " + matches.size() + " JVMs (pids " + b + "); give the pid");
        }
        return Long.parseLong(matches.get(0).id());
    }

    /** As jcmd: the main class or jar equals or ends with the name given. */
    static boolean matchesName(String displayName, String name) {
        String main = displayName.split(" ", 2)[0];
        return !main.isEmpty() && (main.equals(name) || main.endsWith("." + name) || main.endsWith("/" + name));
    }

    /**
     * Whether {@code pid} runs a HotSpot JVM: libjvm is mapped, or (when its maps cannot be read)
     * it has a performance-data file ({@code hsperfdata_USER/PID}, as jps finds JVMs). Null when
     * it cannot be told: then the attach API could only time out, so callers refuse at once.
     */
    static Boolean isJvm(long pid) {
        try (java.util.stream.Stream<String> maps = Files.lines(Path.of("/proc", String.valueOf(pid), "maps"))) {
            return maps.anyMatch(l -> l.endsWith("/libjvm.so"));
        } catch (IOException | RuntimeException e) {
            try (java.util.stream.Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                if (dirs.anyMatch(d -> d.getFileName().toString().startsWith("hsperfdata_") && Files.exists(d.resolve(String.valueOf(pid))))) {
                    return true;
                }
            } catch (IOException | RuntimeException ignored) {
                // no answer from here either
            }
            return null;
        }
    }

    /** The process's command line shortened for a message ({@code (sleep 60)}), or "" when unreadable. */
    static String describe(long pid) {
        String cmd = commandLine(pid);
        if (cmd.isEmpty()) {
            return "";
        }
        return " (" + (cmd.length() > 60 ? cmd.substring(0, 59) + "\u2026" : cmd) + ")";
    }

    /**
     * The {@code -javaagent:} option that loads forge-perf (a jar whose file name holds
     * "forge-perf") on {@code pid}'s command line, or null when there is none or it cannot be read.
     */
    static String forgePerfAgentOption(long pid) {
        for (String arg : commandArgs(pid)) {
            if (arg.startsWith("-javaagent:")) {
                String jar = arg.substring("-javaagent:".length());
                int eq = jar.indexOf('=');
                try {
                    Path name = Path.of(eq < 0 ? jar : jar.substring(0, eq)).getFileName();
                    if (name != null && name.toString().contains("forge-perf")) {
                        return eq < 0 ? arg : arg.substring(0, "-javaagent:".length() + eq);
                    }
                } catch (RuntimeException notAPath) {
                    // another agent's odd option: not ours
                }
            }
        }
        return null;
    }

    /** The process's command line, or "" when unreadable. */
    static String commandLine(long pid) {
        return String.join(" ", commandArgs(pid)).trim();
    }

    /** The process's arguments as {@code /proc/PID/cmdline} lists them, empty when unreadable. */
    private static String[] commandArgs(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline"));
            return raw.length == 0 ? new String[0] : new String(raw, StandardCharsets.UTF_8).split("\0");
        } catch (IOException | RuntimeException e) {
            return new String[0];
        }
    }

    /**
     * The Java feature version (17, 25, ...) of the JVM {@code pid} runs, from the {@code release} file of
     * the JDK its executable ({@code /proc/PID/exe}) belongs to; 0 when that cannot be read. Asks the
     * JVM nothing (its system properties would be copied in its heap to answer).
     */
    static int javaFeature(long pid) {
        try {
            Path exe = Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "exe"));
            Path home = exe.getParent() == null ? null : exe.getParent().getParent();
            if (home == null) {
                return 0;
            }
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return featureOf(line.substring("JAVA_VERSION=".length()).replace("\"", "").trim());
                }
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The feature number of a Java version string ({@code 17.0.12}, {@code 25}, {@code 1.8.0_402}); 0 when not one. */
    static int featureOf(String version) {
        String v = version.startsWith("1.") ? version.substring(2) : version;
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        try {
            return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * What of the JVM's options can be seen from outside it: its command line and the option variables of
     * its environment ({@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS}, {@code _JAVA_OPTIONS}) as far as
     * {@code /proc/PID/environ} is readable (the owner, root); "" for what is not.
     */
    static String jvmOptions(long pid) {
        StringBuilder b = new StringBuilder(commandLine(pid));
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "environ"));
            for (String kv : new String(raw, StandardCharsets.UTF_8).split("\0")) {
                if (kv.startsWith("JAVA_TOOL_OPTIONS=") || kv.startsWith("JDK_JAVA_OPTIONS=") || kv.startsWith("_JAVA_OPTIONS=")) {
                    b.append(' ').append(kv.substring(kv.indexOf('=') + 1));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not readable: the command line alone
        }
        return b.toString();
    }
}
