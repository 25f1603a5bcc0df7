package dev.forgeperf.timing;

import dev.forgeperf.bootstrap.MethodStats;
import dev.forgeperf.bootstrap.TimingBudget;
import dev.forgeperf.bootstrap.Recorder;
import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.util.Log;
import dev.forgeperf.util.Units;

/**
 * The bounds of method timing: {@code timed.maxMemory} (bytes of histograms for all methods
 * together) and {@code timed.maxMethods} (rows: timed methods and track names), applied at load
 * and described for {@code status} and {@code timings}.
 */
public final class TimingLimits {
    /** Default {@code timed.maxMethods}. */
    public static final int DEFAULT_MAX_METHODS = 10_000;
    /** Upper bound of the default {@code timed.maxMemory}. */
    public static final long DEFAULT_MAX_MEMORY_CAP = 32L << 20;

    private TimingLimits() {
    }

    /** Default {@code timed.maxMemory}: 1/16 of the max heap, at most 32 MiB. */
    public static long defaultMaxMemory() {
        long heap = Runtime.getRuntime().maxMemory();
        return heap == Long.MAX_VALUE ? DEFAULT_MAX_MEMORY_CAP : Math.min(DEFAULT_MAX_MEMORY_CAP, heap / 16);
    }

    /** Applies the options to the bootstrap recorder; the budget, once spent, is said once in the log. */
    public static void apply(AgentOptions options) {
        long maxMemory = defaultMaxMemory();
        try {
            maxMemory = options.bytes("timed.maxMemory", maxMemory);
        } catch (IllegalArgumentException bad) {
            Log.info("ignoring timed.maxMemory=" + options.get("timed.maxMemory", "") + " (" + bad.getMessage() + "); using the default");
        }
        int maxMethods = DEFAULT_MAX_METHODS;
        try {
            maxMethods = options.positiveInt("timed.maxMethods", maxMethods);
            if (maxMethods <= 0) {
                throw new IllegalArgumentException("expected a positive integer");
            }
        } catch (IllegalArgumentException bad) {
            maxMethods = DEFAULT_MAX_METHODS;
            Log.info("ignoring timed.maxMethods=" + options.get("timed.maxMethods", "") + " (expected a positive integer); using the default");
        }
        TimingBudget.setMaxBytes(maxMemory);
        Recorder.setMaxMethods(maxMethods);
        Recorder.setRefusalListener(() -> Log.once("timed.maxMethods", "timed.maxMethods=" + Recorder.maxMethods()
                + " reached: further methods and track names are not timed; raise timed.maxMethods or narrow the spec"
                + " (`forge-perf status` counts them)"));
        TimingBudget.setListener(() -> Log.once("timed.maxMemory", "timed.maxMemory=" + Units.bytes(TimingBudget.maxBytes())
                + " spent: further calls are counted (count, errors, total, min, max) without percentiles;"
                + " raise timed.maxMemory or time fewer methods (`forge-perf timings` marks them)"));
    }

    /** One line for {@code status}: memory held, budget, rows, refusals. */
    public static String describe() {
        long used = TimingBudget.usedBytes();
        long max = TimingBudget.maxBytes();
        int called = 0;
        for (MethodStats s : Recorder.all()) {
            if (s.bytes() > 0) {
                called++;
            }
        }
        StringBuilder b = new StringBuilder();
        b.append(Units.bytes(used));
        b.append(" for ").append(called).append(called == 1 ? " called method" : " called methods");
        if (called > 0) {
            b.append(", ").append(used / called).append(" B each");
        }
        b.append(" (timed.maxMemory ").append(max == Long.MAX_VALUE ? "unlimited" : Units.bytes(max))
                .append(" caps all but the first ").append(MethodStats.STRIPE_BYTES).append(" B of each)");
        b.append("; ").append(Recorder.live()).append(" of ").append(Recorder.maxMethods()).append(" rows (timed.maxMethods)");
        long refused = Recorder.refused();
        if (refused > 0) {
            b.append("; ").append(refused).append(" methods or track names not timed: timed.maxMethods reached");
        }
        if (TimingBudget.exceededOnce()) {
            b.append("; budget spent: some calls counted without percentiles");
        }
        return b.toString();
    }
}
