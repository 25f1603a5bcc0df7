package dev.forgeperf.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * This JVM's process id and command line, read from {@code /proc/self} where there is one (never
 * a hang: procfs is not a network mount) and from {@link ProcessHandle} elsewhere. Both are asked
 * in {@code premain}, on the application's start-up path, where {@code ProcessHandle.current()}
 * costs ~7 ms (it starts the JDK's process-reaper machinery); the {@code /proc} reads cost well
 * under a millisecond. Thread-safe; the pid is read once.
 */
public final class SelfProcess {
    private SelfProcess() {
    }

    private static volatile long pid;

    /** This JVM's process id. */
    public static long pid() {
        long p = pid;
        if (p == 0) {
            p = readPid();
            pid = p;
        }
        return p;
    }

    private static long readPid() {
        try {
            return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self")).toString());
        } catch (IOException | RuntimeException notLinux) {
            return ProcessHandle.current().pid();
        }
    }

    /** The command line the JVM was started with: the program, then its arguments (JVM options included). */
    public static List<String> commandLine() {
        List<String> args = new ArrayList<>();
        try {
            String all;
            // java.io, not Files: NIO's channel classes are not loaded yet in premain and cost ~4 ms
            try (java.io.FileInputStream in = new java.io.FileInputStream("/proc/self/cmdline")) {
                all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int from = 0;
            for (int nul = all.indexOf('\0'); nul >= 0; nul = all.indexOf('\0', from)) {
                args.add(all.substring(from, nul));
                from = nul + 1;
            }
            if (from < all.length()) {
                args.add(all.substring(from));
            }
        } catch (IOException | RuntimeException notLinux) { // what the JVM knows
            ProcessHandle.Info info = ProcessHandle.current().info();
            info.command().ifPresent(args::add);
            info.arguments().ifPresent(a -> args.addAll(List.of(a)));
        }
        return args;
    }
}
