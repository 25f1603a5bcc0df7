package dev.forgeperf.command;

import java.util.List;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.bootstrap.Buckets;
import dev.forgeperf.bootstrap.TimingSnapshot;
import dev.forgeperf.timing.ClockCost;
import dev.forgeperf.timing.TimingService;
import dev.forgeperf.timing.TimingTable;
import dev.forgeperf.util.Json;
import dev.forgeperf.timing.TimingLimits;
import dev.forgeperf.util.Words;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code timings PID}: per-method latency statistics of the timed methods. */
@Command(name = "timings", description = {"Show count, errors, total, min, mean, p50, p90, p99, p99.9 and max per timed method.",
        "Percentiles come from a log-linear histogram: within 1/" + Buckets.PERCENTILE_ERROR_DIVISOR + " ("
                + 100.0 / Buckets.PERCENTILE_ERROR_DIVISOR + "%%) of the true value at that rank.",
        "A '^' marks a method whose median call takes under " + ClockCost.NEAR_CLOCK_READS + " reads of the clock: about one read of"
                + " each call is the timer's own, and timing it costs about two (the legend gives a read's cost here)."})
public final class TimingsCommand extends AgentCommand {
    @Option(names = "--json", description = "Print JSON rows (method, count, errors, totalNanos, minNanos, meanNanos, p50Nanos, p90Nanos, p99Nanos, p999Nanos, maxNanos, …).")
    boolean json;

    @Option(names = "--sort", paramLabel = "KEY", description = "Sort by ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    TimingTable.Sort sort = TimingTable.Sort.total;

    @Option(names = "--reset", description = "Zero all statistics after printing them.")
    boolean reset;

    @Option(names = "--all", description = "Also show instrumented methods not called yet.")
    boolean all;

    @Option(names = "--wide", description = "Print full method names (by default names longer than " + TimingTable.NAME_WIDTH
            + " columns are shortened: packages to initials, then parameters, keeping rows distinct; --json is never shortened).")
    boolean wide;

    @Override
    public int run(AgentContext agent, Session session) {
        TimingService timing = agent.timing();
        List<TimingSnapshot> every = TimingService.snapshots();
        List<TimingSnapshot> rows = TimingTable.sorted(all ? every : every.stream().filter(s -> s.count() > 0).toList(), sort);
        var active = timing == null ? java.util.Set.<String>of() : timing.activeMethods();
        if (json) {
            session.out.println(Json.write(TimingTable.rows(rows, active)));
        } else {
            TimingTable.print(session.out, rows, active, wide);
            long idle = every.size() - rows.size();
            if (idle > 0) {
                session.out.println(Words.count(idle, "instrumented method") + " not called yet (--all shows them)");
            }
            session.out.println("timing memory: " + TimingLimits.describe());
        }
        if (reset) {
            TimingService.reset();
            if (!json) {
                session.out.println("statistics reset");
            }
        }
        return 0;
    }
}
