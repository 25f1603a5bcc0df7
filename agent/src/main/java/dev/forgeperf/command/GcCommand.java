package dev.forgeperf.command;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.runtime.FullGc;
import dev.forgeperf.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gc PID}: run a full GC and show what it freed. */
@Command(name = "gc", description = {"Run a full GC and show its duration and the heap before, after and freed.",
        "Uses the GC.run diagnostic command, so it works under -XX:+DisableExplicitGC too.",
        "The application pauses meanwhile."})
public final class GcCommand extends AgentCommand {
    @Option(names = "--json", description = "Print JSON (method, durationMillis, heapBeforeBytes, heapAfterBytes, freedBytes, …).")
    boolean json;

    @Override
    public int run(AgentContext agent, Session session) {
        FullGc.Result r = FullGc.run();
        if (json) {
            session.out.println(Json.write(r.toMap()));
        } else {
            session.out.print(r.render());
        }
        return 0;
    }
}
