package dev.forgeperf.snapshot;

import java.util.Locale;

import dev.forgeperf.util.Durations;
import dev.forgeperf.util.Units;

/**
 * One {@code trigger=} option: a condition on a runtime metric and what to do when it holds.
 * Written {@code METRIC>VALUE[:ACTION]} (or {@code >=}), or {@code deadlock[:ACTION]}:
 * <ul>
 *   <li>{@code heap>90%}: the live heap, % of max heap: heap used after the latest collection that
 *       reclaimed the old generation (full, G1 mixed, whole-heap concurrent cycle), not after any GC
 *       (a young one leaves dead old objects in place); never holds before the first such collection;</li>
 *   <li>{@code threads>500}: live threads;</li>
 *   <li>{@code gcPause>1s}: a stop-the-world GC pause at least that long ended since the previous sample;</li>
 *   <li>{@code gcCpu>20%}: % of the time in GC pauses over the last minute;</li>
 *   <li>{@code deadlock}: some threads are deadlocked.</li>
 * </ul>
 * The only action is {@code snapshot} (the default). Immutable.
 *
 * @param threshold in the metric's own unit: percent (heap, gcCpu), threads, milliseconds (gcPause), 0 (deadlock)
 */
public record Trigger(Metric metric, boolean orEqual, double threshold, String text) {
    /** What a trigger watches. */
    public enum Metric {
        heap, threads, gcPause, gcCpu, deadlock
    }

    /** The form of the option, for messages. */
    public static final String EXAMPLES = "heap>90%:snapshot, threads>500, gcPause>1s, gcCpu>20%, deadlock";

    /**
     * Parses one {@code trigger=} value.
     *
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    public static Trigger parse(String text) {
        String t = text.strip();
        String condition = t;
        int colon = t.lastIndexOf(':');
        if (colon >= 0) {
            String action = t.substring(colon + 1).strip();
            if (!action.equals("snapshot")) {
                throw new IllegalArgumentException("unknown action '" + action + "' (the action is snapshot)");
            }
            condition = t.substring(0, colon).strip();
        }
        int op = indexOfAny(condition, '>', '<', '=');
        String name = (op < 0 ? condition : condition.substring(0, op)).strip();
        Metric metric;
        try {
            metric = Metric.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown metric '" + name + "' (heap, threads, gcPause, gcCpu or deadlock)");
        }
        if (metric == Metric.deadlock) {
            if (op >= 0 && !condition.substring(op).replace(" ", "").equals(">0")) {
                throw new IllegalArgumentException("deadlock takes no value (write deadlock or deadlock:snapshot)");
            }
            return new Trigger(metric, false, 0, t);
        }
        if (op < 0 || condition.charAt(op) != '>') {
            throw new IllegalArgumentException("expected " + name + ">VALUE or " + name + ">=VALUE");
        }
        boolean orEqual = op + 1 < condition.length() && condition.charAt(op + 1) == '=';
        String value = condition.substring(op + (orEqual ? 2 : 1)).strip();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("no value after '>'");
        }
        double threshold;
        switch (metric) {
            case heap:
            case gcCpu:
                threshold = percent(value);
                break;
            case threads:
                threshold = count(value);
                break;
            default:
                threshold = Durations.parseNanos(value) / 1e6;
        }
        return new Trigger(metric, orEqual, threshold, t);
    }

    private static int indexOfAny(String s, char... cs) {
        for (int i = 0; i < s.length(); i++) {
            for (char c : cs) {
                if (s.charAt(i) == c) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static double percent(String v) {
        String s = v.endsWith("%") ? v.substring(0, v.length() - 1).strip() : v;
        try {
            double d = Double.parseDouble(s);
            if (d >= 0 && d <= 100) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new IllegalArgumentException("'" + v + "' is not a percentage from 0 to 100 (e.g. 90%)");
    }

    private static double count(String v) {
        try {
            long n = Long.parseLong(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new IllegalArgumentException("'" + v + "' is not a thread count (e.g. 500)");
    }

    /** Whether {@code value} (in the metric's unit; NaN: unknown) meets the condition. */
    public boolean holds(double value) {
        if (Double.isNaN(value)) {
            return false;
        }
        return orEqual ? value >= threshold : value > threshold;
    }

    /** A measured value in the metric's unit, for messages: {@code live heap 93% of max (after the last old-generation GC)}. */
    public String describe(double value) {
        switch (metric) {
            case heap: return "live heap " + Units.percent(value / 100) + " of max (after the last old-generation GC)";
            case gcCpu: return Units.percent(value / 100, 1) + " of the time in GC over the last minute";
            case threads: return String.format(Locale.ROOT, "%d live threads", (long) value);
            case gcPause: return "a " + Units.millis((long) value) + " GC pause";
            default: return "deadlocked threads";
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
