package dev.forgeperf.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.forgeperf.profile.TopTable;
import dev.forgeperf.runtime.ClassHistogram;
import dev.forgeperf.snapshot.SnapshotLayout;
import dev.forgeperf.util.Units;

/**
 * The HTML report ({@code report.html}): one self-contained page, findings at the top, then key
 * numbers, charts of the sampler history (inline SVG), the top CPU, allocation and lock methods,
 * the timed methods, GC per collector, threads by state and the class histogram.
 */
final class HtmlReport {
    static final String BLUE = "#2563eb";
    static final String AMBER = "#d97706";
    static final String VIOLET = "#7c3aed";
    static final String LIGHT_VIOLET = "#c4b5fd";
    static final String GREEN = "#059669";
    static final String GRAY = "#94a3b8";
    static final String RED = "#dc2626";
    static final String CYAN = "#0891b2";
    static final String SLATE = "#475569";

    private HtmlReport() {
    }

    static String render(Report r) {
        Snapshot s = r.snapshot();
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<header><div class=\"in\"><div><h1>").append(Html.escape(r.title())).append("</h1><div class=\"sub\">")
                .append(Html.escape(r.subtitle())).append("</div></div>");
        if (r.health() != null) {
            b.append(Html.badge(r.health(), r.health()));
        }
        b.append("</div></header>\n<main>\n");

        findings(b, r);
        if (s.current() != null) {
            kpis(b, r);
        }
        charts(b, s);
        for (TopMethods t : r.tops()) {
            top(b, t);
        }
        timings(b, s);
        if (s.current() != null) {
            b.append("<section class=\"grid2\">");
            gc(b, r);
            threads(b, r);
            b.append("</section>\n");
        }
        histogram(b, r);
        parts(b, s);
        b.append("</main>\n<footer>Made by forge-perf from the files in this folder; times are local to the machine that wrote the report (")
                .append(Html.escape(java.time.ZoneId.systemDefault().getId())).append(").</footer>");
        return Html.page(r.title(), b.toString());
    }

    private static void findings(StringBuilder b, Report r) {
        b.append("<section id=\"findings\"><h2>Findings</h2>");
        if (r.findings().isEmpty()) {
            b.append("<div class=\"finding\">").append(Html.badge("pass", "none")).append("<div class=\"msg\">Nothing stands out: no deadlock, no leak trend, ")
                    .append("health checks pass.</div></div>");
        }
        for (Finding f : r.findings()) {
            b.append("<div class=\"finding ").append(f.severity()).append("\" data-kind=\"").append(Html.escape(f.kind())).append("\">")
                    .append(Html.badge(f.severity().name(), f.severity().name())).append("<div class=\"msg\">").append(Html.escape(f.message()));
            if (!f.details().isEmpty()) {
                b.append("<ul>");
                for (String d : f.details()) {
                    b.append("<li>").append(Html.escape(d)).append("</li>");
                }
                b.append("</ul>");
            }
            b.append("</div></div>");
        }
        b.append("</section>\n");
    }

    private static void kpis(StringBuilder b, Report r) {
        b.append("<section class=\"kpis\">");
        kpi(b, "Heap used", Units.bytes(r.metric("heap", "used")), Units.percent(r.metric("heap", "fractionOfMax")) + " of " + Units.bytes(r.metric("heap", "max")) + " max");
        kpi(b, "Heap after GC", Units.bytes(r.metric("heap", "usedAfterLastGc")), Units.percent(r.metric("heap", "afterLastGcFractionOfMax")) + " of max");
        kpi(b, "Time in GC", Units.percent(r.metric("gc", "cpuFraction")), "pause p99 " + Units.millis(r.metric("gc", "pauses", "p99Millis"))
                + ", max " + Units.millis(r.metric("gc", "pauses", "maxMillis")));
        kpi(b, "Allocation", Units.bytes(r.metric("gc", "allocationRateBytesPerSecond")) + "/s", Units.bytes(r.metric("gc", "allocatedBytes")) + " since start");
        kpi(b, "Threads", Units.count(r.metric("threads", "live")), Units.count(r.metric("threads", "daemon")) + " daemon, peak " + Units.count(r.metric("threads", "peak"))
                + (r.metric("threads", "deadlocked") > 0 ? ", " + Units.count(r.metric("threads", "deadlocked")) + " deadlocked" : ""));
        kpi(b, "Process CPU", Units.percent(r.metric("cpu", "process")), "machine " + Units.percent(r.metric("cpu", "system")) + ", "
                + Units.count(r.metric("cpu", "availableProcessors")) + " cores");
        kpi(b, "Classes", Units.count(r.metric("classes", "loaded")), Units.count(r.metric("classes", "unloaded")) + " unloaded");
        b.append("</section>\n");
    }

    private static void kpi(StringBuilder b, String label, String value, String sub) {
        b.append("<div class=\"card kpi\"><div class=\"l\">").append(Html.escape(label)).append("</div><div class=\"v\">").append(Html.escape(value))
                .append("</div><div class=\"s\">").append(Html.escape(sub)).append("</div></div>");
    }

    private static void charts(StringBuilder b, Snapshot s) {
        Snapshot.History h = s.history();
        b.append("<section id=\"history\"><h2>History</h2>");
        if (h == null || h.size() == 0) {
            b.append("<div class=\"card muted\">No sampler history in this snapshot.</div></section>\n");
            return;
        }
        long span = h.timeMillis()[h.size() - 1] - h.timeMillis()[0];
        b.append("<p class=\"note\">").append(h.size()).append(" samples every ").append(Units.millis(h.intervalMillis())).append(" over the last ")
                .append(Units.span(span)).append(" before the snapshot; hover a chart for values.</p><div class=\"grid2\">");
        double max = lastKnown(h.get("heapMax"));
        chart(b, "Heap", "heap used, after the latest GC, and after the latest old-generation GC (the live data: the floor a leak raises)",
                h, Svg.Unit.BYTES, max, "max", new Svg.Series("heap used", BLUE, h.get("heapUsed"), true),
                new Svg.Series("after GC", AMBER, h.get("heapAfterGc"), false), new Svg.Series("after old-gen GC", CYAN, h.get("heapAfterOldGc"), false));
        chart(b, "Threads", "live and daemon threads", h, Svg.Unit.COUNT, Double.NaN, null,
                new Svg.Series("live", VIOLET, h.get("threads"), true), new Svg.Series("daemon", LIGHT_VIOLET, h.get("daemonThreads"), false));
        chart(b, "CPU", "this process and the whole machine, share of all cores", h, Svg.Unit.FRACTION, Double.NaN, null,
                new Svg.Series("process", GREEN, h.get("processCpu"), true), new Svg.Series("machine", GRAY, h.get("systemCpu"), false));
        chart(b, "GC %", "share of wall-clock time in stop-the-world GC pauses, per interval", h, Svg.Unit.FRACTION, Double.NaN, null,
                new Svg.Series("time in GC", RED, h.get("gcCpu"), true));
        chart(b, "Allocation rate", "bytes allocated on the heap per second", h, Svg.Unit.BYTES_PER_SECOND, Double.NaN, null,
                new Svg.Series("allocation", CYAN, h.get("allocationRate"), true));
        chart(b, "Metaspace", "class metadata; rising without end means class loaders are not released", h, Svg.Unit.BYTES, Double.NaN, null,
                new Svg.Series("metaspace used", SLATE, h.get("metaspaceUsed"), true));
        b.append("</div></section>\n");
    }

    private static double lastKnown(double[] v) {
        for (int i = v.length - 1; i >= 0; i--) {
            if (!Double.isNaN(v[i])) {
                return v[i];
            }
        }
        return Double.NaN;
    }

    private static void chart(StringBuilder b, String title, String note, Snapshot.History h, Svg.Unit unit, double reference, String refName,
            Svg.Series... series) {
        b.append("<div class=\"card chartbox\"><h3>").append(Html.escape(title)).append("</h3><div class=\"note\">").append(Html.escape(note))
                .append("</div><div class=\"legend\">");
        for (Svg.Series s : series) {
            b.append("<span style=\"--c:").append(s.color()).append("\">").append(Html.escape(s.name())).append("</span>");
        }
        if (refName != null && !Double.isNaN(reference)) {
            b.append("<span style=\"--c:").append(RED).append("\">").append(Html.escape(refName)).append(" (dashed)</span>");
        }
        b.append("</div>").append(Svg.lineChart(title, h.timeMillis(), List.of(series), unit, reference, refName)).append("<div class=\"tip\"></div></div>");
    }

    private static void top(StringBuilder b, TopMethods t) {
        String cls = t.file().startsWith("cpu") ? "cpu" : t.file().startsWith("alloc") ? "alloc" : "lock";
        b.append("<section id=\"top-").append(cls).append("\"><h2>Top methods: ").append(Html.escape(t.title())).append("</h2><div class=\"card\"><p class=\"note\">")
                .append(Html.escape(t.file())).append(": ").append(Html.escape(t.measure())).append(' ').append(Html.escape(t.format(t.total())));
        if (t.durationNanos() > 0) {
            b.append(" over ").append(Html.escape(Units.nanos(t.durationNanos())));
        }
        b.append("; self = in the method itself, total = with what it calls.</p>");
        if (t.rows().isEmpty() || t.total() == 0) {
            b.append("<div class=\"muted\">No samples.</div></div></section>\n");
            return;
        }
        b.append("<table><thead><tr><th>function</th><th class=\"n\">self</th><th class=\"n\">self %</th><th class=\"n\">total %</th>");
        if (t.countType() != null) {
            b.append("<th class=\"n\">").append(Html.escape(t.countType())).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        long top = t.rows().get(0).self();
        for (TopTable.Row row : t.rows().subList(0, Math.min(Report.TOP_ROWS, t.rows().size()))) {
            b.append("<tr><td class=\"m\">").append(Html.escape(row.function())).append("</td><td class=\"n\">")
                    .append(Html.bar(t.format(row.self()), top == 0 ? 0 : (double) row.self() / top, cls)).append("</td><td class=\"n\">")
                    .append(Units.percent(t.share(row.self()))).append("</td><td class=\"n\">").append(Units.percent(t.share(row.total()))).append("</td>");
            if (t.countType() != null) {
                long n = t.count(row.function());
                b.append("<td class=\"n\">").append(n < 0 ? "" : Units.count(n)).append("</td>");
            }
            b.append("</tr>");
        }
        b.append("</tbody></table></div></section>\n");
    }

    private static void timings(StringBuilder b, Snapshot s) {
        b.append("<section id=\"timings\"><h2>Timed methods</h2><div class=\"card\">");
        if (s.timings().isEmpty()) {
            b.append("<div class=\"muted\">No timed methods. Time some with <code>-javaagent:forge-perf.jar=timed=SPEC</code> or "
                    + "<code>forge-perf instrument PID SPEC</code>.</div></div></section>\n");
            return;
        }
        long slowest = 0;
        for (Snapshot.Timing t : s.timings()) {
            slowest = Math.max(slowest, t.p99Nanos());
        }
        b.append("<table><thead><tr><th>method</th><th class=\"n\">calls</th><th class=\"n\">errors</th><th class=\"n\">mean</th><th class=\"n\">p50</th>"
                + "<th class=\"n\">p90</th><th class=\"n\">p99</th><th class=\"n\">p99.9</th><th class=\"n\">max</th><th class=\"n\">total</th></tr></thead><tbody>");
        for (Snapshot.Timing t : s.timings()) {
            b.append("<tr><td class=\"m\">").append(Html.escape(t.method())).append(t.sampled() ? " <span class=\"muted\">(sampled)</span>" : "")
                    .append("</td><td class=\"n\">").append(Units.count(t.count())).append("</td><td class=\"n\">")
                    .append(t.errors() > 0 ? "<span class=\"flag\">" + Units.count(t.errors()) + "</span>" : "0").append("</td><td class=\"n\">")
                    .append(Units.nanos(t.meanNanos())).append("</td><td class=\"n\">").append(Units.nanos(t.p50Nanos())).append("</td><td class=\"n\">")
                    .append(Units.nanos(t.p90Nanos())).append("</td><td class=\"n\">")
                    .append(Html.bar(Units.nanos(t.p99Nanos()), slowest == 0 ? 0 : (double) t.p99Nanos() / slowest, "lock")).append("</td><td class=\"n\">")
                    .append(Units.nanos(t.p999Nanos())).append("</td><td class=\"n\">").append(Units.nanos(t.maxNanos())).append("</td><td class=\"n\">")
                    .append(Units.nanos(t.totalNanos())).append("</td></tr>");
        }
        b.append("</tbody></table></div></section>\n");
    }

    private static void gc(StringBuilder b, Report r) {
        b.append("<div id=\"gc\"><h2>GC per collector</h2><div class=\"card\"><table><thead><tr><th>collector</th><th class=\"n\">count</th>"
                + "<th class=\"n\">time</th><th class=\"n\">last</th><th>last cause</th></tr></thead><tbody>");
        for (Map<String, Object> c : r.collectors()) {
            b.append("<tr><td>").append(Html.escape(Snapshot.str(c, "name"))).append("concurrent".equals(c.get("kind")) ? " <span class=\"muted\">(concurrent)</span>" : "")
                    .append("</td><td class=\"n\">").append(Units.count(Snapshot.num(c, "count"))).append("</td><td class=\"n\">")
                    .append(Units.millis(Snapshot.num(c, "timeMillis"))).append("</td><td class=\"n\">").append(Units.millis(Snapshot.num(c, "lastDurationMillis")))
                    .append("</td><td>").append(Html.escape(c.get("lastCause") == null ? "-" : c.get("lastCause").toString())).append("</td></tr>");
        }
        b.append("</tbody></table><p class=\"note\" style=\"margin:10px 0 0\">").append(Html.escape(r.pauseSummary())).append(".</p></div></div>");
    }

    private static void threads(StringBuilder b, Report r) {
        Map<String, Long> states = r.threadStates();
        b.append("<div id=\"threads\"><h2>Threads by state</h2><div class=\"card\">");
        List<String> names = new ArrayList<>(states.keySet());
        List<Long> values = new ArrayList<>(states.values());
        List<String> colors = new ArrayList<>();
        for (String n : names) {
            colors.add(stateColor(n));
        }
        if (names.isEmpty()) {
            b.append("<div class=\"muted\">Unknown.</div>");
        } else {
            b.append(Svg.stackedBar(names, values, colors));
        }
        b.append(String.format(Locale.ROOT, "<p class=\"note\" style=\"margin:8px 0 0\">%s live, %s daemon, peak %s, %s started since the JVM began.</p>",
                Units.count(r.metric("threads", "live")), Units.count(r.metric("threads", "daemon")), Units.count(r.metric("threads", "peak")),
                Units.count(r.metric("threads", "totalStarted"))));
        for (Finding f : r.findings()) {
            if (f.kind().equals("deadlock")) {
                b.append("<p style=\"margin:8px 0 0\" class=\"flag\">").append(Html.escape(f.message())).append("</p>");
            }
        }
        b.append("</div></div>");
    }

    static String stateColor(String state) {
        switch (state) {
            case "RUNNABLE": return GREEN;
            case "BLOCKED": return RED;
            case "WAITING": return AMBER;
            case "TIMED_WAITING": return BLUE;
            case "NEW": return GRAY;
            default: return SLATE;
        }
    }

    private static void histogram(StringBuilder b, Report r) {
        List<ClassHistogram.Row> rows = r.histogramTop();
        if (rows == null) {
            return;
        }
        long[] total = ClassHistogram.totals(r.snapshot().histogram());
        b.append("<section id=\"histogram\"><h2>Class histogram</h2><div class=\"card\"><p class=\"note\">Live objects after a full GC: ")
                .append(Units.bytes(total[1])).append(" in ").append(Units.count(total[0])).append(" instances of ").append(Units.count(r.snapshot().histogram().size()))
                .append(" classes; the top ").append(rows.size()).append(" by bytes.</p><table><thead><tr><th>class</th><th class=\"n\">instances</th>"
                        + "<th class=\"n\">bytes</th><th class=\"n\">share</th></tr></thead><tbody>");
        long top = rows.isEmpty() ? 0 : rows.get(0).bytes();
        for (ClassHistogram.Row row : rows) {
            b.append("<tr><td class=\"m\">").append(Html.escape(row.className())).append("</td><td class=\"n\">").append(Units.count(row.instances()))
                    .append("</td><td class=\"n\">").append(Html.bar(Units.bytes(row.bytes()), top == 0 ? 0 : (double) row.bytes() / top, "mem"))
                    .append("</td><td class=\"n\">").append(Units.percent(total[1] == 0 ? 0 : (double) row.bytes() / total[1])).append("</td></tr>");
        }
        b.append("</tbody></table></div></section>\n");
    }

    private static void parts(StringBuilder b, Snapshot s) {
        b.append("<section id=\"parts\"><h2>Snapshot parts</h2><div class=\"card parts\">");
        Map<String, Long> millis = s.partMillis();
        s.parts().forEach((part, outcome) -> b.append("<span><b>").append(Html.escape(part)).append("</b> ")
                .append(outcome.equals("ok") ? "<span class=\"ok\">ok</span>" : "<span class=\"bad\">" + Html.escape(outcome) + "</span>")
                .append(millis.containsKey(part) ? " <span class=\"muted\">" + Units.millis(millis.get(part)) + "</span>" : "").append("</span>"));
        for (String f : SnapshotLayout.DATA_FILES) {
            if (s.has(f)) {
                b.append("<span><a href=\"").append(Html.escape(f)).append("\">").append(Html.escape(f)).append("</a></span>");
            }
        }
        b.append("</div></section>\n");
    }
}
