package dev.forgeperf.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import dev.forgeperf.config.RuntimeSettings;
import dev.forgeperf.util.Units;

/**
 * healthy / degraded / unhealthy, from the thresholds in {@link RuntimeSettings}: the live heap
 * (heap used after the last old-generation collection, % of max heap), live threads, the longest GC pause in the sampler window, the share
 * of time in GC pauses over the last minute; any deadlock is unhealthy. Leak findings are listed
 * but do not change the status.
 */
public final class Health {
    /** The verdict; its ordinal is the exit status of {@code health}. */
    public enum Status { healthy, degraded, unhealthy }

    /** One check: its status, the measured value, and a sentence. */
    public record Check(String name, Status status, Object value, String message) {
    }

    private final Status status;
    private final List<Check> checks;
    private final RuntimeMetrics metrics;
    private final RuntimeSettings settings;

    private Health(RuntimeMetrics metrics, RuntimeSettings settings) {
        this.metrics = metrics;
        this.settings = settings;
        this.checks = new ArrayList<>();
        heap();
        threads();
        pause();
        gcCpu();
        deadlock();
        Status worst = Status.healthy;
        for (Check c : checks) {
            if (c.status().ordinal() > worst.ordinal()) {
                worst = c.status();
            }
        }
        this.status = worst;
    }

    /** Evaluates the health of this JVM now. */
    public static Health evaluate() {
        RuntimeService service = RuntimeService.get();
        return new Health(RuntimeMetrics.collect(service), service.settings());
    }

    /** Evaluates {@code metrics} against {@code settings}. */
    public static Health evaluate(RuntimeMetrics metrics, RuntimeSettings settings) {
        return new Health(metrics, settings);
    }

    public Status status() {
        return status;
    }

    public List<Check> checks() {
        return checks;
    }

    /** The checks that are not healthy, worst first. */
    public List<Check> reasons() {
        List<Check> r = new ArrayList<>();
        for (Status s : new Status[] {Status.unhealthy, Status.degraded}) {
            for (Check c : checks) {
                if (c.status() == s) {
                    r.add(c);
                }
            }
        }
        return r;
    }

    private static Status level(double value, double degraded, double unhealthy) {
        if (Double.isNaN(value)) {
            return Status.healthy;
        }
        return value >= unhealthy ? Status.unhealthy : value >= degraded ? Status.degraded : Status.healthy;
    }

    private String limit(Status s, String degraded, String unhealthy) {
        switch (s) {
            case unhealthy: return "at or above " + unhealthy;
            case degraded: return "at or above " + degraded;
            default: return "below " + degraded;
        }
    }

    /**
     * The live heap: heap used after the last collection that reclaimed the old generation
     * ({@link GcMonitor#lastLiveHeap}), not after any GC: after a young collection the old
     * generation still holds every old object that died since, so a healthy app would read as
     * full. Before the first such collection there is nothing to judge ("not enough data").
     */
    private void heap() {
        double f = metrics.liveHeapFraction();
        if (Double.isNaN(f)) {
            checks.add(new Check("heapAfterGc", Status.healthy, null, Double.isNaN(metrics.heapAfterOldGc)
                    ? "live heap: not enough data (no old-generation collection since the agent started; the heap after a young GC"
                    + " still holds dead old objects, so it is not judged)" : "live heap: max heap is undefined"));
            return;
        }
        double pct = f * 100;
        Status s = level(pct, settings.heapDegradedPercent, settings.heapUnhealthyPercent);
        long ago = metrics.heapAfterOldGcUptimeMillis < 0 ? -1 : Math.max(0, metrics.uptimeMillis - metrics.heapAfterOldGcUptimeMillis);
        checks.add(new Check("heapAfterGc", s, Units.json(pct, 1), String.format(Locale.ROOT,
                "live heap %s of max (%s of %s, after the last old-generation GC%s), %s",
                Units.percent(f), Units.bytes(metrics.heapAfterOldGc), Units.bytes(metrics.heap.getMax()), ago < 0 ? "" : ", " + Units.span(ago) + " ago",
                limit(s, Units.number(settings.heapDegradedPercent) + "%", Units.number(settings.heapUnhealthyPercent) + "%"))));
    }

    private void threads() {
        int n = metrics.threadsLive;
        Status s = level(n, settings.threadsDegraded, settings.threadsUnhealthy);
        checks.add(new Check("threads", s, n, String.format(Locale.ROOT, "%d live threads, %s", n,
                limit(s, String.valueOf(settings.threadsDegraded), String.valueOf(settings.threadsUnhealthy)))));
    }

    private void pause() {
        GcPauses p = metrics.pauses;
        if (p == null) {
            checks.add(new Check("gcPause", Status.healthy, null, "GC pauses: unknown (GC notifications unavailable)"));
            return;
        }
        long max = p.max();
        if (max < 0) {
            checks.add(new Check("gcPause", Status.healthy, null, "no GC pause in the last " + Units.span(metrics.windowMillis)));
            return;
        }
        Status s = level(max, settings.gcPauseDegradedMillis, settings.gcPauseUnhealthyMillis);
        long ago = p.maxEndUptime() < 0 ? -1 : metrics.uptimeMillis - p.maxEndUptime();
        checks.add(new Check("gcPause", s, max, String.format(Locale.ROOT, "longest GC pause %s in the last %s%s, %s", Units.millis(max),
                Units.span(metrics.windowMillis), ago < 0 ? "" : " (" + Units.span(Math.max(0, ago)) + " ago)",
                limit(s, Units.millis(settings.gcPauseDegradedMillis), Units.millis(settings.gcPauseUnhealthyMillis)))));
    }

    private void gcCpu() {
        double f = metrics.gcCpuRecent;
        if (Double.isNaN(f)) {
            checks.add(new Check("gcCpu", Status.healthy, null, "time in GC: unknown"));
            return;
        }
        double pct = f * 100;
        Status s = level(pct, settings.gcCpuDegradedPercent, settings.gcCpuUnhealthyPercent);
        checks.add(new Check("gcCpu", s, Units.json(pct, 2), String.format(Locale.ROOT, "%s of the time in GC pauses over the last %s, %s",
                Units.percent(f), Units.span(metrics.gcCpuRecentMillis),
                limit(s, Units.number(settings.gcCpuDegradedPercent) + "%", Units.number(settings.gcCpuUnhealthyPercent) + "%"))));
    }

    private void deadlock() {
        List<String> d = metrics.deadlocked;
        if (d.isEmpty()) {
            checks.add(new Check("deadlock", Status.healthy, 0, "no deadlocked threads"));
        } else {
            List<String> quoted = new ArrayList<>();
            d.forEach(n -> quoted.add('"' + n + '"'));
            checks.add(new Check("deadlock", Status.unhealthy, d.size(), "deadlock: " + d.size() + " threads deadlocked ("
                    + String.join(", ", quoted) + "); run `forge-perf dump threads " + metrics.pid + "` to see the locks"));
        }
    }

    /** The JSON form. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status.name());
        m.put("exitCode", status.ordinal());
        List<Object> reasons = new ArrayList<>();
        for (Check c : reasons()) {
            reasons.add(c.status().name() + ": " + c.message());
        }
        m.put("reasons", reasons);
        List<Object> cs = new ArrayList<>();
        for (Check c : checks) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("check", c.name());
            cm.put("status", c.status().name());
            cm.put("value", c.value());
            cm.put("message", c.message());
            cs.add(cm);
        }
        m.put("checks", cs);
        m.put("thresholds", settings.thresholds());
        List<Object> f = new ArrayList<>();
        metrics.findings.forEach(x -> f.add(x.toMap()));
        m.put("findings", f);
        m.put("heapLeakCheck", metrics.heapCheck.toMap());
        return m;
    }

    /** The text form: the verdict, then the reasons, the passing checks and the findings. */
    public String render() {
        StringBuilder b = new StringBuilder();
        b.append(status.name()).append('\n');
        for (Check c : reasons()) {
            b.append("  ").append(c.status().name()).append(": ").append(c.message()).append('\n');
        }
        for (Check c : checks) {
            if (c.status() == Status.healthy) {
                b.append("  ok: ").append(c.message()).append('\n');
            }
        }
        if (!"rising".equals(metrics.heapCheck.status())) {
            b.append("  info: ").append(metrics.heapCheck.message()).append('\n');
        }
        for (LeakFindings.Finding f : metrics.findings) {
            b.append("  finding: ").append(f.message()).append('\n');
        }
        return b.toString();
    }
}
