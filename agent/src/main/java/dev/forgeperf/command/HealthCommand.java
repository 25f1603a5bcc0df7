package dev.forgeperf.command;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.jfr.LiveSamples;
import dev.forgeperf.runtime.Health;
import dev.forgeperf.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code health PID}: healthy, degraded or unhealthy, with the reasons; the exit status says which
 * (0, 1, 2), and 3 when it could not tell ({@link Commands#failureStatus}).
 */
@Command(name = "health", description = {"Say whether the JVM is healthy, degraded or unhealthy, and why (exit status 0, 1, 2; 3: could not tell).",
        "Checks, with thresholds from agent options (degraded/unhealthy defaults):",
        "  live heap, %% of max heap (see below)         health.heap.*     75/90",
        "  live threads                                 health.threads.*  1000/5000",
        "  longest GC pause in the sampler window       health.gcPause.*  500ms/2s",
        "  %% of time in GC pauses, last minute          health.gcCpu.*    10/25",
        "  any deadlock                                 unhealthy",
        "The live heap is the heap used after the last collection that reclaimed the old generation (full, G1",
        "mixed, ZGC/Shenandoah cycle; the message says how long ago), not after any GC: a young GC leaves dead old",
        "objects in place. Before the first such collection it says 'not enough data' and does not judge.",
        "Likely leaks found in the history are listed; they do not change the verdict. The heap leak rule reads",
        "the same live heap: 'not enough data' until 3 old-generation collections. A heap finding names the top",
        "allocation sites of the live objects JFR sampled (jdk.OldObjectSample) that survived a GC.",
        "Over HTTP (agent option http=…), GET /health answers this text with status 200 healthy,",
        "202 degraded (so probes keep passing while it is reported), 503 unhealthy."},
        footer = {"", "Exit status (the Nagios/Icinga plugin convention):",
                "  0 healthy, 1 degraded, 2 unhealthy, 3 could not tell (no such JVM, no agent, bad arguments,",
                "  a failure; one line on stderr says which)."})
public final class HealthCommand extends AgentCommand {
    @Option(names = "--json", description = "Print JSON: status, reasons, every check with its value, the thresholds, findings.")
    boolean json;

    @Override
    public int run(AgentContext agent, Session session) {
        Health h = Health.evaluate();
        java.util.Map<String, Object> map = h.toMap();
        LiveSamples.addSitesToHeapFinding(map.get("findings"));
        if (json) {
            session.out.println(Json.write(map));
        } else {
            session.out.print(h.render());
            for (Object f : (java.util.List<?>) map.get("findings")) {
                if (f instanceof java.util.Map<?, ?> heap && heap.get("allocationSites") instanceof java.util.List<?> sites) {
                    session.out.println("  the heap finding's allocation sites: sampled live objects (JFR, a sample) that survived a GC, by bytes:");
                    sites.forEach(x -> session.out.println("    " + x));
                }
            }
        }
        return h.status().ordinal();
    }
}
