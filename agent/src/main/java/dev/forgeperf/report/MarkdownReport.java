package dev.forgeperf.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.forgeperf.profile.TopTable;
import dev.forgeperf.runtime.ClassHistogram;
import dev.forgeperf.util.Units;

/** The Markdown report ({@code report.md}): the text report's content as headings and GitHub-style tables. */
final class MarkdownReport {
    private MarkdownReport() {
    }

    static String render(Report r) {
        StringBuilder b = new StringBuilder(8192);
        Snapshot s = r.snapshot();
        b.append("# ").append(text(r.title())).append("\n\n");
        b.append(text(r.subtitle())).append("\n\n");
        if (r.health() != null) {
            b.append("**Health: ").append(r.health()).append("**\n\n");
        }

        b.append("## Findings\n\n");
        if (r.findings().isEmpty()) {
            b.append("None.\n");
        }
        for (Finding f : r.findings()) {
            b.append("- **").append(f.severity()).append("** ").append(text(f.message())).append('\n');
            for (String d : f.details()) {
                b.append("  - ").append(code(d)).append('\n');
            }
        }

        if (s.current() != null) {
            b.append("\n## Memory, GC, threads\n\n");
            b.append("| | |\n|---|---|\n");
            row(b, "heap used", Units.bytes(r.metric("heap", "used")) + " of " + Units.bytes(r.metric("heap", "max")) + " max ("
                    + Units.percent(r.metric("heap", "fractionOfMax")) + "), committed " + Units.bytes(r.metric("heap", "committed")));
            row(b, "heap after the last GC", Units.bytes(r.metric("heap", "usedAfterLastGc")) + " ("
                    + Units.percent(r.metric("heap", "afterLastGcFractionOfMax")) + " of max)");
            row(b, "non-heap", Units.bytes(r.metric("nonHeap", "used")) + " used, " + Units.bytes(r.metric("nonHeap", "committed")) + " committed");
            row(b, "allocation", Units.bytes(r.metric("gc", "allocationRateBytesPerSecond")) + "/s");
            row(b, "GC pauses", r.pauseSummary());
            StringBuilder states = new StringBuilder();
            r.threadStates().forEach((k, v) -> states.append(states.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
            row(b, "threads", Units.count(r.metric("threads", "live")) + " live (" + Units.count(r.metric("threads", "daemon")) + " daemon, peak "
                    + Units.count(r.metric("threads", "peak")) + ")" + (states.length() == 0 ? "" : ": " + states));
            row(b, "CPU", "process " + Units.percent(r.metric("cpu", "process")) + ", machine " + Units.percent(r.metric("cpu", "system")) + ", "
                    + Units.count(r.metric("cpu", "availableProcessors")) + " cores");
            row(b, "classes", Units.count(r.metric("classes", "loaded")) + " loaded");

            b.append("\n### GC collectors\n\n| collector | count | time | last pause | last cause |\n|---|---:|---:|---:|---|\n");
            for (Map<String, Object> c : r.collectors()) {
                b.append("| ").append(text(Snapshot.str(c, "name"))).append(" | ").append(Units.count(Snapshot.num(c, "count"))).append(" | ")
                        .append(Units.millis(Snapshot.num(c, "timeMillis"))).append(" | ").append(Units.millis(Snapshot.num(c, "lastDurationMillis")))
                        .append(" | ").append(c.get("lastCause") == null ? "-" : text(c.get("lastCause").toString())).append(" |\n");
            }
        }

        b.append("\n## Timed methods\n\n");
        if (s.timings().isEmpty()) {
            b.append("None.\n");
        } else {
            b.append("| method | count | errors | mean | p50 | p90 | p99 | p99.9 | max | total |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Snapshot.Timing t : s.timings()) {
                b.append("| ").append(code(t.method())).append(" | ").append(Units.count(t.count())).append(" | ").append(Units.count(t.errors()))
                        .append(" | ").append(Units.nanos(t.meanNanos())).append(" | ").append(Units.nanos(t.p50Nanos())).append(" | ")
                        .append(Units.nanos(t.p90Nanos())).append(" | ").append(Units.nanos(t.p99Nanos())).append(" | ").append(Units.nanos(t.p999Nanos()))
                        .append(" | ").append(Units.nanos(t.maxNanos())).append(" | ").append(Units.nanos(t.totalNanos())).append(" |\n");
            }
        }

        for (TopMethods t : r.tops()) {
            b.append(String.format(Locale.ROOT, "%n## Top %s%n%n`%s`: %s %s%s%n%n", t.title().toLowerCase(Locale.ROOT).replace("cpu", "CPU"), t.file(),
                    t.measure(), t.format(t.total()), t.durationNanos() > 0 ? " over " + Units.nanos(t.durationNanos()) : ""));
            if (t.rows().isEmpty() || t.total() == 0) {
                b.append("No samples.\n");
                continue;
            }
            b.append("| self | self % | total % |").append(t.countType() == null ? "" : " " + t.countType() + " |").append(" function |\n");
            b.append("|---:|---:|---:|").append(t.countType() == null ? "" : "---:|").append("---|\n");
            for (TopTable.Row row : t.rows().subList(0, Math.min(Report.TOP_ROWS, t.rows().size()))) {
                b.append("| ").append(t.format(row.self())).append(" | ").append(Units.percent(t.share(row.self()))).append(" | ")
                        .append(Units.percent(t.share(row.total()))).append(" |");
                if (t.countType() != null) {
                    long n = t.count(row.function());
                    b.append(' ').append(n < 0 ? "" : Units.count(n)).append(" |");
                }
                b.append(' ').append(code(row.function())).append(" |\n");
            }
        }

        List<ClassHistogram.Row> hist = r.histogramTop();
        if (hist != null) {
            long[] total = ClassHistogram.totals(s.histogram());
            b.append(String.format(Locale.ROOT, "%n## Class histogram%n%nLive objects: %s in %s instances of %s classes.%n%n", Units.bytes(total[1]),
                    Units.count(total[0]), Units.count(s.histogram().size())));
            b.append("| instances | bytes | class |\n|---:|---:|---|\n");
            for (ClassHistogram.Row row : hist) {
                b.append("| ").append(Units.count(row.instances())).append(" | ").append(Units.bytes(row.bytes())).append(" | ").append(code(row.className()))
                        .append(" |\n");
            }
        }

        b.append("\n## Parts\n\n");
        s.parts().forEach((part, outcome) -> b.append("- ").append(part).append(": ").append(text(outcome)).append('\n'));
        return b.toString();
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append("| ").append(name).append(" | ").append(text(value)).append(" |\n");
    }

    /** Text with Markdown's special characters escaped (and no line breaks, so table cells stay whole). */
    static String text(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            if ("\\`*_[]<>|~".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c == '\n' ? ' ' : c);
        }
        return b.toString();
    }

    /** A code span (names with {@code $}, {@code <init>}, {@code *}); table pipes escaped. */
    static String code(String s) {
        return "`" + s.replace("`", "'").replace("|", "\\|").replace('\n', ' ') + "`";
    }
}
