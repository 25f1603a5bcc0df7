package dev.forgeperf.util;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's only voice in the host: one line per event on standard error, prefixed
 * {@code [forge-perf]}. {@link #once} keeps a recurring problem to a single line. Never called
 * on a hot path.
 */
public final class Log {
    private static final Set<String> SAID = ConcurrentHashMap.newKeySet();
    private static volatile boolean verbose;

    private Log() {
    }

    public static void setVerbose(boolean on) {
        verbose = on;
    }

    /** Whether details and stack traces are logged. */
    public static boolean isVerbose() {
        return verbose;
    }

    public static void info(String message) {
        System.err.println("[forge-perf] " + message);
    }

    public static void debug(String message) {
        if (verbose) {
            info(message);
        }
    }

    /** Logs {@code message} the first time {@code key} is seen; later calls are silent. */
    public static void once(String key, String message) {
        if (SAID.add(key)) {
            info(message);
        }
    }

    /** Logs a contained failure the first time {@code key} is seen (as {@link #failure}); later ones are silent. */
    public static void failureOnce(String key, String what, Throwable t) {
        if (SAID.add(key)) {
            failure(what, t);
        }
    }

    /**
     * Logs a contained failure; the stack trace only when verbose. A failure caused by the JVM's
     * shutdown (a step that registers a shutdown hook, as starting a JFR recording does, while the
     * host exits) is not logged: nothing failed that anyone can act on.
     */
    public static void failure(String what, Throwable t) {
        if (byShutdown(t)) {
            return;
        }
        info(what + ": " + t);
        if (verbose) {
            t.printStackTrace();
        }
    }

    /** Whether {@code t} (or a cause) is the JDK's refusal of a shutdown hook because the JVM is exiting. */
    static boolean byShutdown(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IllegalStateException && "Shutdown in progress".equals(c.getMessage())) {
                return true;
            }
        }
        return false;
    }
}
