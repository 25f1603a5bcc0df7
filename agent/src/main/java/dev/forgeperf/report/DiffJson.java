package dev.forgeperf.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.forgeperf.profile.ProfileDiff;
import dev.forgeperf.report.SnapshotDiff.ClassGrowth;
import dev.forgeperf.report.SnapshotDiff.Metric;
import dev.forgeperf.report.SnapshotDiff.Movers;
import dev.forgeperf.report.SnapshotDiff.TimingDelta;
import dev.forgeperf.util.Units;

/**
 * The JSON form of a {@link SnapshotDiff} ({@code diff --json}): the two sides, the verdict
 * ({@code regressions}, {@code exitCode}), and every compared timing, metric, class and mover with
 * raw numbers and changes in percent (null where a change is undefined). Renders only: every
 * judgement comes from the diff. Key names are the published format; never rename one.
 */
final class DiffJson {
    private DiffJson() {
    }

    /** The JSON form of {@code d}. */
    static Map<String, Object> toMap(SnapshotDiff d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", side(d.a()));
        m.put("b", side(d.b()));
        m.put("sameJvm", d.sameJvm());
        m.put("thresholdPercent", d.threshold());
        m.put("regressions", d.regressions());
        m.put("exitCode", d.exitCode());
        List<Object> t = new ArrayList<>();
        for (TimingDelta t0 : d.timings()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("method", t0.method());
            r.put("a", timing(t0.a()));
            r.put("b", timing(t0.b()));
            if (t0.a() == null || t0.b() == null) {
                r.put("status", t0.a() == null ? "new" : "gone"); // new: its calls since A are not known (no record of when its timing began)
            }
            if (t0.callsBetween() >= 0) {
                r.put("callsBetween", t0.callsBetween());
                r.put("meanBetweenNanos", Double.isNaN(t0.meanBetween()) ? null : Math.round(t0.meanBetween()));
            }
            if (t0.a() != null && t0.b() != null) {
                r.put("meanChangePercent", pct(t0.a().meanNanos(), t0.meanB()));
                r.put("p50ChangePercent", pct(t0.a().p50Nanos(), t0.b().p50Nanos()));
                r.put("p99ChangePercent", pct(t0.a().p99Nanos(), t0.b().p99Nanos()));
            }
            r.put("regression", t0.regression());
            t.add(r);
        }
        m.put("timings", t);
        List<Object> ms = new ArrayList<>();
        for (Metric x : d.metrics()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("metric", x.key());
            r.put("name", x.name());
            r.put("unit", x.unit());
            r.put("a", json(x.a()));
            r.put("b", json(x.b()));
            r.put("delta", json(x.delta()));
            r.put("changePercent", pct(x.a(), x.b()));
            r.put("regression", x.regression());
            ms.add(r);
        }
        m.put("metrics", ms);
        Map<String, Object> h = new LinkedHashMap<>();
        long[][] totals = d.histogramTotals();
        if (totals != null) {
            h.put("bytesA", totals[0][1]);
            h.put("bytesB", totals[1][1]);
            h.put("instancesA", totals[0][0]);
            h.put("instancesB", totals[1][0]);
        }
        List<Object> cg = new ArrayList<>();
        for (ClassGrowth c : d.classGrowth()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("className", c.className());
            r.put("instancesA", c.instancesA());
            r.put("instancesB", c.instancesB());
            r.put("instancesDelta", c.instancesDelta());
            r.put("bytesA", c.bytesA());
            r.put("bytesB", c.bytesB());
            r.put("bytesDelta", c.bytesDelta());
            cg.add(r);
        }
        h.put("growth", cg);
        m.put("classHistogram", h);
        Map<String, Object> mv = new LinkedHashMap<>();
        for (Movers x : d.movers()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("totals", x.totals());
            r.put("hotter", moverList(x.hotter()));
            r.put("colder", moverList(x.colder()));
            mv.put(x.file().replace(".pb.gz", ""), r);
        }
        m.put("movers", mv);
        m.put("newFindings", d.newFindings());
        return m;
    }

    private static Map<String, Object> side(Snapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", s.dir().toString());
        m.put("pid", s.pid());
        m.put("mainClass", s.mainClass());
        m.put("takenAt", s.takenAt() == null ? null : s.takenAt().toString());
        m.put("uptimeMillis", s.uptimeMillis());
        return m;
    }

    private static Map<String, Object> timing(Snapshot.Timing t) {
        if (t == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", t.count());
        m.put("errors", t.errors());
        m.put("meanNanos", t.meanNanos());
        m.put("p50Nanos", t.p50Nanos());
        m.put("p99Nanos", t.p99Nanos());
        m.put("maxNanos", t.maxNanos());
        return m;
    }

    private static List<Object> moverList(List<ProfileDiff.Row> rows) {
        List<Object> out = new ArrayList<>();
        for (ProfileDiff.Row r : rows) {
            out.add(r.toMap());
        }
        return out;
    }

    private static Object json(double d) {
        return Units.json(d, 5);
    }

    private static Object pct(double before, double after) {
        if (Double.isNaN(before) || Double.isNaN(after) || before == 0) {
            return null;
        }
        return Units.json((after - before) / Math.abs(before) * 100, 1);
    }
}
