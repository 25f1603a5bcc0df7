package dev.forgeperf.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.forgeperf.profile.TopTable;
import dev.forgeperf.runtime.ClassHistogram;
import dev.forgeperf.runtime.Sparkline;
import dev.forgeperf.util.MethodNames;
import dev.forgeperf.util.Units;

/** The plain-text report ({@code report.txt}, {@code forge-perf report DIR}): findings first, then the numbers. */
final class TextReport {
    private static final int SPARK_WIDTH = 60;

    private TextReport() {
    }

    static String render(Report r) {
        StringBuilder b = new StringBuilder(8192);
        Snapshot s = r.snapshot();
        line(b, r.title());
        line(b, r.subtitle());
        if (r.health() != null) {
            line(b, "health: " + r.health());
        }

        section(b, "FINDINGS");
        if (r.findings().isEmpty()) {
            line(b, "  none");
        }
        for (Finding f : r.findings()) {
            String tag = String.format(Locale.ROOT, "  %-10s ", "[" + f.severity() + "]");
            line(b, tag + f.message());
            for (String d : f.details()) {
                line(b, " ".repeat(tag.length() + 2) + d);
            }
        }

        if (s.current() != null) {
            section(b, "MEMORY");
            line(b, String.format(Locale.ROOT, "  heap       used %s of %s max (%s), committed %s", Units.bytes(r.metric("heap", "used")),
                    Units.bytes(r.metric("heap", "max")), Units.percent(r.metric("heap", "fractionOfMax")), Units.bytes(r.metric("heap", "committed"))));
            line(b, String.format(Locale.ROOT, "             after the last GC %s (%s of max)", Units.bytes(r.metric("heap", "usedAfterLastGc")),
                    Units.percent(r.metric("heap", "afterLastGcFractionOfMax"))));
            line(b, String.format(Locale.ROOT, "  non-heap   used %s, committed %s", Units.bytes(r.metric("nonHeap", "used")),
                    Units.bytes(r.metric("nonHeap", "committed"))));
            line(b, String.format(Locale.ROOT, "  allocation %s/s (%s since start)", Units.bytes(r.metric("gc", "allocationRateBytesPerSecond")),
                    Units.bytes(r.metric("gc", "allocatedBytes"))));

            section(b, "GC");
            line(b, String.format(Locale.ROOT, "  %-32s %8s %10s %8s  %s", "COLLECTOR", "COUNT", "TIME", "LAST", "LAST CAUSE"));
            for (Map<String, Object> c : r.collectors()) {
                line(b, String.format(Locale.ROOT, "  %-32s %8s %10s %8s  %s", Snapshot.str(c, "name") + ("concurrent".equals(c.get("kind")) ? " (concurrent)" : ""),
                        Units.count(Snapshot.num(c, "count")), Units.millis(Snapshot.num(c, "timeMillis")),
                        Units.millis(Snapshot.num(c, "lastDurationMillis")), c.get("lastCause") == null ? "-" : c.get("lastCause")));
            }
            line(b, "  " + r.pauseSummary());

            section(b, "THREADS AND CPU");
            StringBuilder states = new StringBuilder();
            r.threadStates().forEach((k, v) -> states.append(states.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
            line(b, String.format(Locale.ROOT, "  threads    %s live (%s daemon, peak %s, %s started)%s", Units.count(r.metric("threads", "live")),
                    Units.count(r.metric("threads", "daemon")), Units.count(r.metric("threads", "peak")), Units.count(r.metric("threads", "totalStarted")),
                    states.length() == 0 ? "" : ": " + states));
            line(b, String.format(Locale.ROOT, "  cpu        process %s, machine %s, of %s cores", Units.percent(r.metric("cpu", "process")),
                    Units.percent(r.metric("cpu", "system")), Units.count(r.metric("cpu", "availableProcessors"))));
            line(b, String.format(Locale.ROOT, "  classes    %s loaded, %s unloaded", Units.count(r.metric("classes", "loaded")),
                    Units.count(r.metric("classes", "unloaded"))));
        }

        Snapshot.History h = s.history();
        if (h != null && h.size() > 1) {
            long span = h.timeMillis()[h.size() - 1] - h.timeMillis()[0];
            section(b, String.format(Locale.ROOT, "HISTORY (last %s, %d samples every %s)", Units.span(span), h.size(), Units.millis(h.intervalMillis())));
            spark(b, "heap used", h.get("heapUsed"), "bytes");
            spark(b, "heap after GC", h.get("heapAfterGc"), "bytes");
            spark(b, "after old GC", h.get("heapAfterOldGc"), "bytes");
            spark(b, "threads", h.get("threads"), "count");
            spark(b, "process CPU", h.get("processCpu"), "fraction");
            spark(b, "GC %", h.get("gcCpu"), "fraction");
        }

        section(b, "TIMED METHODS");
        if (s.timings().isEmpty()) {
            line(b, "  none (time methods with -javaagent:forge-perf.jar=timed=SPEC or `forge-perf instrument PID SPEC`)");
        } else {
            List<String> names = new ArrayList<>();
            for (Snapshot.Timing t : s.timings()) {
                names.add(t.method());
            }
            List<String> shown = MethodNames.shorten(names, 70);
            int width = Math.max(6, shown.stream().mapToInt(String::length).max().orElse(6));
            String fmt = "  %-" + width + "s %10s %7s %9s %9s %9s %9s %9s %9s %9s%n";
            b.append(String.format(Locale.ROOT, fmt, "METHOD", "COUNT", "ERRORS", "MEAN", "P50", "P90", "P99", "P99.9", "MAX", "TOTAL"));
            for (int i = 0; i < s.timings().size(); i++) {
                Snapshot.Timing t = s.timings().get(i);
                String name = shown.get(i);
                b.append(String.format(Locale.ROOT, fmt, name, Units.count(t.count()), Units.count(t.errors()), Units.nanos(t.meanNanos()),
                        Units.nanos(t.p50Nanos()), Units.nanos(t.p90Nanos()), Units.nanos(t.p99Nanos()), Units.nanos(t.p999Nanos()),
                        Units.nanos(t.maxNanos()), Units.nanos(t.totalNanos())));
            }
        }

        for (TopMethods t : r.tops()) {
            section(b, String.format(Locale.ROOT, "TOP %s (%s: %s %s%s)", t.title().toUpperCase(Locale.ROOT), t.file(), t.measure(), t.format(t.total()),
                    t.durationNanos() > 0 ? " over " + Units.nanos(t.durationNanos()) : ""));
            topRows(b, t);
        }

        List<ClassHistogram.Row> hist = r.histogramTop();
        if (hist != null) {
            long[] total = ClassHistogram.totals(s.histogram());
            section(b, String.format(Locale.ROOT, "CLASS HISTOGRAM (live objects: %s in %s instances of %s classes)", Units.bytes(total[1]),
                    Units.count(total[0]), Units.count(s.histogram().size())));
            line(b, String.format(Locale.ROOT, "  %14s %12s  %s", "INSTANCES", "BYTES", "CLASS"));
            for (ClassHistogram.Row row : hist) {
                line(b, String.format(Locale.ROOT, "  %14s %12s  %s", Units.count(row.instances()), Units.bytes(row.bytes()), row.className()));
            }
        }

        section(b, "PARTS");
        Map<String, Long> millis = s.partMillis();
        s.parts().forEach((part, outcome) -> line(b, String.format(Locale.ROOT, "  %-10s %s%s", part, outcome,
                millis.containsKey(part) ? "  (" + Units.millis(millis.get(part)) + ")" : "")));
        return b.toString();
    }

    static void topRows(StringBuilder b, TopMethods t) {
        if (t.rows().isEmpty() || t.total() == 0) {
            line(b, "  (no samples)");
            return;
        }
        String countHead = t.countType() == null ? "" : t.countType().toUpperCase(Locale.ROOT);
        line(b, String.format(Locale.ROOT, "  %10s %7s %7s %12s  %s", "SELF", "SELF%", "TOTAL%", countHead, "FUNCTION"));
        for (TopTable.Row row : t.rows().subList(0, Math.min(Report.TOP_ROWS, t.rows().size()))) {
            long n = t.count(row.function());
            line(b, String.format(Locale.ROOT, "  %10s %7s %7s %12s  %s", t.format(row.self()), Units.percent(t.share(row.self())),
                    Units.percent(t.share(row.total())), n < 0 ? "" : Units.count(n), row.function()));
        }
    }

    private static void spark(StringBuilder b, String label, double[] v, String unit) {
        if (java.util.Arrays.stream(v).allMatch(Double::isNaN)) {
            return;
        }
        line(b, "  " + Sparkline.line(label, v, SPARK_WIDTH, d -> fmt(d, unit)));
    }

    private static String fmt(double v, String unit) {
        switch (unit) {
            case "bytes": return Units.bytes(v);
            case "fraction": return Units.percent(v);
            default: return Units.count(v);
        }
    }

    private static void section(StringBuilder b, String title) {
        b.append('\n').append(title).append('\n');
    }

    private static void line(StringBuilder b, String s) {
        b.append(s).append('\n');
    }
}
