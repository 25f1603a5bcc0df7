package dev.forgeperf.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.forgeperf.profile.ProfileDiff;
import dev.forgeperf.report.SnapshotDiff.ClassGrowth;
import dev.forgeperf.report.SnapshotDiff.Metric;
import dev.forgeperf.report.SnapshotDiff.Movers;
import dev.forgeperf.report.SnapshotDiff.TimingDelta;
import dev.forgeperf.util.MethodNames;
import dev.forgeperf.util.Units;

/**
 * The text form of a {@link SnapshotDiff} ({@code diff}, the default): the verdict and its
 * regressions, then tables of timed methods, runtime numbers, class histogram growth and the profile
 * functions that moved; plus the value formatting by unit that the text, the regression sentences
 * and {@link DiffHtml} share. Renders only: every judgement comes from the diff.
 */
final class DiffText {
    private DiffText() {
    }

    /** The text form of {@code d}; full method names when {@code wide}. */
    static String render(SnapshotDiff d, boolean wide) {
        Snapshot a = d.a();
        Snapshot b = d.b();
        List<String> regressions = d.regressions();
        List<TimingDelta> timings = d.timings();
        List<ClassGrowth> classes = d.classGrowth();
        long[][] totals = d.histogramTotals();
        StringBuilder s = new StringBuilder(8192);
        s.append("forge-perf diff: ").append(a.dir()).append(" → ").append(b.dir()).append('\n');
        s.append("A: ").append(describe(a)).append('\n');
        s.append("B: ").append(describe(b)).append('\n');
        if (d.sameJvm()) {
            s.append("Same JVM: B's counts and percentiles include A's calls; mean since A = the calls made between the two.\n");
        }
        s.append('\n');
        if (regressions.isEmpty()) {
            s.append(String.format(Locale.ROOT, "NO REGRESSION above %s%%%n", trim(d.threshold())));
        } else {
            s.append(String.format(Locale.ROOT, "REGRESSIONS above %s%% (%d)%n", trim(d.threshold()), regressions.size()));
            for (String r : regressions) {
                s.append("  ").append(r).append('\n');
            }
        }

        s.append("\nTIMED METHODS\n");
        if (timings.isEmpty()) {
            s.append("  none in either snapshot\n");
        } else {
            List<String> names = new ArrayList<>();
            for (TimingDelta t : timings) {
                names.add(t.method());
            }
            List<String> shown = wide ? names : MethodNames.shorten(names, SnapshotDiff.NAME_WIDTH);
            int width = Math.max(6, shown.stream().mapToInt(String::length).max().orElse(6));
            String fmt = "  %-" + width + "s %10s %10s %9s %9s %8s %9s %9s %8s %9s %9s %8s%n";
            s.append(String.format(Locale.ROOT, fmt, "METHOD", "CALLS A", "CALLS B", "MEAN A", "MEAN B", "CHANGE", "P50 A", "P50 B", "CHANGE",
                    "P99 A", "P99 B", "CHANGE"));
            for (int i = 0; i < timings.size(); i++) {
                TimingDelta t = timings.get(i);
                String name = shown.get(i);
                // a method not called has no times: "-" as in `timings`, not 0ns
                boolean noA = t.a() == null || t.a().count() == 0;
                boolean noB = t.b() == null || t.b().count() == 0;
                double meanA = noA ? Double.NaN : t.a().meanNanos();
                double meanB = noB ? Double.NaN : t.meanB();
                double p50A = noA ? Double.NaN : t.a().p50Nanos();
                double p50B = noB ? Double.NaN : t.b().p50Nanos();
                double p99A = noA ? Double.NaN : t.a().p99Nanos();
                double p99B = noB ? Double.NaN : t.b().p99Nanos();
                s.append(String.format(Locale.ROOT, fmt, name, t.a() == null ? "new" : Units.count(t.a().count()), t.b() == null ? "gone" : Units.count(t.b().count()),
                        Units.nanos(meanA), Units.nanos(meanB), Units.change(meanA, meanB), Units.nanos(p50A), Units.nanos(p50B), Units.change(p50A, p50B),
                        Units.nanos(p99A), Units.nanos(p99B), Units.change(p99A, p99B)));
            }
            if (d.sameJvm()) {
                s.append("  (MEAN B: of the calls made since A)\n");
            }
            if (d.sameJvm() && timings.stream().anyMatch(t -> t.a() == null)) {
                s.append("  (new: not timed in A; its MEAN B is of all its calls up to B: a snapshot does not record when a method's timing began)\n");
            }
        }

        s.append("\nRUNTIME\n");
        s.append(String.format(Locale.ROOT, "  %-46s %12s %12s %13s %8s%n", "METRIC", "A", "B", "DELTA", "CHANGE"));
        for (Metric m : d.metrics()) {
            s.append(String.format(Locale.ROOT, "  %-46s %12s %12s %13s %8s%s%n", m.name(), format(m.a(), m.unit()), format(m.b(), m.unit()),
                    formatDelta(m.delta(), m.unit()), Units.change(m.a(), m.b()), m.regression() == null ? "" : "  << regression"));
        }

        s.append("\nCLASS HISTOGRAM GROWTH");
        if (totals == null) {
            s.append("\n  (a snapshot has no class histogram)\n");
        } else {
            s.append(String.format(Locale.ROOT, " (live objects %s → %s, %s)%n", Units.bytes(totals[0][1]), Units.bytes(totals[1][1]),
                    Units.signedBytes(totals[1][1] - totals[0][1])));
            if (classes.isEmpty()) {
                s.append("  no class grew\n");
            } else {
                s.append(String.format(Locale.ROOT, "  %12s %12s %12s %12s  %s%n", "+INSTANCES", "INSTANCES B", "+BYTES", "BYTES B", "CLASS"));
                for (ClassGrowth c : classes) {
                    s.append(String.format(Locale.ROOT, "  %12s %12s %12s %12s  %s%n", Units.signedCount(c.instancesDelta()), Units.count(c.instancesB()),
                            Units.signedBytes(c.bytesDelta()), Units.bytes(c.bytesB()), c.className()));
                }
            }
        }

        for (Movers m : d.movers()) {
            s.append(String.format(Locale.ROOT, "%n%s: FUNCTIONS THAT MOVED (%s, self; %s: %s)%n", m.title().toUpperCase(Locale.ROOT), m.measure(), m.file(),
                    m.totals()));
            moverRows(s, "hotter", m.hotter());
            moverRows(s, "colder", m.colder());
        }
        return s.toString();
    }

    private static void moverRows(StringBuilder s, String title, List<ProfileDiff.Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        s.append(String.format(Locale.ROOT, "  %-6s %8s %8s %10s  %s%n", title.toUpperCase(Locale.ROOT), "A", "B", "DELTA", "FUNCTION"));
        for (ProfileDiff.Row r : rows) {
            s.append(String.format(Locale.ROOT, "  %-6s %8s %8s %10s  %s%n", "", Units.percent(r.selfA()), Units.percent(r.selfB()), Units.points(r.selfDelta()),
                    r.function()));
        }
    }

    static String describe(Snapshot s) {
        return s.dir() + " (pid " + s.pid() + (s.mainClass() == null || s.mainClass().isEmpty() ? "" : ", " + s.mainClass()) + ", taken "
                + Units.dateTime(s.takenAt()) + (s.uptimeMillis() >= 0 ? ", JVM up " + Units.span(s.uptimeMillis()) : "") + ")";
    }

    static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    static String format(double v, String unit) {
        switch (unit) {
            case "bytes": return Units.bytes(v);
            case "bytesPerSecond": return Units.bytes(v) + "/s";
            case "millis": return Units.millis(v);
            case "fraction": return Units.percent(v);
            default: return Units.count(v);
        }
    }

    static String formatDelta(double d, String unit) {
        if (Double.isNaN(d)) {
            return "-";
        }
        switch (unit) {
            case "bytes": return Units.signedBytes(d);
            case "bytesPerSecond": return Units.signedBytes(d) + "/s";
            case "millis": return (d < 0 ? "-" : "+") + Units.millis(Math.abs(d));
            case "fraction": return Units.points(d);
            default: return Units.signedCount(d);
        }
    }
}
