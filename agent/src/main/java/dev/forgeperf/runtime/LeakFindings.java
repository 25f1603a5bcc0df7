package dev.forgeperf.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.forgeperf.util.Units;

/**
 * Likely leaks, read from the sampler's history: live heap, live threads, loaded classes and
 * metaspace that keep rising over the window. Each trend is the least-squares slope through the
 * window's <em>lower envelope</em> (the lowest value in each of up to {@value #BUCKETS} equal time
 * slices), so the saw-tooth of normal use (pools growing and shrinking) does not count, only a
 * floor that rises. A finding needs a clear slope (R² ≥ 0.5–0.6), a window long enough and growth
 * that matters.
 *
 * <p>The heap is judged only by the heap used after collections that reclaimed the old generation
 * ({@link Series#HEAP_LIVE}: full collections, G1's mixed ones, ZGC's and Shenandoah's whole-heap
 * cycles), at least {@value #MIN_OLD_COLLECTIONS} of them over {@value #HEAP_MIN_SPAN_MILLIS} ms or
 * more: every point is after a collection that could have reclaimed the growth, and the rise must
 * go on in every third of the window ({@link Trend#sustained}). The heap after a young collection is
 * not live data: with G1 and Parallel, old objects that died stay until a mixed or full collection,
 * so a healthy app's heap after young GCs rises for minutes. With too few such collections the
 * verdict is "not enough data" ({@link #heapCheck}), never a finding.
 */
public final class LeakFindings {
    static final int BUCKETS = 12;
    /**
     * The shortest span of old-generation collections a heap trend is judged over. Shorter spans
     * mislead: G1's mixed collections reclaim only some old regions each, so the heap after them
     * can climb for 10–20 s on a healthy app before a concurrent cycle catches up (seen under a
     * saturated CPU: "rising 46.8 MB/min over 12 s, 3 collections, R² 1.00" for medium-lived data
     * whose live size was flat).
     */
    static final long HEAP_MIN_SPAN_MILLIS = 30_000;
    static final long OTHER_MIN_SPAN_MILLIS = 60_000;
    /** Old-generation collections a heap trend needs. */
    static final int MIN_OLD_COLLECTIONS = 3;
    /**
     * How long before the window's first sample an old-generation collection may have ended and
     * still count (the first sample shows the latest one before it, which may be long before).
     */
    static final long WINDOW_SLACK_MILLIS = 5_000;
    private static final double MB = 1024 * 1024;

    private LeakFindings() {
    }

    /** One finding: what rises, how fast (per minute, in {@code unit}), and a sentence for people. */
    public record Finding(String kind, String message, double perMinute, String unit, double r2, long windowMillis) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", kind);
            m.put("message", message);
            m.put("ratePerMinute", Units.json(perMinute, 3));
            m.put("unit", unit);
            m.put("r2", Units.json(r2, 3));
            m.put("windowMillis", windowMillis);
            return m;
        }
    }

    /**
     * A least-squares line: slope in y-units per minute, R², the fitted points' count and span, the
     * first and last envelope values, and whether the rise is sustained: each third of the window
     * adds at least a fifth of the total rise (a one-time step, such as classes loaded at startup,
     * or a rise that stopped, is not).
     */
    public record Trend(double perMinute, double r2, int points, long spanMillis, double first, double last, boolean sustained) {
        /** The rise the line predicts over its span. */
        public double growth() {
            return perMinute * spanMillis / 60_000.0;
        }
    }

    /** The findings as sentences. */
    public static List<String> find(SampleRing.Samples s) {
        List<String> out = new ArrayList<>();
        for (Finding f : analyze(s)) {
            out.add(f.message());
        }
        return out;
    }

    /** All findings for the window {@code s} covers (none with too little history). */
    public static List<Finding> analyze(SampleRing.Samples s) {
        List<Finding> out = new ArrayList<>();
        if (s.size() < 3) {
            return out;
        }
        heap(s, out);
        threads(s, out);
        classes(s, out);
        return out;
    }

    /**
     * The trend (bytes per minute) of the heap after the collections that reclaimed the old
     * generation ({@link Series#HEAP_LIVE}: full, G1 mixed, whole-heap concurrent cycles), one
     * point per collection; null with fewer than {@value #MIN_OLD_COLLECTIONS} of them.
     */
    public static Trend liveHeapTrend(SampleRing.Samples s) {
        List<double[]> pts = liveHeapPoints(s);
        return pts.size() < MIN_OLD_COLLECTIONS ? null : envelopeTrend(pts);
    }

    /**
     * One point (uptime ms, bytes) per old-generation collection the sampler saw in the window (the
     * latest before each sample: several between two samples make one point), oldest first.
     */
    static List<double[]> liveHeapPoints(SampleRing.Samples s) {
        List<double[]> pts = new ArrayList<>();
        double lastGc = Double.NaN;
        for (int i = 0; i < s.size(); i++) {
            double v = s.get(Series.HEAP_LIVE, i);
            double at = s.get(Series.LIVE_GC_UPTIME, i);
            if (Double.isNaN(v) || Double.isNaN(at) || at == lastGc) {
                continue;
            }
            lastGc = at;
            if (!pts.isEmpty() || at >= s.uptimeMillis(0) - WINDOW_SLACK_MILLIS) {
                pts.add(new double[] {at, v});
            }
        }
        return pts;
    }

    /**
     * What the heap leak rule can say about the window: {@code rising} (a finding), {@code steady}
     * (enough old-generation collections, no finding) or {@code not enough data} (the JVM did not
     * collect the old generation often enough in the window to tell live data from garbage not yet
     * collected), with a sentence for people.
     */
    public record HeapCheck(String status, int oldCollections, long spanMillis, String message) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", status);
            m.put("oldCollections", oldCollections);
            m.put("spanMillis", spanMillis);
            m.put("message", message);
            return m;
        }
    }

    /** The heap leak rule's verdict for the window {@code s} covers. */
    public static HeapCheck heapCheck(SampleRing.Samples s) {
        List<double[]> pts = liveHeapPoints(s);
        int n = pts.size();
        long span = n < 2 ? 0 : (long) (pts.get(n - 1)[0] - pts.get(0)[0]);
        if (n < MIN_OLD_COLLECTIONS || span < HEAP_MIN_SPAN_MILLIS) {
            return new HeapCheck("not enough data", n, span, String.format(Locale.ROOT,
                    "heap leak check: not enough data: %d old-generation collection%s in the last %s (%d over %s or more needed: "
                            + "heap after a young collection still holds dead old objects, so it does not tell a leak)",
                    n, n == 1 ? "" : "s", Units.span(s.spanMillis()), MIN_OLD_COLLECTIONS, Units.span(HEAP_MIN_SPAN_MILLIS)));
        }
        List<Finding> f = new ArrayList<>();
        heap(s, f);
        if (!f.isEmpty()) {
            return new HeapCheck("rising", n, span, f.get(0).message());
        }
        return new HeapCheck("steady", n, span, String.format(Locale.ROOT,
                "heap leak check: no sustained rise of the heap after %d old-generation collections over %s, now %s",
                n, Units.span(span), Units.bytes(pts.get(n - 1)[1])));
    }

    /** The lower-envelope trend of a series over the samples' uptimes, or null with too few points. */
    public static Trend trend(SampleRing.Samples s, Series series) {
        List<double[]> pts = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            double v = s.get(series, i);
            if (!Double.isNaN(v)) {
                pts.add(new double[] {s.uptimeMillis(i), v});
            }
        }
        return envelopeTrend(pts);
    }

    private static void heap(SampleRing.Samples s, List<Finding> out) {
        Trend t = liveHeapTrend(s);
        if (t == null || t.spanMillis() < HEAP_MIN_SPAN_MILLIS || t.r2() < 0.5 || !t.sustained()) {
            return;
        }
        double max = s.last(Series.HEAP_MAX);
        double minGrowth = Math.max(8 * MB, Double.isNaN(max) ? 0 : 0.02 * max);
        double perMinuteMb = t.perMinute() / MB;
        if (perMinuteMb < 1 || t.growth() < minGrowth) {
            return;
        }
        List<double[]> pts = liveHeapPoints(s);
        double now = pts.get(pts.size() - 1)[1];
        StringBuilder m = new StringBuilder();
        m.append(String.format(Locale.ROOT, "likely heap leak: heap after old-generation GCs rising %.1f MB/min over the last %s "
                + "(%d collections, R² %.2f), now %s", perMinuteMb, Units.span(t.spanMillis()), pts.size(), t.r2(), Units.bytes(now)));
        if (!Double.isNaN(max) && max > now) {
            m.append(" of ").append(Units.bytes(max)).append(" max");
            double minutes = (max - now) / t.perMinute();
            m.append(String.format(Locale.ROOT, "; at this rate the heap is full in ~%s", Units.span((long) (minutes * 60_000))));
        }
        out.add(new Finding("heap", m.toString(), perMinuteMb, "MB", t.r2(), t.spanMillis()));
    }

    private static void threads(SampleRing.Samples s, List<Finding> out) {
        Trend t = trend(s, Series.THREADS);
        if (t == null || t.spanMillis() < OTHER_MIN_SPAN_MILLIS || t.r2() < 0.6 || !t.sustained()) {
            return;
        }
        if (t.growth() < Math.max(20, 0.25 * t.first()) || t.last() <= t.first()) {
            return;
        }
        out.add(new Finding("threads", String.format(Locale.ROOT,
                "likely thread leak: live threads rising %.1f/min over the last %s (R² %.2f), from %d to %d",
                t.perMinute(), Units.span(t.spanMillis()), t.r2(), (long) t.first(), (long) s.last(Series.THREADS)),
                t.perMinute(), "threads", t.r2(), t.spanMillis()));
    }

    private static void classes(SampleRing.Samples s, List<Finding> out) {
        Trend c = trend(s, Series.CLASSES_LOADED);
        if (c != null && c.spanMillis() >= OTHER_MIN_SPAN_MILLIS && c.r2() >= 0.6 && c.sustained()
                && c.growth() >= Math.max(500, 0.10 * c.first()) && c.last() > c.first()) {
            out.add(new Finding("classes", String.format(Locale.ROOT,
                    "likely class loader leak: loaded classes rising %.0f/min over the last %s (R² %.2f), from %d to %d",
                    c.perMinute(), Units.span(c.spanMillis()), c.r2(), (long) c.first(), (long) s.last(Series.CLASSES_LOADED)),
                    c.perMinute(), "classes", c.r2(), c.spanMillis()));
        }
        Trend m = trend(s, Series.METASPACE_USED);
        if (m != null && m.spanMillis() >= OTHER_MIN_SPAN_MILLIS && m.r2() >= 0.6 && m.sustained()
                && m.growth() >= Math.max(16 * MB, 0.20 * m.first()) && m.last() > m.first()) {
            out.add(new Finding("metaspace", String.format(Locale.ROOT,
                    "metaspace rising %.1f MB/min over the last %s (R² %.2f), now %s: classes or class loaders are not released",
                    m.perMinute() / MB, Units.span(m.spanMillis()), m.r2(), Units.bytes(s.last(Series.METASPACE_USED))),
                    m.perMinute() / MB, "MB", m.r2(), m.spanMillis()));
        }
    }

    /**
     * Least squares through the lowest point of each time slice, or through all points when there
     * are too few to slice (up to 6, e.g. the few collections of a large young generation); null
     * with fewer than 3 points.
     */
    static Trend envelopeTrend(List<double[]> pts) {
        if (pts.size() < 3) {
            return null;
        }
        double x0 = pts.get(0)[0];
        double x1 = pts.get(pts.size() - 1)[0];
        if (x1 <= x0) {
            return null;
        }
        List<double[]> env = new ArrayList<>();
        if (pts.size() > 6) {
            int buckets = Math.min(BUCKETS, pts.size() / 2);
            double[][] low = new double[buckets][];
            for (double[] p : pts) {
                int b = (int) Math.min(buckets - 1, (p[0] - x0) / (x1 - x0) * buckets);
                if (low[b] == null || p[1] < low[b][1]) {
                    low[b] = p;
                }
            }
            for (double[] p : low) {
                if (p != null) {
                    env.add(p);
                }
            }
        }
        if (env.size() < 3) {
            env = pts;
        }
        double[] x = new double[env.size()];
        double[] y = new double[env.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = env.get(i)[0];
            y[i] = env.get(i)[1];
        }
        double[] fit = leastSquares(x, y);
        return new Trend(fit[0] * 60_000.0, fit[1], x.length, (long) (x1 - x0), y[0], y[y.length - 1], sustained(x, y, x[0], x[x.length - 1]));
    }

    /**
     * Does each third of [x0, x1] add at least a fifth of the rise? Reads the points as a line
     * joining them (so sparse points, e.g. few collections, still count), and compares its values
     * at the window's start, one third, two thirds and end.
     */
    static boolean sustained(double[] x, double[] y, double x0, double x1) {
        double v0 = at(x, y, x0);
        double v1 = at(x, y, x0 + (x1 - x0) / 3);
        double v2 = at(x, y, x0 + 2 * (x1 - x0) / 3);
        double v3 = at(x, y, x1);
        double rise = v3 - v0;
        return rise > 0 && v1 - v0 >= 0.2 * rise && v2 - v1 >= 0.2 * rise && v3 - v2 >= 0.2 * rise;
    }

    /** The value at {@code t} of the line joining the points (x ascending); clamped at the ends. */
    private static double at(double[] x, double[] y, double t) {
        if (t <= x[0]) {
            return y[0];
        }
        for (int i = 1; i < x.length; i++) {
            if (t <= x[i]) {
                double w = x[i] == x[i - 1] ? 1 : (t - x[i - 1]) / (x[i] - x[i - 1]);
                return y[i - 1] + w * (y[i] - y[i - 1]);
            }
        }
        return y[y.length - 1];
    }

    /**
     * Ordinary least squares {@code y = a + b x}.
     *
     * @return {slope b, R²}; R² is 0 when y does not vary
     */
    static double[] leastSquares(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if (sxx == 0) {
            return new double[] {0, 0};
        }
        double slope = sxy / sxx;
        double r2 = syy == 0 ? 0 : (sxy * sxy) / (sxx * syy);
        return new double[] {slope, r2};
    }
}
