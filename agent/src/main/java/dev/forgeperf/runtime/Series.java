package dev.forgeperf.runtime;

/**
 * The values one sample holds, in ring column order. Cumulative series ({@link #cumulative}) only
 * grow; the others are readings at the sample time or over the interval since the previous sample.
 * A value that could not be read is {@code NaN}.
 */
public enum Series {
    HEAP_USED("heapUsed", Unit.BYTES, "heap used", false),
    HEAP_COMMITTED("heapCommitted", Unit.BYTES, "heap committed", false),
    HEAP_MAX("heapMax", Unit.BYTES, "heap max", false),
    /** Heap used right after the most recent collection ({@code NaN} before the first one). */
    HEAP_AFTER_GC("heapAfterGc", Unit.BYTES, "heap after GC", false),
    /** JVM uptime (ms) at the end of the collection {@link #HEAP_AFTER_GC} comes from. */
    LAST_GC_UPTIME("lastGcUptimeMillis", Unit.MILLIS, "last GC at", false),
    /**
     * Heap used right after the most recent collection that reclaimed the old generation (full,
     * G1 mixed, or a whole-heap concurrent cycle), the live-data estimate heap leak findings read;
     * {@code NaN} before the first one.
     */
    HEAP_LIVE("heapAfterOldGc", Unit.BYTES, "heap after old-gen GC", false),
    /** JVM uptime (ms) at the end of the collection {@link #HEAP_LIVE} comes from. */
    LIVE_GC_UPTIME("lastOldGcUptimeMillis", Unit.MILLIS, "last old-gen GC at", false),
    NON_HEAP_USED("nonHeapUsed", Unit.BYTES, "non-heap used", false),
    METASPACE_USED("metaspaceUsed", Unit.BYTES, "metaspace used", false),
    THREADS("threads", Unit.COUNT, "live threads", false),
    DAEMON_THREADS("daemonThreads", Unit.COUNT, "daemon threads", false),
    /** Process CPU over the interval, as a fraction of all available cores. */
    PROCESS_CPU("processCpu", Unit.FRACTION, "process CPU", false),
    /** Whole-machine CPU busy over the interval, 0..1 (Linux {@code /proc/stat}; NaN elsewhere). */
    SYSTEM_CPU("systemCpu", Unit.FRACTION, "system CPU", false),
    /** Stop-the-world collections so far (collectors that pause; concurrent cycles excluded). */
    GC_PAUSES("gcPauses", Unit.COUNT, "GC pauses", true),
    /** Time in stop-the-world collections so far, ms. */
    GC_PAUSE_TIME("gcPauseMillis", Unit.MILLIS, "GC pause time", true),
    /** Share of the interval's wall-clock time spent in GC pauses, 0..1. */
    GC_CPU("gcCpu", Unit.FRACTION, "GC CPU", false),
    /** Bytes allocated on the heap by all threads so far. */
    ALLOCATED("allocatedBytes", Unit.BYTES, "allocated", true),
    /** Allocation rate over the interval, bytes per second. */
    ALLOCATION_RATE("allocationRate", Unit.BYTES_PER_SECOND, "allocation rate", false),
    CLASSES_LOADED("classesLoaded", Unit.COUNT, "loaded classes", false),
    CLASSES_UNLOADED("classesUnloaded", Unit.COUNT, "unloaded classes", true);

    /** How a value is measured (for printing). */
    public enum Unit { BYTES, BYTES_PER_SECOND, COUNT, MILLIS, FRACTION }

    private static final Series[] ALL = values();

    public final String key;
    public final Unit unit;
    public final String label;
    public final boolean cumulative;

    Series(String key, Unit unit, String label, boolean cumulative) {
        this.key = key;
        this.unit = unit;
        this.label = label;
        this.cumulative = cumulative;
    }

    /** All series, in column order (a shared array: do not modify). */
    static Series[] all() {
        return ALL;
    }

    /** Number of series (columns). */
    public static int count() {
        return ALL.length;
    }
}
