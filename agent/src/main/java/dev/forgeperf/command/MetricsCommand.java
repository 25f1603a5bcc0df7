package dev.forgeperf.command;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.runtime.RuntimeMetrics;
import dev.forgeperf.runtime.VirtualThreads;
import dev.forgeperf.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.forgeperf.control.CommandException;
import dev.forgeperf.util.Units;

/** {@code metrics PID}: heap, pools, GC, threads, CPU, classes, now; {@code --watch} repeats. */
@Command(name = "metrics", description = {"Show runtime metrics now: heap, memory pools, GC, threads, CPU, classes, uptime.",
        "Heap, non-heap and each pool: used, committed, max, %% of max, used after the last GC.",
        "GC: per collector count, time, last pause and cause; pause p50/p90/p99/max over the sampler",
        "window; share of time in GC pauses; allocation rate. Threads: live, daemon, peak, by state,",
        "deadlocked; virtual threads (JDK 21+; counted from a thread dump taken at each update, so it",
        "costs what `dump threads` does; \"not available\" on JDK 17). CPU: process, whole machine,",
        "cores. Likely leaks found in the history.",
        "--watch repeats; on a terminal it redraws in place. --watch --json writes one JSON document per line (JSON Lines), "
                + "for jq and scripts."})
public final class MetricsCommand extends AgentCommand {
    @Option(names = "--json", description = "Print JSON (bytes, milliseconds, fractions 0..1; null when unknown).")
    boolean json;

    @Option(names = "--watch", arity = "0..1", fallbackValue = "2s", paramLabel = "INTERVAL", converter = MillisConverter.class,
            description = "Repeat every INTERVAL (default 2s) until interrupted (Ctrl-C) or --count is reached.")
    Long watchMillis;

    @Option(names = "--count", paramLabel = "N", description = "With --watch: stop after N updates (default: until interrupted).")
    int count;

    @Override
    public int run(AgentContext agent, Session session) throws InterruptedException {
        if (watchMillis == null) {
            print(session, RuntimeMetrics.collect().withVirtualThreads(VirtualThreads.attempt()));
            return 0;
        }
        if (watchMillis < 100) {
            throw new CommandException("--watch interval must be at least 100ms", 2);
        }
        if (count < 0) {
            throw new CommandException("--count must not be negative", 2);
        }
        int shown = 0;
        while (true) {
            RuntimeMetrics m = RuntimeMetrics.collect().withVirtualThreads(VirtualThreads.attempt());
            if (session.tty && !json) {
                session.out.print("\033[H\033[2J");
                session.out.printf("every %s, Ctrl-C to stop%n", Units.nanos(watchMillis * 1_000_000L));
            } else if (shown > 0 && !json) {
                session.out.println();
            }
            print(session, m);
            shown++;
            if (count > 0 && shown >= count) {
                return 0;
            }
            if (!session.await(watchMillis * 1_000_000L, null)) {
                return 0; // Ctrl-C, or the client went away
            }
        }
    }

    private void print(Session session, RuntimeMetrics m) {
        if (json && watchMillis != null) {
            session.out.println(Json.writeLine(m.toMap()));
        } else if (json) {
            session.out.println(Json.write(m.toMap()));
        } else {
            session.out.print(m.render());
        }
        session.out.flush();
    }
}
