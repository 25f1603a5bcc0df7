package dev.forgeperf.report;

import java.util.List;
import java.util.Locale;

import dev.forgeperf.profile.ProfileDiff;
import dev.forgeperf.util.Units;

/**
 * The snapshot diff as one self-contained HTML page: the verdict and the regressions first, then
 * runtime numbers, timed methods, class histogram growth and the CPU/allocation functions that
 * moved. Rises beyond the threshold are red, falls beyond it green.
 */
final class DiffHtml {
    private DiffHtml() {
    }

    static String render(SnapshotDiff d) {
        StringBuilder b = new StringBuilder(32 * 1024);
        String title = "forge-perf diff: " + d.a().name() + " → " + d.b().name();
        b.append("<header><div class=\"in\"><div><h1>").append(Html.escape(title)).append("</h1><div class=\"sub\">A: ")
                .append(Html.escape(DiffText.describe(d.a()))).append("<br>B: ").append(Html.escape(DiffText.describe(d.b()))).append("</div></div>");
        int n = d.regressions().size();
        b.append(n == 0 ? Html.badge("pass", "no regression") : Html.badge("fail", n + (n == 1 ? " regression" : " regressions")));
        b.append("</div></header>\n<main>\n");

        b.append("<section id=\"regressions\"><h2>Regressions above ").append(DiffText.trim(d.threshold())).append("%</h2>");
        if (n == 0) {
            b.append("<div class=\"finding\">").append(Html.badge("pass", "pass")).append("<div class=\"msg\">No timed method, heap, GC or thread number rose by more than ")
                    .append(DiffText.trim(d.threshold())).append("%, and B has no new leak finding.</div></div>");
        }
        for (String r : d.regressions()) {
            b.append("<div class=\"finding critical\">").append(Html.badge("critical", "regression")).append("<div class=\"msg\">").append(Html.escape(r))
                    .append("</div></div>");
        }
        if (d.sameJvm()) {
            b.append("<p class=\"note\">Both snapshots come from the same JVM: B's counts and percentiles include A's calls; "
                    + "B's mean is that of the calls made between the two.</p>");
        }
        b.append("</section>\n");

        runtime(b, d);
        timings(b, d);
        classes(b, d);
        for (SnapshotDiff.Movers m : d.movers()) {
            movers(b, m);
        }
        b.append("</main>\n<footer>Made by forge-perf diff from the two snapshot folders.</footer>");
        return Html.page(title, b.toString());
    }

    private static String change(double before, double after, double threshold, boolean flagged) {
        String text = Units.change(before, after);
        String cls = "muted";
        if (!Double.isNaN(before) && !Double.isNaN(after) && before != 0) {
            double p = (after - before) / Math.abs(before) * 100;
            cls = flagged || p > threshold ? "up" : p < -threshold ? "down" : "muted";
        }
        return "<td class=\"n " + cls + "\">" + Html.escape(text) + "</td>";
    }

    private static void runtime(StringBuilder b, SnapshotDiff d) {
        b.append("<section id=\"runtime\"><h2>Heap, GC, threads</h2><div class=\"card\"><table><thead><tr><th>metric</th><th class=\"n\">A</th>"
                + "<th class=\"n\">B</th><th class=\"n\">delta</th><th class=\"n\">change</th></tr></thead><tbody>");
        for (SnapshotDiff.Metric m : d.metrics()) {
            b.append("<tr><td>").append(Html.escape(m.name())).append(m.regression() != null ? " <span class=\"flag\">regression</span>" : "")
                    .append("</td><td class=\"n\">").append(Html.escape(DiffText.format(m.a(), m.unit()))).append("</td><td class=\"n\">")
                    .append(Html.escape(DiffText.format(m.b(), m.unit()))).append("</td><td class=\"n\">")
                    .append(Html.escape(DiffText.formatDelta(m.delta(), m.unit()))).append("</td>")
                    .append(change(m.a(), m.b(), d.threshold(), m.regression() != null)).append("</tr>");
        }
        b.append("</tbody></table></div></section>\n");
    }

    private static void timings(StringBuilder b, SnapshotDiff d) {
        b.append("<section id=\"timings\"><h2>Timed methods</h2><div class=\"card\">");
        if (d.timings().isEmpty()) {
            b.append("<div class=\"muted\">No timed methods in either snapshot.</div></div></section>\n");
            return;
        }
        b.append("<table><thead><tr><th>method</th><th class=\"n\">calls A</th><th class=\"n\">calls B</th><th class=\"n\">mean A</th>"
                + "<th class=\"n\">mean B</th><th class=\"n\">change</th><th class=\"n\">p50 A</th><th class=\"n\">p50 B</th><th class=\"n\">change</th>"
                + "<th class=\"n\">p99 A</th><th class=\"n\">p99 B</th><th class=\"n\">change</th></tr></thead><tbody>");
        for (SnapshotDiff.TimingDelta t : d.timings()) {
            Snapshot.Timing a = t.a();
            Snapshot.Timing c = t.b();
            double meanA = a == null ? Double.NaN : a.meanNanos();
            double p50A = a == null ? Double.NaN : a.p50Nanos();
            double p50B = c == null ? Double.NaN : c.p50Nanos();
            double p99A = a == null ? Double.NaN : a.p99Nanos();
            double p99B = c == null ? Double.NaN : c.p99Nanos();
            boolean flagged = t.regression() != null;
            b.append("<tr><td class=\"m\">").append(Html.escape(t.method())).append(flagged ? " <span class=\"flag\">regression</span>" : "")
                    .append("</td><td class=\"n\">").append(a == null ? "new" : Units.count(a.count())).append("</td><td class=\"n\">")
                    .append(c == null ? "gone" : Units.count(c.count())).append("</td><td class=\"n\">").append(Units.nanos(meanA)).append("</td><td class=\"n\">")
                    .append(Units.nanos(t.meanB())).append("</td>").append(change(meanA, t.meanB(), d.threshold(), false))
                    .append("<td class=\"n\">").append(Units.nanos(p50A)).append("</td><td class=\"n\">").append(Units.nanos(p50B)).append("</td>")
                    .append(change(p50A, p50B, d.threshold(), false)).append("<td class=\"n\">").append(Units.nanos(p99A)).append("</td><td class=\"n\">")
                    .append(Units.nanos(p99B)).append("</td>").append(change(p99A, p99B, d.threshold(), false)).append("</tr>");
        }
        b.append("</tbody></table></div></section>\n");
    }

    private static void classes(StringBuilder b, SnapshotDiff d) {
        long[][] totals = d.histogramTotals();
        b.append("<section id=\"classes\"><h2>Class histogram growth</h2><div class=\"card\">");
        if (totals == null) {
            b.append("<div class=\"muted\">A snapshot has no class histogram.</div></div></section>\n");
            return;
        }
        b.append(String.format(Locale.ROOT, "<p class=\"note\">Live objects after each snapshot's full GC: %s → %s (%s, %s instances). "
                + "The classes that grew most:</p>", Units.bytes(totals[0][1]), Units.bytes(totals[1][1]), Units.signedBytes(totals[1][1] - totals[0][1]),
                Units.signedCount(totals[1][0] - totals[0][0])));
        List<SnapshotDiff.ClassGrowth> rows = d.classGrowth();
        if (rows.isEmpty()) {
            b.append("<div class=\"muted\">No class grew.</div></div></section>\n");
            return;
        }
        long top = rows.get(0).bytesDelta();
        b.append("<table><thead><tr><th>class</th><th class=\"n\">instances A</th><th class=\"n\">instances B</th><th class=\"n\">+instances</th>"
                + "<th class=\"n\">bytes A</th><th class=\"n\">bytes B</th><th class=\"n\">+bytes</th></tr></thead><tbody>");
        for (SnapshotDiff.ClassGrowth c : rows) {
            b.append("<tr><td class=\"m\">").append(Html.escape(c.className())).append("</td><td class=\"n\">").append(Units.count(c.instancesA()))
                    .append("</td><td class=\"n\">").append(Units.count(c.instancesB())).append("</td><td class=\"n\">").append(Units.signedCount(c.instancesDelta()))
                    .append("</td><td class=\"n\">").append(Units.bytes(c.bytesA())).append("</td><td class=\"n\">").append(Units.bytes(c.bytesB()))
                    .append("</td><td class=\"n\">").append(Html.bar(Units.signedBytes(c.bytesDelta()), top == 0 ? 0 : (double) c.bytesDelta() / top, "mem"))
                    .append("</td></tr>");
        }
        b.append("</tbody></table></div></section>\n");
    }

    private static void movers(StringBuilder b, SnapshotDiff.Movers m) {
        String cls = m.file().startsWith("cpu") ? "cpu" : "alloc";
        b.append("<section id=\"movers-").append(cls).append("\"><h2>").append(Html.escape(m.title())).append(": functions that moved</h2><div class=\"grid2\">");
        b.append("<p class=\"note\" style=\"grid-column:1/-1;margin:0\">").append(Html.escape(m.file() + ": " + m.totals()))
                .append("; shares of few samples move in steps of one sample.</p>");
        moverTable(b, "Hotter in B", m.hotter(), m.measure(), cls);
        moverTable(b, "Colder in B", m.colder(), m.measure(), cls);
        b.append("</div></section>\n");
    }

    private static void moverTable(StringBuilder b, String title, List<ProfileDiff.Row> rows, String measure, String cls) {
        b.append("<div class=\"card\"><h3>").append(Html.escape(title)).append("</h3><p class=\"note\">").append(Html.escape(measure))
                .append(" (self), A → B</p>");
        if (rows.isEmpty()) {
            b.append("<div class=\"muted\">None.</div></div>");
            return;
        }
        double top = 0;
        for (ProfileDiff.Row r : rows) {
            top = Math.max(top, Math.abs(r.selfDelta()));
        }
        b.append("<table><thead><tr><th>function</th><th class=\"n\">A</th><th class=\"n\">B</th><th class=\"n\">delta</th></tr></thead><tbody>");
        for (ProfileDiff.Row r : rows) {
            b.append("<tr><td class=\"m\">").append(Html.escape(r.function())).append("</td><td class=\"n\">").append(Units.percent(r.selfA()))
                    .append("</td><td class=\"n\">").append(Units.percent(r.selfB())).append("</td><td class=\"n\">")
                    .append(Html.bar(Units.points(r.selfDelta()), top == 0 ? 0 : Math.abs(r.selfDelta()) / top, cls)).append("</td></tr>");
        }
        b.append("</tbody></table></div>");
    }
}
