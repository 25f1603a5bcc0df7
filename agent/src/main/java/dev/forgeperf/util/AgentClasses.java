package dev.forgeperf.util;

import java.util.Set;

/**
 * Which classes are forge-perf's own: its packages under {@code dev.forgeperf.} and the public API
 * classes directly in {@code dev.forgeperf} ({@code ForgePerf}, {@code Track}, {@code Timed}). The
 * rest of {@code dev.forgeperf.}, such as the sample app and the test fixtures, is a user's code.
 * One rule for what is never timed and for allocation sites that are not the user's.
 */
public final class AgentClasses {
    /** The agent's packages under {@code dev.forgeperf.}. */
    static final Set<String> PACKAGES = Set.of("agent", "bootstrap", "timing", "jfr", "profile", "runtime",
            "control", "http", "report", "cli", "command", "snapshot", "util", "config", "context", "shaded");
    private static final String ROOT = "dev.forgeperf.";

    private AgentClasses() {
    }

    /** Whether the class named {@code className} (binary name, e.g. {@code dev.forgeperf.agent.Agent$1}) is forge-perf's own. */
    public static boolean contains(String className) {
        if (!className.startsWith(ROOT)) {
            return false;
        }
        int dot = className.indexOf('.', ROOT.length());
        if (dot < 0) {
            return true;
        }
        return PACKAGES.contains(className.substring(ROOT.length(), dot));
    }
}
