package dev.forgeperf.runtime;

import java.util.Locale;

import dev.forgeperf.util.Units;

/**
 * The text form of {@link RuntimeMetrics} ({@code metrics} without {@code --json}): heap and pools,
 * collectors and pauses, GC CPU and allocation, threads, CPU, classes, then the sampler's state,
 * the heap leak check and findings, one fact a line. Renders only.
 */
final class RuntimeMetricsText {
    private RuntimeMetricsText() {
    }

    /** The text form of {@code r}. */
    static String render(RuntimeMetrics r) {
        StringBuilder b = new StringBuilder(2048);
        line(b, "pid %d  uptime %s  %s", r.pid, Units.span(r.uptimeMillis),
                java.time.Instant.ofEpochMilli(r.timeMillis).atZone(java.time.ZoneId.systemDefault()).toLocalDateTime().withNano(0));
        line(b, "");
        line(b, "heap       used %s  committed %s  max %s%s", Units.bytes(r.heap.getUsed()), Units.bytes(r.heap.getCommitted()),
                Units.bytes(r.heap.getMax()), pct(r.heap.getUsed(), r.heap.getMax()));
        line(b, "           after last GC %s%s", Units.bytes(r.heapAfterGc),
                Double.isNaN(r.heapAfterGc) ? "  (no GC yet)" : pct(r.heapAfterGc, r.heap.getMax()) + (r.heapAfterGcUptimeMillis < 0 ? ""
                        : ", " + Units.span(Math.max(0, r.uptimeMillis - r.heapAfterGcUptimeMillis)) + " ago"));
        line(b, "           after last old-gen GC %s%s", Units.bytes(r.heapAfterOldGc),
                Double.isNaN(r.heapAfterOldGc) ? "  (no full, mixed or whole-heap collection yet)" : pct(r.heapAfterOldGc, r.heap.getMax())
                        + (r.heapAfterOldGcUptimeMillis < 0 ? "" : ", " + Units.span(Math.max(0, r.uptimeMillis - r.heapAfterOldGcUptimeMillis)) + " ago")
                        + (r.oldCollections < 0 ? "" : ", " + r.oldCollections + " since start"));
        line(b, "non-heap   used %s  committed %s", Units.bytes(r.nonHeap.getUsed()), Units.bytes(r.nonHeap.getCommitted()));
        line(b, "");
        line(b, "%-34s %10s %10s %10s %6s %12s", "POOL", "USED", "COMMITTED", "MAX", "%MAX", "AFTER GC");
        for (RuntimeMetrics.Pool p : r.pools) {
            double ratio = Units.ratio(p.used(), p.max());
            line(b, "%-34s %10s %10s %10s %6s %12s", (p.heap() ? "" : "~") + p.name(), Units.bytes(p.used()), Units.bytes(p.committed()),
                    Units.bytes(p.max()), Double.isNaN(ratio) ? "-" : Units.percent(ratio), Units.bytes(p.usedAfterGc()));
        }
        line(b, "(~ non-heap)");
        line(b, "");
        line(b, "%-34s %10s %10s %10s  %s", "COLLECTOR", "COUNT", "TIME", "LAST", "LAST CAUSE");
        for (GcMonitor.Collector c : r.collectors) {
            line(b, "%-34s %10s %10s %10s  %s", c.name() + (c.concurrent() ? " (concurrent)" : ""), c.count() < 0 ? "-" : String.valueOf(c.count()),
                    Units.millis(c.timeMillis()), Units.millis(c.lastDurationMillis()), c.lastCause() == null ? "-" : c.lastCause());
        }
        if (r.pauses != null) {
            if (r.pauses.count() == 0) {
                line(b, "pauses     none in the last %s", Units.span(r.windowMillis));
            } else {
                line(b, "pauses     %d in the last %s%s: p50 %s  p90 %s  p99 %s  max %s  total %s", r.pauses.count(), Units.span(r.windowMillis),
                        r.pauses.truncated ? " (newest " + GcEventRing.CAPACITY + ")" : "", Units.millis(r.pauses.percentile(50)),
                        Units.millis(r.pauses.percentile(90)), Units.millis(r.pauses.percentile(99)), Units.millis(r.pauses.max()),
                        Units.millis(r.pauses.totalMillis()));
            }
        } else {
            line(b, "pauses     unknown (GC notifications unavailable)");
        }
        line(b, "gc cpu     %s of the time in GC pauses over the last %s%s", Units.percent(r.gcCpuRecent), Units.span(r.gcCpuRecentMillis),
                r.history.size() >= 2 && r.history.spanMillis() > r.gcCpuRecentMillis ? " (" + Units.percent(r.gcCpuWindow) + " over " + Units.span(r.history.spanMillis()) + ")" : "");
        line(b, "allocation %s/s%s", Units.bytes(r.allocationRate), Double.isNaN(r.allocatedBytes) ? "" : "  (" + Units.bytes(r.allocatedBytes) + " since start)");
        line(b, "");
        line(b, "threads    live %d  daemon %d  peak %d  started %d  deadlocked %d%s", r.threadsLive, r.threadsDaemon, r.threadsPeak, r.threadsStarted,
                r.deadlocked.size(), r.deadlocked.isEmpty() ? "" : " (" + String.join(", ", r.deadlocked) + ")");
        StringBuilder st = new StringBuilder();
        r.threadStates.forEach((k, v) -> {
            if (v > 0) {
                st.append(st.length() == 0 ? "" : "  ").append(k).append(' ').append(v);
            }
        });
        line(b, "           %s", st);
        VirtualThreads.Attempt vt = r.virtualThreads();
        if (vt != null) {
            if (vt.dump() != null) {
                line(b, "virtual    %d  mounted %d  (not in the counts above; counted from a thread dump taken now, %s)", vt.dump().total(),
                        vt.dump().mounted(), Units.nanos(vt.dump().tookNanos()));
            } else {
                line(b, "virtual    %s", vt.whyNot() == null ? VirtualThreads.notAvailable() : "not counted: " + vt.whyNot());
            }
        }
        line(b, "cpu        process %s  system %s  of %d cores%s", Units.percent(r.processCpu), Units.percent(r.systemCpu), r.cores,
                r.loadAverage < 0 ? "" : String.format(Locale.ROOT, "  load %.2f", r.loadAverage));
        line(b, "classes    loaded %d  total %d  unloaded %d", r.classesLoaded, r.classesTotal, r.classesUnloaded);
        if (!r.service().sampling()) {
            line(b, "sampler    off: %s", r.service().samplerProblem());
        }
        if (!"rising".equals(r.heapCheck.status())) {
            line(b, "leaks      %s", r.heapCheck.message());
        }
        for (LeakFindings.Finding f : r.findings) {
            line(b, "finding    %s", f.message());
        }
        return b.toString();
    }

    private static String pct(double used, double max) {
        double r = Units.ratio(used, max);
        return Double.isNaN(r) ? "" : " (" + Units.percent(r) + " of max)";
    }

    private static void line(StringBuilder b, String format, Object... args) {
        b.append(args.length == 0 ? format : String.format(Locale.ROOT, format, args)).append('\n');
    }
}
