package dev.forgeperf.command;

import dev.forgeperf.agent.Agent;
import dev.forgeperf.runtime.Health;
import dev.forgeperf.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code health PID}: healthy, degraded or unhealthy, with the reasons; the exit status says which. */
@Command(name = "health", description = {"Say whether the JVM is healthy, degraded or unhealthy, and why. Exit status 0 healthy, 1 degraded, 2 unhealthy.",
        "Checks (thresholds are agent options): heap used after the last GC as % of max heap (health.heap.*, 75/90),",
        "live threads (health.threads.*, 1000/5000), longest GC pause in the sampler window (health.gcPause.*, 500ms/2s),",
        "time in GC pauses over the last minute (health.gcCpu.*, 10/25%), and any deadlock (unhealthy).",
        "Likely leaks found in the history are listed but do not change the verdict."})
public final class HealthCommand extends AgentCommand {
    @Option(names = "--json", description = "Print JSON: status, reasons, every check with its value, the thresholds, findings.")
    boolean json;

    @Override
    public int run(Agent agent, Session session) {
        Health h = Health.evaluate();
        if (json) {
            session.out.println(Json.write(h.toMap()));
        } else {
            session.out.print(h.render());
        }
        return h.status().ordinal();
    }
}
