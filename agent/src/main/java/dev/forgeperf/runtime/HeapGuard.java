package dev.forgeperf.runtime;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * The free-heap check before heavy work inside the host JVM (profile analysis, snapshots, the
 * class histogram): the host's heap is not the agent's scratch space, so work that would need
 * more than what is free, less a reserve left to the application, is refused in one line rather
 * than pushing the host towards {@link OutOfMemoryError}.
 *
 * <p>Free heap = max heap − the heap in use after GC, estimated as the larger of the heap used
 * right after the last collection (GC notifications) and the current use of the pools that
 * survive a young collection (old generation; for single-pool collectors such as ZGC, the whole
 * heap's current use: conservative, garbage included). The reserve is a tenth of the max heap.
 *
 * <p>The needs are estimates, stated where they are defined. Thread-safe, allocates little.
 */
public final class HeapGuard {
    /** Analysing a JFR recording into a profile: the index tables and the model, chunks mapped off-heap. */
    public static final long ANALYSIS_BASE_BYTES = 8L << 20;

    /** The class histogram: the JVM's text answer and its rows. */
    public static final long HISTOGRAM_BYTES = 8L << 20;

    /** The reports of a snapshot (they read its metrics, timings and profiles). */
    public static final long REPORTS_BYTES = 8L << 20;

    /** A refusal: its message is the one line for the user. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** What to do instead of an analysis inside the JVM. */
    public static final String ANALYZE_OUTSIDE = "retry when the heap is less full, or copy the recording out (`forge-perf dump jfr PID -o FILE.jfr`)"
            + " and analyze it outside this JVM (`forge-perf convert FILE.jfr`)";

    private HeapGuard() {
    }

    /** What the agent's start-up steps (sampler, socket, JFR, HTTP) want free before they run. */
    public static final long START_BYTES = 2L << 20;

    /**
     * Whether {@code bytes} fit in the heap now, the reserve kept, by the JVM's own counters
     * only (no allocation, no MXBean): garbage not yet collected counts as used, so this errs on
     * the side of waiting. For work that must not run in a full heap at all: a class initializer
     * that fails there (the JDK's or ours) fails for good, in the application too.
     */
    public static boolean hasRoom(long bytes) {
        Runtime rt = Runtime.getRuntime();
        long max = rt.maxMemory();
        return max - (rt.totalMemory() - rt.freeMemory()) - max / 10 >= bytes;
    }

    /** Max heap − heap in use now (garbage included), by the JVM's counters only: no allocation. */
    public static long freeNow() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** Heap an analysis of a recording of {@code jfrBytes} needs: {@link #ANALYSIS_BASE_BYTES} plus an eighth of the recording (its stacks become the model). */
    public static long analysisNeed(long jfrBytes) {
        return ANALYSIS_BASE_BYTES + Math.max(0, jfrBytes) / 8;
    }

    /**
     * Refuses {@code what} when it needs more heap than is free.
     *
     * @throws Refused saying what was refused, the numbers, and what to do instead
     */
    public static void require(String what, long needBytes, String instead) {
        Heap h = measure();
        long available = h.max - h.inUse - h.reserve;
        if (needBytes > available) {
            throw new Refused("refused " + what + ": it needs about " + mb(needBytes) + " of heap, but only " + mb(Math.max(0, h.max - h.inUse))
                    + " of the JVM's " + mb(h.max) + " are free after GC and " + mb(h.reserve) + " stay reserved for the application; "
                    + instead);
        }
    }

    /** The heap's size, its use after GC (estimate) and the reserve, in bytes. */
    public record Heap(long max, long inUse, long reserve) {
    }

    /**
     * The heap pools' use that survived young collections: the old generation's for generational
     * collectors, the whole heap's for single-pool ones (Epsilon, ...).
     */
    private static long survivingUse() {
        long current = 0;
        long tenured = 0;
        boolean young = false;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != MemoryType.HEAP || !pool.isValid()) {
                continue;
            }
            long used = pool.getUsage().getUsed();
            current += used;
            String name = pool.getName();
            if (name.contains("Eden") || name.contains("Survivor") || name.contains("Young") || name.contains("Nursery")) {
                young = true;
            } else {
                tenured += used;
            }
        }
        return young ? tenured : current;
    }

    /** Measures the heap now. */
    public static Heap measure() {
        long max = Runtime.getRuntime().maxMemory();
        long inUse = survivingUse();
        GcMonitor gc = RuntimeService.get().gc();
        double afterGc = gc == null ? Double.NaN : gc.lastHeapAfterGc();
        if (!Double.isNaN(afterGc)) {
            inUse = Math.max(inUse, (long) afterGc);
        }
        return new Heap(max, Math.min(max, inUse), max / 10);
    }

    /**
     * Metaspace the agent's classes need free before it starts (measured: ~5 MB with the sampler,
     * socket and JFR; Byte Buddy's timing and a JFR analysis add the rest).
     */
    public static final long START_METASPACE_BYTES = 12L << 20;

    /**
     * Why the agent must not start in this JVM now, or null: a heap too full for the start-up
     * steps ({@code attach} only: at JVM start the heap is empty), or a metaspace limit
     * ({@code -XX:MaxMetaspaceSize}) that leaves the agent's classes less than
     * {@link #START_METASPACE_BYTES} (they would take the room the application's classes need).
     * Reads the metaspace pool only when such a limit was given (loading the management classes
     * costs start-up time otherwise spent off the application's path).
     */
    public static String startRefusal(boolean atJvmStart) {
        if (!atJvmStart && !hasRoom(START_BYTES) && !roomBesideYoungGarbage(START_BYTES)) {
            long max = Runtime.getRuntime().maxMemory();
            return "the JVM's heap is full (" + mb(Math.max(0, freeNow())) + " free of " + mb(max)
                    + "; the agent needs " + mb(START_BYTES) + " beyond a tenth of it to start); attach again when its heap has room,"
                    + " or start the JVM with -javaagent and a larger -Xmx";
        }
        if (!metaspaceLimited()) {
            return null;
        }
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.NON_HEAP && pool.getName().equals("Metaspace")) {
                long max = pool.getUsage().getMax();
                long used = pool.getUsage().getUsed();
                if (max > 0 && max - used < START_METASPACE_BYTES) {
                    return "the JVM's metaspace limit (-XX:MaxMetaspaceSize=" + mb(max).replace(" ", "") + ", " + mb(used)
                            + " in use) leaves less than the " + mb(START_METASPACE_BYTES) + " the agent's classes need;"
                            + " raise -XX:MaxMetaspaceSize by " + mb(START_METASPACE_BYTES) + " to use forge-perf";
                }
            }
        }
        return null;
    }

    /**
     * Whether {@code bytes} fit beside what survived young collections (the old generation's use;
     * for single-pool collectors the whole heap's): a heap that looks full of young garbage is not
     * refused. Reads the pools only (not the runtime service, which the agent has not started yet).
     */
    private static boolean roomBesideYoungGarbage(long bytes) {
        try {
            long max = Runtime.getRuntime().maxMemory();
            return max - survivingUse() - max / 10 >= bytes;
        } catch (Throwable full) {
            return false;
        }
    }

    private static boolean metaspaceLimited() {
        String flag = "MaxMetaspaceSize";
        for (String a : dev.forgeperf.util.SelfProcess.commandLine()) {
            if (a.contains(flag) || a.startsWith("@")) {
                return true;
            }
        }
        return String.valueOf(System.getenv("JAVA_TOOL_OPTIONS")).contains(flag) || String.valueOf(System.getenv("JDK_JAVA_OPTIONS")).contains(flag);
    }

    private static String mb(long bytes) {
        return (bytes + (1 << 19) >> 20) + " MB";
    }
}
