package dev.forgeperf.agent;

import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.jfr.ContinuousRecording;
import dev.forgeperf.timing.SlowCallsToJfr;
import dev.forgeperf.util.AgentInfo;
import dev.forgeperf.util.Log;

/**
 * A second load of the agent into a JVM where it runs (an attach, or a second {@code -javaagent},
 * while it is loaded): the options that can change while the agent runs ({@link #LIVE_OPTIONS}, and
 * the {@code http} ones while HTTP is off) are applied and merged into the options in force; the
 * others, where they differ from those in force, are named as ignored, with what to do instead.
 * The answer is one line; what was applied and ignored is kept for {@code status}. A control
 * socket that failed to open is tried again. Waits at most 15 s (for HTTP to start, so the status
 * shown right after the attach has its address). Thread-safety: {@link #apply} runs under the
 * agent's monitor ({@code Agent.reload}), so reloads, detach and the making of the timing service
 * never interleave; {@link #last} may be read from any thread.
 */
final class Reload {
    private final Agent agent;
    /** What the last reload (a second attach) applied and ignored, or null; shown by status. */
    private volatile String lastReload;

    /** Options a second attach applies to the running agent; every other one is named as ignored. */
    private static final java.util.Set<String> LIVE_OPTIONS = java.util.Set.of("timed", "timed.jfrThreshold", "verbose", "snapshotOnExit");

    Reload(Agent agent) {
        this.agent = agent;
    }

    /** A second load of the agent into this JVM: applies the options it can, names the others, answers in one line. */
    String apply(String optionText) {
        AgentOptions extra = AgentOptions.parse(optionText);
        extra.warnings().forEach(Log::info);
        java.util.List<String> applied = new java.util.ArrayList<>();
        java.util.List<String> ignored = new java.util.ArrayList<>();
        boolean httpOn = agent.agentHttp.server() != null;
        for (java.util.Map.Entry<String, java.util.List<String>> e : extra.displayMap().entrySet()) {
            String key = e.getKey();
            boolean live = LIVE_OPTIONS.contains(key) || (!httpOn && key.startsWith("http"));
            java.util.List<String> inForce = agent.options.displayMap().get(key);
            if (!live && e.getValue().equals(inForce)) {
                continue; // the same as in force: nothing to ignore
            }
            for (String v : e.getValue()) {
                (live ? applied : ignored).add(key + "=" + v);
            }
        }
        if (extra.get("verbose", null) != null) {
            Log.setVerbose(extra.flag("verbose"));
        }
        ContinuousRecording recording = agent.jfr;
        if (extra.get("snapshotOnExit", null) != null && recording != null) {
            recording.writeAtExit(true);
        }
        if (extra.get("timed.jfrThreshold", null) != null) {
            SlowCallsToJfr.install(extra.durationNanos("timed.jfrThreshold", 10_000_000L));
        }
        agent.agentTiming.installSpecs(extra);
        java.util.List<String> appliedKeys = new java.util.ArrayList<>(LIVE_OPTIONS);
        if (!httpOn && extra.get("http", null) != null) {
            Thread t = new Thread(() -> agent.agentHttp.start(agent, extra), "forge-perf-http-start");
            t.setDaemon(true);
            t.start();
            try {
                t.join(15_000); // so that the status shown right after attach has the address
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (agent.agentHttp.server() != null) {
                appliedKeys.addAll(java.util.List.of("http", "http.allowRemote", "http.token", "http.profiles"));
            }
        }
        agent.options = agent.options.withApplied(extra, appliedKeys);
        if (agent.control == null && !agent.detached()) {
            agent.startUp.openControlSocket();
        }
        String note = (applied.isEmpty() ? "" : "applied " + String.join(", ", applied))
                + (ignored.isEmpty() ? "" : (applied.isEmpty() ? "" : "; ") + "ignored " + String.join(", ", ignored)
                + " (they cannot change while the agent runs: run `forge-perf detach " + agent.pid() + "`, then attach with them)");
        lastReload = note.isEmpty() ? null : note;
        return "agent " + AgentInfo.VERSION + " already loaded in pid " + agent.pid() + "; control socket " + (agent.control == null ? "unavailable" : agent.control.socket())
                + (note.isEmpty() ? "" : "; " + note);
    }

    /** What the last reload applied and ignored, or null; shown by status. */
    String last() {
        return lastReload;
    }
}
