package dev.forgeperf.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileDiff;
import dev.forgeperf.runtime.ClassHistogram;
import dev.forgeperf.runtime.Format;
import dev.forgeperf.util.MethodNames;
import dev.forgeperf.snapshot.SnapshotLayout;

/**
 * Before/after comparison of two snapshots: timed methods (calls, mean, p50, p99), runtime numbers
 * (heap, GC, threads, classes), class histogram growth, and the CPU and allocation functions whose
 * share of their profile moved. It flags <em>regressions</em> above a threshold (percent):
 * <ul>
 *   <li>a timed method with at least {@value #MIN_CALLS} timed calls in both whose p99 or mean rose
 *       by more than the threshold and by at least {@value #NOISE_FLOOR_NANOS} ns (below that,
 *       JIT and scheduling noise dominate);</li>
 *   <li>the heap: live objects after the snapshot's full GC (the class histogram's total) when
 *       both snapshots have one, else the heap used after the last old-generation collection (full,
 *       G1 mixed, whole-heap concurrent cycle) when both have one, rose by more than the threshold
 *       and by at least 1 MB. The heap after the last GC (often a young one, which leaves dead old
 *       objects in place) is shown, never judged;</li>
 *   <li>GC: pause p99 rose by more than the threshold and by at least {@value #PAUSE_FLOOR_MILLIS}
 *       ms; % of time in GC rose by more than the threshold and is at least 1% in B;</li>
 *   <li>live threads rose by more than the threshold and by at least {@value #THREADS_FLOOR};</li>
 *   <li>a likely-leak finding in B that A does not have.</li>
 * </ul>
 * When both snapshots come from the same JVM (same pid, B later), B's timings include A's calls;
 * the mean of the calls made in between (exact: totals and counts subtract) is then what B's mean
 * is compared with.
 */
public final class SnapshotDiff {
    public static final double DEFAULT_THRESHOLD_PERCENT = 10;
    static final long MIN_CALLS = 100;
    static final long NOISE_FLOOR_NANOS = 1_000;
    static final double HEAP_FLOOR_BYTES = 1024 * 1024;
    static final double PAUSE_FLOOR_MILLIS = 10;
    static final double THREADS_FLOOR = 10;
    static final int CLASS_ROWS = 20;
    static final int MOVER_ROWS = 10;

    /** One timed method in A and B (either may be null: the method is new or gone). */
    public record TimingDelta(String method, Snapshot.Timing a, Snapshot.Timing b, long callsBetween, double meanBetween, String regression) {
        /** The mean B is judged by: of the calls between A and B when they share a JVM, else B's own. */
        public double meanB() {
            return !Double.isNaN(meanBetween) ? meanBetween : b == null ? Double.NaN : b.meanNanos();
        }
    }

    /** One runtime number in A and B; {@code unit}: bytes, bytesPerSecond, millis, fraction or count. */
    public record Metric(String key, String name, String unit, double a, double b, String regression) {
        public double delta() {
            return b - a;
        }
    }

    /** A class's live instances and bytes in A and B (summed over class loaders). */
    public record ClassGrowth(String className, long instancesA, long instancesB, long bytesA, long bytesB) {
        public long instancesDelta() {
            return instancesB - instancesA;
        }

        public long bytesDelta() {
            return bytesB - bytesA;
        }
    }

    /** The functions of one profile kind whose share moved, hotter and colder first. */
    public record Movers(String title, String file, String measure, String totals, List<ProfileDiff.Row> hotter, List<ProfileDiff.Row> colder) {
    }

    private final Snapshot a;
    private final Snapshot b;
    private final double threshold;
    private final boolean sameJvm;
    private final List<TimingDelta> timings = new ArrayList<>();
    private final List<Metric> metrics = new ArrayList<>();
    private final List<ClassGrowth> classes = new ArrayList<>();
    private final List<Movers> movers = new ArrayList<>();
    private final List<String> newFindings = new ArrayList<>();
    private final List<String> regressions = new ArrayList<>();
    private long[] histogramTotalsA;
    private long[] histogramTotalsB;

    private SnapshotDiff(Snapshot a, Snapshot b, double threshold) {
        this.a = a;
        this.b = b;
        this.threshold = threshold;
        this.sameJvm = a.pid() == b.pid() && a.pid() != 0 && a.takenAt() != null && b.takenAt() != null && !b.takenAt().isBefore(a.takenAt())
                && Objects.equals(a.jvm(), b.jvm()) && b.uptimeMillis() >= a.uptimeMillis();
        compareTimings();
        compareMetrics();
        classes();
        movers("CPU", SnapshotLayout.CPU, "share of CPU samples");
        movers("Allocation", SnapshotLayout.ALLOC, "share of bytes allocated");
        findings();
    }

    /**
     * Compares snapshot {@code a} (before) with {@code b} (after).
     *
     * @param thresholdPercent a rise above this many percent is a regression
     */
    public static SnapshotDiff of(Snapshot a, Snapshot b, double thresholdPercent) {
        return new SnapshotDiff(a, b, thresholdPercent);
    }

    public Snapshot a() {
        return a;
    }

    public Snapshot b() {
        return b;
    }

    public double threshold() {
        return threshold;
    }

    /** Whether A and B come from the same running JVM (B's cumulative numbers include A's). */
    public boolean sameJvm() {
        return sameJvm;
    }

    public List<TimingDelta> timings() {
        return timings;
    }

    public List<Metric> metrics() {
        return metrics;
    }

    /** Classes whose live bytes grew, most first (at most {@value #CLASS_ROWS}). */
    public List<ClassGrowth> classGrowth() {
        return classes;
    }

    public List<Movers> movers() {
        return movers;
    }

    /** Likely-leak findings of B that A does not have. */
    public List<String> newFindings() {
        return newFindings;
    }

    /** Every regression above the threshold, one sentence each; empty when none. */
    public List<String> regressions() {
        return regressions;
    }

    /** The exit status of {@code diff}: 1 with a regression, else 0. */
    public int exitCode() {
        return regressions.isEmpty() ? 0 : 1;
    }

    /** Live objects (instances, bytes) of A's and B's class histograms, or null when one has none. */
    public long[][] histogramTotals() {
        return histogramTotalsA == null || histogramTotalsB == null ? null : new long[][] {histogramTotalsA, histogramTotalsB};
    }

    // --- computing ----------------------------------------------------------------------------

    private boolean rose(double before, double after, double floor) {
        if (Double.isNaN(before) || Double.isNaN(after) || before <= 0) {
            return false;
        }
        return after - before >= floor && (after - before) / before * 100 > threshold;
    }

    private void compareTimings() {
        Map<String, Snapshot.Timing> inA = new LinkedHashMap<>();
        a.timings().forEach(t -> inA.put(t.method(), t));
        Map<String, Snapshot.Timing> inB = new LinkedHashMap<>();
        b.timings().forEach(t -> inB.put(t.method(), t));
        Set<String> names = new LinkedHashSet<>(inB.keySet());
        names.addAll(inA.keySet());
        for (String m : names) {
            Snapshot.Timing ta = inA.get(m);
            Snapshot.Timing tb = inB.get(m);
            long between = -1;
            double meanBetween = Double.NaN;
            if (sameJvm && ta != null && tb != null && tb.timedCount() >= ta.timedCount() && tb.totalNanos() >= ta.totalNanos() && !tb.sampled()) {
                between = tb.count() - ta.count();
                long timed = tb.timedCount() - ta.timedCount();
                if (timed > 0) {
                    meanBetween = (double) (tb.totalNanos() - ta.totalNanos()) / timed;
                }
            }
            String regression = null;
            if (ta != null && tb != null && ta.timedCount() >= MIN_CALLS && tb.timedCount() >= MIN_CALLS
                    && (between < 0 || between >= MIN_CALLS || Double.isNaN(meanBetween))) {
                double meanB = !Double.isNaN(meanBetween) ? meanBetween : tb.meanNanos();
                List<String> why = new ArrayList<>();
                if (rose(ta.p99Nanos(), tb.p99Nanos(), NOISE_FLOOR_NANOS)) {
                    why.add("p99 " + Fmt.nanos(ta.p99Nanos()) + " → " + Fmt.nanos(tb.p99Nanos()) + " (" + Fmt.change(ta.p99Nanos(), tb.p99Nanos()) + ")");
                }
                if (rose(ta.meanNanos(), meanB, NOISE_FLOOR_NANOS)) {
                    why.add((Double.isNaN(meanBetween) ? "mean " : "mean (calls since A) ") + Fmt.nanos(ta.meanNanos()) + " → " + Fmt.nanos(meanB)
                            + " (" + Fmt.change(ta.meanNanos(), meanB) + ")");
                }
                if (!why.isEmpty()) {
                    regression = m + ": " + String.join(", ", why);
                    regressions.add("timed method " + regression);
                }
            }
            timings.add(new TimingDelta(m, ta, tb, between, meanBetween, regression));
        }
    }

    private void compareMetrics() {
        Map<String, Object> ca = a.current();
        Map<String, Object> cb = b.current();
        List<ClassHistogram.Row> ha = a.histogram();
        List<ClassHistogram.Row> hb = b.histogram();
        boolean live = ha != null && hb != null;
        if (live) {
            histogramTotalsA = ClassHistogram.totals(ha);
            histogramTotalsB = ClassHistogram.totals(hb);
        }
        metric("heapUsed", "heap used", "bytes", Snapshot.num(ca, "heap", "used"), Snapshot.num(cb, "heap", "used"), Double.NaN);
        metric("heapAfterGc", "heap after the last GC", "bytes", Snapshot.num(ca, "heap", "usedAfterLastGc"), Snapshot.num(cb, "heap", "usedAfterLastGc"),
                Double.NaN);
        double oldA = Snapshot.num(ca, "heap", "usedAfterLastOldGc");
        double oldB = Snapshot.num(cb, "heap", "usedAfterLastOldGc");
        if (!live) {
            metric("heapAfterOldGc", "heap after the last old-generation GC", "bytes", oldA, oldB,
                    Double.isNaN(oldA) || Double.isNaN(oldB) ? Double.NaN : HEAP_FLOOR_BYTES);
        }
        if (live) {
            metric("liveHeap", "live objects after full GC (class histogram)", "bytes", histogramTotalsA[1], histogramTotalsB[1], HEAP_FLOOR_BYTES);
        }
        metric("allocationRate", "allocation rate", "bytesPerSecond", Snapshot.num(ca, "gc", "allocationRateBytesPerSecond"),
                Snapshot.num(cb, "gc", "allocationRateBytesPerSecond"), Double.NaN);
        metric("gcPauseP99", "GC pause p99", "millis", Snapshot.num(ca, "gc", "pauses", "p99Millis"), Snapshot.num(cb, "gc", "pauses", "p99Millis"),
                PAUSE_FLOOR_MILLIS);
        metric("gcPauseMax", "GC pause max", "millis", Snapshot.num(ca, "gc", "pauses", "maxMillis"), Snapshot.num(cb, "gc", "pauses", "maxMillis"),
                Double.NaN);
        double gcA = Snapshot.num(ca, "gc", "cpuFraction");
        double gcB = Snapshot.num(cb, "gc", "cpuFraction");
        metric("gcCpu", "time in GC", "fraction", gcA, gcB, gcB >= 0.01 ? 0 : Double.NaN);
        metric("threads", "live threads", "count", Snapshot.num(ca, "threads", "live"), Snapshot.num(cb, "threads", "live"), THREADS_FLOOR);
        metric("daemonThreads", "daemon threads", "count", Snapshot.num(ca, "threads", "daemon"), Snapshot.num(cb, "threads", "daemon"), Double.NaN);
        metric("classes", "loaded classes", "count", Snapshot.num(ca, "classes", "loaded"), Snapshot.num(cb, "classes", "loaded"), Double.NaN);
        metric("processCpu", "process CPU", "fraction", Snapshot.num(ca, "cpu", "process"), Snapshot.num(cb, "cpu", "process"), Double.NaN);
    }

    /** Adds a metric; with a (non-NaN) floor it is a regression when it rose by more than the threshold and the floor. */
    private void metric(String key, String name, String unit, double va, double vb, double floor) {
        if (Double.isNaN(va) && Double.isNaN(vb)) {
            return;
        }
        String regression = null;
        if (!Double.isNaN(floor) && rose(va, vb, floor)) {
            regression = name + " " + format(va, unit) + " → " + format(vb, unit) + " (" + Fmt.change(va, vb) + ")";
            regressions.add(regression);
        }
        metrics.add(new Metric(key, name, unit, va, vb, regression));
    }

    static String format(double v, String unit) {
        switch (unit) {
            case "bytes": return Fmt.bytes(v);
            case "bytesPerSecond": return Fmt.bytes(v) + "/s";
            case "millis": return Fmt.millis(v);
            case "fraction": return Fmt.percent(v);
            default: return Fmt.count(v);
        }
    }

    static String formatDelta(double d, String unit) {
        if (Double.isNaN(d)) {
            return "-";
        }
        switch (unit) {
            case "bytes": return Fmt.signedBytes(d);
            case "bytesPerSecond": return Fmt.signedBytes(d) + "/s";
            case "millis": return (d < 0 ? "-" : "+") + Fmt.millis(Math.abs(d));
            case "fraction": return Fmt.points(d);
            default: return Fmt.signedCount(d);
        }
    }

    private void classes() {
        List<ClassHistogram.Row> ha = a.histogram();
        List<ClassHistogram.Row> hb = b.histogram();
        if (ha == null || hb == null) {
            return;
        }
        Map<String, long[]> byName = new HashMap<>();
        for (ClassHistogram.Row r : ha) {
            long[] v = byName.computeIfAbsent(r.className(), k -> new long[4]);
            v[0] += r.instances();
            v[2] += r.bytes();
        }
        for (ClassHistogram.Row r : hb) {
            long[] v = byName.computeIfAbsent(r.className(), k -> new long[4]);
            v[1] += r.instances();
            v[3] += r.bytes();
        }
        List<ClassGrowth> all = new ArrayList<>();
        byName.forEach((name, v) -> {
            if (v[3] > v[2]) {
                all.add(new ClassGrowth(name, v[0], v[1], v[2], v[3]));
            }
        });
        all.sort(Comparator.comparingLong(ClassGrowth::bytesDelta).reversed().thenComparing(ClassGrowth::className));
        classes.addAll(all.subList(0, Math.min(CLASS_ROWS, all.size())));
    }

    private void movers(String title, String file, String measure) {
        Profile pa = a.profile(file);
        Profile pb = b.profile(file);
        if (pa == null || pb == null) {
            return;
        }
        ProfileDiff d;
        try {
            d = ProfileDiff.of(pa, pb);
        } catch (IllegalArgumentException e) {
            return;
        }
        List<ProfileDiff.Row> hotter = d.hotter().stream().filter(r -> r.selfDelta() != 0).limit(MOVER_ROWS).toList();
        List<ProfileDiff.Row> colder = d.colder().stream().filter(r -> r.selfDelta() != 0).limit(MOVER_ROWS).toList();
        String type = d.sampleType().type();
        String unit = d.sampleType().unit();
        String totals = type + " " + Fmt.value(pa.total(Math.max(0, pa.typeIndex(type))), unit) + " in A, "
                + Fmt.value(pb.total(Math.max(0, pb.typeIndex(type))), unit) + " in B";
        movers.add(new Movers(title, file, measure, totals, hotter, colder));
    }

    private void findings() {
        Set<String> kindsA = new LinkedHashSet<>();
        List<Object> fa = Snapshot.list(a.current(), "findings");
        if (fa != null) {
            fa.forEach(f -> kindsA.add(Snapshot.str(f, "kind")));
        }
        List<Object> fb = Snapshot.list(b.current(), "findings");
        if (fb == null) {
            return;
        }
        for (Object f : fb) {
            if (!kindsA.contains(Snapshot.str(f, "kind")) && Snapshot.str(f, "message") != null) {
                newFindings.add(Snapshot.str(f, "message"));
                regressions.add("new finding in B: " + Snapshot.str(f, "message"));
            }
        }
    }

    // --- output -------------------------------------------------------------------------------

    /** Widest METHOD column of the text form before names are shortened (see {@link dev.forgeperf.util.MethodNames}). */
    public static final int NAME_WIDTH = 60;

    /** The text form, method names shortened to {@value #NAME_WIDTH} columns where they stay distinct. */
    public String render() {
        return render(false);
    }

    /** The text form; full method names when {@code wide}. */
    public String render(boolean wide) {
        StringBuilder s = new StringBuilder(8192);
        s.append("forge-perf diff: ").append(a.dir()).append(" → ").append(b.dir()).append('\n');
        s.append("A: ").append(describe(a)).append('\n');
        s.append("B: ").append(describe(b)).append('\n');
        if (sameJvm) {
            s.append("Same JVM: B's counts and percentiles include A's calls; mean since A = the calls made between the two.\n");
        }
        s.append('\n');
        if (regressions.isEmpty()) {
            s.append(String.format(Locale.ROOT, "NO REGRESSION above %s%%%n", trim(threshold)));
        } else {
            s.append(String.format(Locale.ROOT, "REGRESSIONS above %s%% (%d)%n", trim(threshold), regressions.size()));
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
            List<String> shown = wide ? names : MethodNames.shorten(names, NAME_WIDTH);
            int width = Math.max(6, shown.stream().mapToInt(String::length).max().orElse(6));
            String fmt = "  %-" + width + "s %10s %10s %9s %9s %8s %9s %9s %8s %9s %9s %8s%n";
            s.append(String.format(Locale.ROOT, fmt, "METHOD", "CALLS A", "CALLS B", "MEAN A", "MEAN B", "CHANGE", "P50 A", "P50 B", "CHANGE",
                    "P99 A", "P99 B", "CHANGE"));
            for (int i = 0; i < timings.size(); i++) {
                TimingDelta t = timings.get(i);
                String name = shown.get(i);
                double meanA = t.a() == null ? Double.NaN : t.a().meanNanos();
                double p50A = t.a() == null ? Double.NaN : t.a().p50Nanos();
                double p50B = t.b() == null ? Double.NaN : t.b().p50Nanos();
                double p99A = t.a() == null ? Double.NaN : t.a().p99Nanos();
                double p99B = t.b() == null ? Double.NaN : t.b().p99Nanos();
                s.append(String.format(Locale.ROOT, fmt, name, t.a() == null ? "-" : Fmt.count(t.a().count()), t.b() == null ? "-" : Fmt.count(t.b().count()),
                        Fmt.nanos(meanA), Fmt.nanos(t.meanB()), Fmt.change(meanA, t.meanB()), Fmt.nanos(p50A), Fmt.nanos(p50B), Fmt.change(p50A, p50B),
                        Fmt.nanos(p99A), Fmt.nanos(p99B), Fmt.change(p99A, p99B)));
            }
            if (sameJvm) {
                s.append("  (MEAN B: of the calls made since A)\n");
            }
        }

        s.append("\nRUNTIME\n");
        s.append(String.format(Locale.ROOT, "  %-46s %12s %12s %13s %8s%n", "METRIC", "A", "B", "DELTA", "CHANGE"));
        for (Metric m : metrics) {
            s.append(String.format(Locale.ROOT, "  %-46s %12s %12s %13s %8s%s%n", m.name(), format(m.a(), m.unit()), format(m.b(), m.unit()),
                    formatDelta(m.delta(), m.unit()), Fmt.change(m.a(), m.b()), m.regression() == null ? "" : "  << regression"));
        }

        s.append("\nCLASS HISTOGRAM GROWTH");
        if (histogramTotals() == null) {
            s.append("\n  (a snapshot has no class histogram)\n");
        } else {
            s.append(String.format(Locale.ROOT, " (live objects %s → %s, %s)%n", Fmt.bytes(histogramTotalsA[1]), Fmt.bytes(histogramTotalsB[1]),
                    Fmt.signedBytes(histogramTotalsB[1] - histogramTotalsA[1])));
            if (classes.isEmpty()) {
                s.append("  no class grew\n");
            } else {
                s.append(String.format(Locale.ROOT, "  %12s %12s %12s %12s  %s%n", "+INSTANCES", "INSTANCES B", "+BYTES", "BYTES B", "CLASS"));
                for (ClassGrowth c : classes) {
                    s.append(String.format(Locale.ROOT, "  %12s %12s %12s %12s  %s%n", Fmt.signedCount(c.instancesDelta()), Fmt.count(c.instancesB()),
                            Fmt.signedBytes(c.bytesDelta()), Fmt.bytes(c.bytesB()), c.className()));
                }
            }
        }

        for (Movers m : movers) {
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
            s.append(String.format(Locale.ROOT, "  %-6s %8s %8s %10s  %s%n", "", Fmt.percent(r.selfA()), Fmt.percent(r.selfB()), Fmt.points(r.selfDelta()),
                    r.function()));
        }
    }

    static String describe(Snapshot s) {
        return s.dir() + " (pid " + s.pid() + (s.mainClass() == null || s.mainClass().isEmpty() ? "" : ", " + s.mainClass()) + ", taken "
                + Fmt.dateTime(s.takenAt()) + (s.uptimeMillis() >= 0 ? ", JVM up " + Fmt.span(s.uptimeMillis()) : "") + ")";
    }

    static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    /** The HTML page ({@code diff --html FILE}): one self-contained file. */
    public String renderHtml() {
        return DiffHtml.render(this);
    }

    /** The JSON form ({@code diff --json}). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", side(a));
        m.put("b", side(b));
        m.put("sameJvm", sameJvm);
        m.put("thresholdPercent", threshold);
        m.put("regressions", regressions);
        m.put("exitCode", exitCode());
        List<Object> t = new ArrayList<>();
        for (TimingDelta d : timings) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("method", d.method());
            r.put("a", timing(d.a()));
            r.put("b", timing(d.b()));
            if (d.callsBetween() >= 0) {
                r.put("callsBetween", d.callsBetween());
                r.put("meanBetweenNanos", Double.isNaN(d.meanBetween()) ? null : Math.round(d.meanBetween()));
            }
            if (d.a() != null && d.b() != null) {
                r.put("meanChangePercent", pct(d.a().meanNanos(), d.meanB()));
                r.put("p50ChangePercent", pct(d.a().p50Nanos(), d.b().p50Nanos()));
                r.put("p99ChangePercent", pct(d.a().p99Nanos(), d.b().p99Nanos()));
            }
            r.put("regression", d.regression());
            t.add(r);
        }
        m.put("timings", t);
        List<Object> ms = new ArrayList<>();
        for (Metric x : metrics) {
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
        if (histogramTotals() != null) {
            h.put("bytesA", histogramTotalsA[1]);
            h.put("bytesB", histogramTotalsB[1]);
            h.put("instancesA", histogramTotalsA[0]);
            h.put("instancesB", histogramTotalsB[0]);
        }
        List<Object> cg = new ArrayList<>();
        for (ClassGrowth c : classes) {
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
        for (Movers x : movers) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("totals", x.totals());
            r.put("hotter", moverList(x.hotter()));
            r.put("colder", moverList(x.colder()));
            mv.put(x.file().replace(".pb.gz", ""), r);
        }
        m.put("movers", mv);
        m.put("newFindings", newFindings);
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
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("function", r.function());
            m.put("selfShareA", TopMethods.round(r.selfA()));
            m.put("selfShareB", TopMethods.round(r.selfB()));
            m.put("totalShareA", TopMethods.round(r.totalA()));
            m.put("totalShareB", TopMethods.round(r.totalB()));
            out.add(m);
        }
        return out;
    }

    private static Object json(double d) {
        return Format.json(d, 5);
    }

    private static Object pct(double before, double after) {
        if (Double.isNaN(before) || Double.isNaN(after) || before == 0) {
            return null;
        }
        return Format.json((after - before) / Math.abs(before) * 100, 1);
    }
}
