package dev.forgeperf.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's scheduling state from {@code /proc/PID/stat}. Stateless; any thread. */
public final class ProcessState {
    private ProcessState() {
    }

    /**
     * Whether process {@code pid} is stopped: {@code T} (a {@code SIGSTOP}, {@code SIGTSTP}) or
     * {@code t} (held by a tracer, such as a debugger); false when it runs, sleeps, is gone or
     * cannot be read.
     */
    public static boolean stopped(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')'); // the command name in parentheses may hold anything
            if (close < 0 || close + 2 >= stat.length()) {
                return false;
            }
            char state = stat.charAt(close + 2);
            return state == 'T' || state == 't';
        } catch (IOException | RuntimeException unreadable) {
            return false;
        }
    }
}
