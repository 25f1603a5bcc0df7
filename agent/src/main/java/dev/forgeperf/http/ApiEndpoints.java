package dev.forgeperf.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.bootstrap.TimingSnapshot;
import dev.forgeperf.command.StatusCommand;
import dev.forgeperf.runtime.FullGc;
import dev.forgeperf.runtime.Health;
import dev.forgeperf.runtime.History;
import dev.forgeperf.runtime.RuntimeMetrics;
import dev.forgeperf.runtime.RuntimeService;
import dev.forgeperf.timing.TimingService;
import dev.forgeperf.timing.TimingTable;

/**
 * {@code /metrics}, {@code /health} and the {@code /api/...} JSON endpoints. Each answers what the
 * matching CLI command prints ({@code /api/metrics} is {@code metrics --json}, {@code /health} is
 * {@code health}, …), made by the same code. Stateless apart from the agent it reads.
 */
final class ApiEndpoints {
    private final AgentContext agent;

    ApiEndpoints(AgentContext agent) {
        this.agent = agent;
    }

    /** {@code /metrics}: Prometheus text format 0.0.4. */
    Reply prometheus() {
        RuntimeMetrics m = RuntimeMetrics.collect();
        Health h = Health.evaluate(m, RuntimeService.get().settings());
        String text = MetricsExposition.render(m, h, TimingService.snapshots());
        return new Reply(200, PrometheusText.CONTENT_TYPE, text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code /health}: 200 when healthy, 503 otherwise; the text of {@code health}, or its JSON. */
    Reply health(Request r) throws HttpFailure {
        Health h = Health.evaluate();
        int status = h.status() == Health.Status.healthy ? 200 : 503;
        return (r.wantsJson() ? Reply.json(status, h.toMap()) : Reply.text(status, h.render()))
                .header("X-Forge-Perf-Health", h.status().name());
    }

    /** {@code /api/health}: {@code health --json}, always 200 (the verdict is in the body). */
    Reply healthJson() {
        return Reply.json(200, Health.evaluate().toMap());
    }

    /** {@code /api/metrics}: {@code metrics --json}. */
    Reply metrics() {
        return Reply.json(200, RuntimeMetrics.current());
    }

    /** {@code /api/history[?count=N]}: {@code history --json [--count N]}. */
    Reply history(Request r) throws HttpFailure {
        Integer count = r.intParam("count", 0, 1, Integer.MAX_VALUE);
        RuntimeService service = RuntimeService.get();
        if (!service.sampling()) {
            throw new HttpFailure(503, "no history: " + service.samplerProblem() + " (see the JVM's [forge-perf] log lines)");
        }
        return Reply.json(200, History.toMap(service.history(count), service));
    }

    /** {@code /api/timings[?sort=KEY][&all=true]}: {@code timings --json}. */
    Reply timings(Request r) throws HttpFailure {
        String sortName = r.param("sort");
        TimingTable.Sort sort = TimingTable.Sort.total;
        if (sortName != null) {
            try {
                sort = TimingTable.Sort.valueOf(sortName.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw HttpFailure.badRequest("?sort=" + sortName + " is not valid: expected total, count, p99, max, mean or name");
            }
        }
        boolean all = r.flag("all");
        List<TimingSnapshot> every = TimingService.snapshots();
        List<TimingSnapshot> rows = TimingTable.sorted(all ? every : every.stream().filter(s -> s.count() > 0).toList(), sort);
        TimingService timing = agent.timing();
        Set<String> active = timing == null ? Set.of() : timing.activeMethods();
        return Reply.json(200, TimingTable.rows(rows, active));
    }

    /** {@code /api/status}: {@code status --json}. */
    Reply status() {
        return Reply.json(200, StatusCommand.describe(agent));
    }

    /** {@code POST /api/gc}: {@code gc --json}. */
    Reply gc() {
        return Reply.json(200, FullGc.run().toMap());
    }
}
