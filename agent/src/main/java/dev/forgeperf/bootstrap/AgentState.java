package dev.forgeperf.bootstrap;

import java.util.function.BiFunction;

/**
 * JVM-wide state of the forge-perf agent. Lives on the bootstrap class path, so every load of the
 * agent into the same JVM (startup, then one or more dynamic attaches) sees the same instance.
 */
public final class AgentState {
    private static String jarPath;
    private static BiFunction<String, Boolean, String> reloader;

    private AgentState() {
    }

    /** Records the running agent; returns false when one is already running. */
    public static synchronized boolean claim(String path) {
        if (jarPath != null) {
            return false;
        }
        jarPath = path;
        return true;
    }

    /** Forgets a claim whose start failed, so a later attach may try again. */
    public static synchronized void release() {
        jarPath = null;
        reloader = null;
    }

    public static synchronized String jarPath() {
        return jarPath;
    }

    /** The running agent's "load again" handler: (options, premain) to a one-line answer. */
    public static synchronized void setReloader(BiFunction<String, Boolean, String> handler) {
        reloader = handler;
    }

    public static synchronized BiFunction<String, Boolean, String> reloader() {
        return reloader;
    }
}
