package dev.forgeperf.command;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.runtime.History;
import dev.forgeperf.runtime.RuntimeService;
import dev.forgeperf.runtime.SampleRing;
import dev.forgeperf.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.forgeperf.control.CommandException;

/** {@code history PID}: the runtime sampler's ring. */
@Command(name = "history", description = {"Show the runtime sampler's history of heap, GC, threads, CPU and classes.",
        "One sample every metrics.interval (default 2s); the last metrics.size (default 1000) are kept.",
        "On a terminal, also a sparkline per series: heap used, heap after GC, threads, process CPU, GC."})
public final class HistoryCommand extends AgentCommand {
    static final int DEFAULT_ROWS = 30;

    @Option(names = "--count", paramLabel = "N", description = "Show the last N samples (default: all with --json, the last "
            + DEFAULT_ROWS + " rows of the table otherwise; sparklines always cover the whole history).")
    Integer count;

    @Option(names = "--json", description = "Print JSON: the sampler's settings and one object per sample, oldest first.")
    boolean json;

    @Override
    public int run(AgentContext agent, Session session) {
        if (count != null && count <= 0) {
            throw new CommandException("--count must be positive", 2);
        }
        RuntimeService service = RuntimeService.get();
        if (!service.sampling()) {
            throw new CommandException("no history: " + service.samplerProblem() + " (see the JVM's [forge-perf] log lines)");
        }
        if (json) {
            SampleRing.Samples s = service.history(count == null ? 0 : count);
            session.out.println(Json.write(History.toMap(s, service)));
        } else {
            SampleRing.Samples all = service.history(0);
            session.out.print(History.render(all, count == null ? DEFAULT_ROWS : count, session.tty));
        }
        return 0;
    }
}
