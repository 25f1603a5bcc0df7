package dev.forgeperf.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.forgeperf.runtime.ClassHistogram;
import dev.forgeperf.snapshot.SnapshotLayout;
import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.Json;
import dev.forgeperf.util.Units;

/**
 * A snapshot's report: the folder read back, its findings and its top methods, written as text,
 * Markdown, one self-contained HTML page, or JSON. The same model feeds every format, so they say
 * the same things. Built offline from the folder alone (the agent builds it as the snapshot's last
 * part; {@code forge-perf report DIR} rebuilds it anywhere).
 *
 * <p>Not thread-safe; build one per use.
 */
public final class Report {
    /** Rows of the top-method tables. */
    static final int TOP_ROWS = 10;
    /** Rows of the class histogram. */
    static final int HISTOGRAM_ROWS = 15;

    /** The output formats of {@code report --format}. */
    public enum Format {
        txt, md, html, json;

        /** The format a file name asks for by its extension, or null. */
        public static Format forFile(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.endsWith(".txt")) {
                return txt;
            }
            if (n.endsWith(".md") || n.endsWith(".markdown")) {
                return md;
            }
            if (n.endsWith(".html") || n.endsWith(".htm")) {
                return html;
            }
            return n.endsWith(".json") ? json : null;
        }
    }

    private final Snapshot snapshot;
    private final List<TopMethods> tops;
    private final List<Finding> findings;

    private Report(Snapshot snapshot) {
        this.snapshot = snapshot;
        this.tops = TopMethods.of(snapshot);
        this.findings = Findings.of(snapshot, tops);
    }

    /** The report of the snapshot in {@code dir}; throws {@link SnapshotException} when it is not one. */
    public static Report of(Path dir) {
        return new Report(Snapshot.load(dir));
    }

    public static Report of(Snapshot snapshot) {
        return new Report(snapshot);
    }

    /**
     * Writes {@code report.txt}, {@code report.md} and {@code report.html} into the snapshot
     * folder {@code dir} (each atomically: complete or absent).
     */
    public static void writeAll(Path dir) throws IOException {
        Report r = of(dir);
        AtomicFiles.writeString(dir.resolve(SnapshotLayout.REPORT_TXT), r.render(Format.txt));
        AtomicFiles.writeString(dir.resolve(SnapshotLayout.REPORT_MD), r.render(Format.md));
        AtomicFiles.writeString(dir.resolve(SnapshotLayout.REPORT_HTML), r.render(Format.html));
    }

    /** The report in {@code format}. */
    public String render(Format format) {
        switch (format) {
            case md: return MarkdownReport.render(this);
            case html: return HtmlReport.render(this);
            case json: return Json.write(toMap()) + "\n";
            default: return TextReport.render(this);
        }
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public List<Finding> findings() {
        return findings;
    }

    public List<TopMethods> tops() {
        return tops;
    }

    /** The health verdict ({@code healthy}, {@code degraded}, {@code unhealthy}), or null without metrics. */
    public String health() {
        return Snapshot.str(snapshot.health(), "status");
    }

    /** One line: what was profiled, where and when. */
    String title() {
        String main = snapshot.mainClass();
        return "forge-perf report: " + (main == null || main.isEmpty() ? "pid " + snapshot.pid() : main + ", pid " + snapshot.pid());
    }

    /** The line under the title: folder, time, uptime, JVM, agent. */
    String subtitle() {
        return "snapshot " + snapshot.name() + " taken " + Units.dateTime(snapshot.takenAt())
                + (snapshot.uptimeMillis() >= 0 ? " (JVM up " + Units.span(snapshot.uptimeMillis()) + ")" : "")
                + (snapshot.jvm() == null ? "" : ", " + snapshot.jvm()) + (snapshot.agentVersion() == null ? "" : ", forge-perf " + snapshot.agentVersion());
    }

    /** The class histogram's first rows, or null without one. */
    List<ClassHistogram.Row> histogramTop() {
        List<ClassHistogram.Row> h = snapshot.histogram();
        return h == null ? null : h.subList(0, Math.min(HISTOGRAM_ROWS, h.size()));
    }

    /** The threads by state that are not zero, in {@link Thread.State} order. */
    Map<String, Long> threadStates() {
        Map<String, Long> out = new LinkedHashMap<>();
        Map<String, Object> st = Snapshot.asMap(Snapshot.at(snapshot.current(), "threads", "states"));
        if (st != null) {
            st.forEach((k, v) -> {
                if (v instanceof Number && ((Number) v).longValue() > 0) {
                    out.put(k, ((Number) v).longValue());
                }
            });
        }
        return out;
    }

    /** The GC collectors as {@code metrics.json} lists them. */
    List<Map<String, Object>> collectors() {
        List<Map<String, Object>> out = new ArrayList<>();
        List<Object> l = Snapshot.list(snapshot.current(), "gc", "collectors");
        if (l != null) {
            for (Object o : l) {
                Map<String, Object> m = Snapshot.asMap(o);
                if (m != null) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    /** A number from {@code metrics.json}'s current metrics, NaN when absent. */
    double metric(String... path) {
        return Snapshot.num(snapshot.current(), path);
    }

    /** The GC pause line: {@code 12 pauses in the last 45s: p50 7ms, …; 0.4% of the time in GC pauses over the last 44s}. */
    String pauseSummary() {
        double count = metric("gc", "pauses", "count");
        StringBuilder b = new StringBuilder();
        if (Double.isNaN(count)) {
            b.append("pauses unknown (GC notifications unavailable)");
        } else if (count == 0) {
            b.append("no GC pause in the last ").append(Units.span((long) metric("gc", "pauses", "windowMillis")));
        } else {
            b.append(String.format(Locale.ROOT, "%s pauses in the last %s: p50 %s, p90 %s, p99 %s, max %s, total %s", Units.count(count),
                    Units.span((long) metric("gc", "pauses", "windowMillis")), Units.millis(metric("gc", "pauses", "p50Millis")),
                    Units.millis(metric("gc", "pauses", "p90Millis")), Units.millis(metric("gc", "pauses", "p99Millis")),
                    Units.millis(metric("gc", "pauses", "maxMillis")), Units.millis(metric("gc", "pauses", "totalMillis"))));
        }
        double cpu = metric("gc", "cpuFraction");
        if (!Double.isNaN(cpu)) {
            b.append("; ").append(Units.percent(cpu)).append(" of the time in GC pauses over the last ")
                    .append(Units.span((long) metric("gc", "cpuFractionWindowMillis")));
        }
        return b.toString();
    }

    /** The JSON form ({@code report --format json}). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> snap = new LinkedHashMap<>();
        snap.put("path", snapshot.dir().toString());
        snap.put("pid", snapshot.pid());
        snap.put("mainClass", snapshot.mainClass());
        snap.put("jvm", snapshot.jvm());
        snap.put("agentVersion", snapshot.agentVersion());
        snap.put("takenAt", snapshot.takenAt() == null ? null : snapshot.takenAt().toString());
        snap.put("uptimeMillis", snapshot.uptimeMillis());
        snap.put("parts", snapshot.parts());
        m.put("snapshot", snap);
        m.put("health", health());
        List<Object> f = new ArrayList<>();
        findings.forEach(x -> f.add(x.toMap()));
        m.put("findings", f);
        Map<String, Object> cur = snapshot.current();
        if (cur != null) {
            m.put("heap", cur.get("heap"));
            m.put("gc", cur.get("gc"));
            m.put("threads", cur.get("threads"));
            m.put("cpu", cur.get("cpu"));
            m.put("classes", cur.get("classes"));
        }
        List<Object> t = new ArrayList<>();
        for (Snapshot.Timing x : snapshot.timings()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("method", x.method());
            row.put("count", x.count());
            row.put("errors", x.errors());
            row.put("meanNanos", x.meanNanos());
            row.put("p50Nanos", x.p50Nanos());
            row.put("p90Nanos", x.p90Nanos());
            row.put("p99Nanos", x.p99Nanos());
            row.put("p999Nanos", x.p999Nanos());
            row.put("maxNanos", x.maxNanos());
            row.put("totalNanos", x.totalNanos());
            t.add(row);
        }
        m.put("timings", t);
        Map<String, Object> top = new LinkedHashMap<>();
        for (TopMethods x : tops) {
            top.put(x.file().replace(".pb.gz", ""), x.toMap(TOP_ROWS));
        }
        m.put("top", top);
        List<ClassHistogram.Row> h = histogramTop();
        m.put("histogram", h == null ? null : ClassHistogram.toMap(snapshot.histogram(), HISTOGRAM_ROWS));
        m.put("problems", snapshot.problems());
        return m;
    }
}
