package dev.forgeperf.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileDiff;
import dev.forgeperf.runtime.ClassHistogram;
import dev.forgeperf.snapshot.SnapshotLayout;
import dev.forgeperf.util.Units;

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
 *
 * <p>This class holds the rules and their results; {@link DiffText}, {@link DiffJson} and
 * {@link DiffHtml} render them (text, {@code --json}, {@code --html}) without judging anything.
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
                    why.add("p99 " + Units.nanos(ta.p99Nanos()) + " → " + Units.nanos(tb.p99Nanos()) + " (" + Units.change(ta.p99Nanos(), tb.p99Nanos()) + ")");
                }
                if (rose(ta.meanNanos(), meanB, NOISE_FLOOR_NANOS)) {
                    why.add((Double.isNaN(meanBetween) ? "mean " : "mean (calls since A) ") + Units.nanos(ta.meanNanos()) + " → " + Units.nanos(meanB)
                            + " (" + Units.change(ta.meanNanos(), meanB) + ")");
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
            regression = name + " " + DiffText.format(va, unit) + " → " + DiffText.format(vb, unit) + " (" + Units.change(va, vb) + ")";
            regressions.add(regression);
        }
        metrics.add(new Metric(key, name, unit, va, vb, regression));
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
        String totals = type + " " + Units.value(pa.total(Math.max(0, pa.typeIndex(type))), unit) + " in A, "
                + Units.value(pb.total(Math.max(0, pb.typeIndex(type))), unit) + " in B";
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

    // --- output (DiffText, DiffJson, DiffHtml render) ------------------------------------------

    /** Widest METHOD column of the text form before names are shortened (see {@link dev.forgeperf.util.MethodNames}). */
    public static final int NAME_WIDTH = 60;

    /** The text form, method names shortened to {@value #NAME_WIDTH} columns where they stay distinct. */
    public String render() {
        return render(false);
    }

    /** The text form; full method names when {@code wide}. */
    public String render(boolean wide) {
        return DiffText.render(this, wide);
    }

    /** The HTML page ({@code diff --html FILE}): one self-contained file. */
    public String renderHtml() {
        return DiffHtml.render(this);
    }

    /** The JSON form ({@code diff --json}). */
    public Map<String, Object> toMap() {
        return DiffJson.toMap(this);
    }


}
