package dev.forgeperf.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.forgeperf.util.Durations;

/**
 * The runtime options ({@code metrics.*}, {@code health.*}) with their defaults. A malformed value
 * is reported as a warning and replaced by its default.
 */
public final class RuntimeSettings {
    public static final long DEFAULT_INTERVAL_MILLIS = 2_000;
    public static final int DEFAULT_SIZE = 1_000;
    public static final long MIN_INTERVAL_MILLIS = 10;
    public static final int MAX_SIZE = 100_000;

    /** The option keys this class reads, with their descriptions (for AgentOptions.KNOWN and the README). */
    public static final Map<String, String> OPTIONS;

    static {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("metrics.interval", "how often the runtime sampler reads heap, GC, threads, CPU and classes (default 2s)");
        k.put("metrics.size", "samples the sampler keeps, oldest dropped first (default 1000, ~170 bytes each)");
        k.put("health.heap.degraded", "health: live heap (heap used after the last old-generation GC), % of max heap, that makes it degraded (default 75)");
        k.put("health.heap.unhealthy", "health: … that makes it unhealthy (default 90)");
        k.put("health.threads.degraded", "health: live threads that make it degraded (default 1000)");
        k.put("health.threads.unhealthy", "health: live threads that make it unhealthy (default 5000)");
        k.put("health.gcPause.degraded", "health: longest GC pause in the sampler window that makes it degraded (default 500ms)");
        k.put("health.gcPause.unhealthy", "health: … that makes it unhealthy (default 2s)");
        k.put("health.gcCpu.degraded", "health: % of time in GC pauses over the last minute that makes it degraded (default 10)");
        k.put("health.gcCpu.unhealthy", "health: … that makes it unhealthy (default 25)");
        OPTIONS = java.util.Collections.unmodifiableMap(k);
    }

    public final long intervalMillis;
    public final int size;
    public final double heapDegradedPercent;
    public final double heapUnhealthyPercent;
    public final long threadsDegraded;
    public final long threadsUnhealthy;
    public final long gcPauseDegradedMillis;
    public final long gcPauseUnhealthyMillis;
    public final double gcCpuDegradedPercent;
    public final double gcCpuUnhealthyPercent;

    private RuntimeSettings(AgentOptions o, List<String> warnings) {
        intervalMillis = millis(o, "metrics.interval", DEFAULT_INTERVAL_MILLIS, MIN_INTERVAL_MILLIS, warnings);
        size = (int) count(o, "metrics.size", DEFAULT_SIZE, 2, MAX_SIZE, warnings);
        heapDegradedPercent = percent(o, "health.heap.degraded", 75, warnings);
        heapUnhealthyPercent = percent(o, "health.heap.unhealthy", 90, warnings);
        threadsDegraded = count(o, "health.threads.degraded", 1_000, 1, Integer.MAX_VALUE, warnings);
        threadsUnhealthy = count(o, "health.threads.unhealthy", 5_000, 1, Integer.MAX_VALUE, warnings);
        gcPauseDegradedMillis = millis(o, "health.gcPause.degraded", 500, 1, warnings);
        gcPauseUnhealthyMillis = millis(o, "health.gcPause.unhealthy", 2_000, 1, warnings);
        gcCpuDegradedPercent = percent(o, "health.gcCpu.degraded", 10, warnings);
        gcCpuUnhealthyPercent = percent(o, "health.gcCpu.unhealthy", 25, warnings);
        order("health.heap", heapDegradedPercent, heapUnhealthyPercent, warnings);
        order("health.threads", threadsDegraded, threadsUnhealthy, warnings);
        order("health.gcPause", gcPauseDegradedMillis, gcPauseUnhealthyMillis, warnings);
        order("health.gcCpu", gcCpuDegradedPercent, gcCpuUnhealthyPercent, warnings);
    }

    /** Reads the settings from agent options; problems are added to {@code warnings}. */
    public static RuntimeSettings from(AgentOptions options, List<String> warnings) {
        return new RuntimeSettings(options, warnings);
    }

    /** All defaults. */
    public static RuntimeSettings defaults() {
        return new RuntimeSettings(AgentOptions.parse(""), new java.util.ArrayList<>());
    }

    private static void order(String key, double degraded, double unhealthy, List<String> warnings) {
        if (degraded > unhealthy) {
            warnings.add(key + ".degraded (" + fmt(degraded) + ") is above " + key + ".unhealthy (" + fmt(unhealthy)
                    + "): that check can only report unhealthy");
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static long millis(AgentOptions o, String key, long fallback, long min, List<String> warnings) {
        String v = o.get(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            long ms = Durations.parseNanos(v) / 1_000_000L;
            if (ms >= min) {
                return ms;
            }
            warnings.add("ignoring " + key + "=" + v + " (at least " + min + "ms); using " + fallback + "ms");
        } catch (IllegalArgumentException e) {
            warnings.add("ignoring " + key + "=" + v + " (" + e.getMessage() + "); using " + fallback + "ms");
        }
        return fallback;
    }

    private static long count(AgentOptions o, String key, long fallback, long min, long max, List<String> warnings) {
        String v = o.get(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        warnings.add("ignoring " + key + "=" + v + " (expected a whole number from " + min + " to " + max + "); using " + fallback);
        return fallback;
    }

    /** A percentage: {@code 75} or {@code 75%}, 0 to 100. */
    private static double percent(AgentOptions o, String key, double fallback, List<String> warnings) {
        String v = o.get(key, null);
        if (v == null) {
            return fallback;
        }
        String s = v.trim();
        if (s.endsWith("%")) {
            s = s.substring(0, s.length() - 1).trim();
        }
        try {
            double d = Double.parseDouble(s);
            if (d >= 0 && d <= 100) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        warnings.add("ignoring " + key + "=" + v + " (expected a percentage from 0 to 100, e.g. 75 or 75%); using " + fmt(fallback));
        return fallback;
    }

    /** The thresholds as shown by {@code health --json}. */
    public Map<String, Object> thresholds() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("heapAfterGcPercent", pair(heapDegradedPercent, heapUnhealthyPercent));
        m.put("threads", pair(threadsDegraded, threadsUnhealthy));
        m.put("gcPauseMillis", pair(gcPauseDegradedMillis, gcPauseUnhealthyMillis));
        m.put("gcCpuPercent", pair(gcCpuDegradedPercent, gcCpuUnhealthyPercent));
        return m;
    }

    private static Map<String, Object> pair(Object degraded, Object unhealthy) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("degraded", degraded);
        m.put("unhealthy", unhealthy);
        return m;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "interval=%dms size=%d", intervalMillis, size);
    }
}
