package dev.forgeperf.runtime;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.forgeperf.util.Units;

/** The sampler's history as JSON (one object per sample) and as a table with sparklines. */
public final class History {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final int SPARK_WIDTH = 60;

    private History() {
    }

    /** The whole history of this JVM's sampler in JSON form (e.g. beside {@link RuntimeMetrics#current()} in a snapshot's metrics.json). */
    public static Map<String, Object> current() {
        RuntimeService service = RuntimeService.get();
        return toMap(service.history(0), service);
    }

    /** The JSON form: the sampler's settings and one object per sample, oldest first (NaN values are null). */
    public static Map<String, Object> toMap(SampleRing.Samples s, RuntimeService service) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intervalMillis", service.settings().intervalMillis);
        m.put("capacity", service.capacity());
        m.put("samplesTaken", s.written());
        m.put("count", s.size());
        m.put("windowMillis", s.spanMillis());
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("timeMillis", s.timeMillis(i));
            r.put("uptimeMillis", s.uptimeMillis(i));
            for (Series x : Series.all()) {
                r.put(x.key, Units.json(s.get(x, i), x.unit == Series.Unit.FRACTION ? 5 : 1));
            }
            rows.add(r);
        }
        m.put("samples", rows);
        return m;
    }

    /**
     * The text form: with {@code sparklines}, one chart line per key series over all of {@code s};
     * then a table of the last {@code rows} samples.
     */
    public static String render(SampleRing.Samples s, int rows, boolean sparklines) {
        StringBuilder b = new StringBuilder();
        if (s.isEmpty()) {
            return "no samples yet\n";
        }
        if (sparklines) {
            b.append(String.format(Locale.ROOT, "last %s, %d samples%n", Units.span(s.spanMillis()), s.size()));
            spark(b, "heap used", s.series(Series.HEAP_USED), Series.Unit.BYTES);
            spark(b, "heap after GC", s.series(Series.HEAP_AFTER_GC), Series.Unit.BYTES);
            spark(b, "after old GC", s.series(Series.HEAP_LIVE), Series.Unit.BYTES);
            spark(b, "threads", s.series(Series.THREADS), Series.Unit.COUNT);
            spark(b, "process CPU", s.series(Series.PROCESS_CPU), Series.Unit.FRACTION);
            spark(b, "GC %", s.series(Series.GC_CPU), Series.Unit.FRACTION);
            b.append('\n');
        }
        b.append(String.format(Locale.ROOT, "%-8s %10s %10s %10s %8s %7s %7s %7s %11s %8s%n",
                "TIME", "HEAP", "AFTER GC", "NON-HEAP", "THREADS", "CPU", "SYS", "GC", "ALLOC/S", "CLASSES"));
        int from = rows <= 0 ? 0 : Math.max(0, s.size() - rows);
        for (int i = from; i < s.size(); i++) {
            b.append(String.format(Locale.ROOT, "%-8s %10s %10s %10s %8s %7s %7s %7s %11s %8s%n",
                    CLOCK.format(Instant.ofEpochMilli(s.timeMillis(i))),
                    Units.bytes(s.get(Series.HEAP_USED, i)), Units.bytes(s.get(Series.HEAP_AFTER_GC, i)),
                    Units.bytes(s.get(Series.NON_HEAP_USED, i)), Units.number(s.get(Series.THREADS, i)),
                    Units.percent(s.get(Series.PROCESS_CPU, i)), Units.percent(s.get(Series.SYSTEM_CPU, i)),
                    Units.percent(s.get(Series.GC_CPU, i)), Units.bytes(s.get(Series.ALLOCATION_RATE, i)),
                    Units.number(s.get(Series.CLASSES_LOADED, i))));
        }
        if (from > 0) {
            b.append(String.format(Locale.ROOT, "(%d older samples held; --count %d shows them all)%n", from, s.size()));
        }
        return b.toString();
    }

    private static void spark(StringBuilder b, String label, double[] v, Series.Unit unit) {
        b.append(Sparkline.line(label, v, SPARK_WIDTH, d -> fmt(d, unit))).append(String.format("%n"));
    }

    private static String fmt(double d, Series.Unit unit) {
        switch (unit) {
            case BYTES: return Units.bytes(d);
            case FRACTION: return Units.percent(d);
            default: return Units.number(d);
        }
    }
}
