package dev.forgeperf.runtime;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.forgeperf.util.Units;

/**
 * The JVM's runtime metrics right now: heap, non-heap and pools, GC (per collector, pause
 * percentiles over the sampler window, GC CPU share, allocation rate), threads (by state,
 * deadlocked), CPU, classes, uptime, the sampler's own cost and leak findings. {@link #collect()}
 * reads them once, from the MXBeans, the {@link RuntimeService}'s sample history and GC monitor,
 * and the leak analysis of that history; the values are then fixed (public final fields).
 * {@link #toMap()} is the JSON form ({@code metrics --json}, a snapshot's {@code metrics.json},
 * {@link RuntimeMetricsJson}); {@link #render()} the text form ({@link RuntimeMetricsText}).
 */
public final class RuntimeMetrics {
    /** GC CPU share and allocation rate are given over this last stretch of the history. */
    public static final long RECENT_MILLIS = 60_000;

    /** One memory pool. Bytes; -1 when undefined. */
    public record Pool(String name, boolean heap, long used, long committed, long max, long usedAfterGc) {
    }

    public final long pid;
    public final long timeMillis;
    public final long uptimeMillis;
    public final MemoryUsage heap;
    public final MemoryUsage nonHeap;
    public final double heapAfterGc;
    public final long heapAfterGcUptimeMillis;
    /** Heap used after the latest collection that reclaimed the old generation ({@link GcMonitor#lastLiveHeap}), NaN before one. */
    public final double heapAfterOldGc;
    public final long heapAfterOldGcUptimeMillis;
    /** Collections that reclaimed the old generation since the agent started, -1 when unknown. */
    public final long oldCollections;
    public final List<Pool> pools;
    public final List<GcMonitor.Collector> collectors;
    public final GcPauses pauses;
    /** The window the pause statistics cover (ms); the sampler's history, or since the agent started without one. */
    public final long windowMillis;
    public final double gcCpuRecent;
    public final long gcCpuRecentMillis;
    public final double gcCpuWindow;
    public final double allocationRate;
    public final double allocatedBytes;
    public final int threadsLive;
    public final int threadsDaemon;
    public final int threadsPeak;
    public final long threadsStarted;
    public final Map<Thread.State, Integer> threadStates;
    public final List<String> deadlocked;
    public final double processCpu;
    public final double systemCpu;
    public final int cores;
    public final long processCpuTimeNanos;
    public final double loadAverage;
    public final int classesLoaded;
    public final long classesTotal;
    public final long classesUnloaded;
    public final SampleRing.Samples history;
    public final List<LeakFindings.Finding> findings;
    /** What the heap leak rule can tell over the window (rising, steady, not enough data). */
    public final LeakFindings.HeapCheck heapCheck;
    private final RuntimeService service;

    private RuntimeMetrics(RuntimeService service) {
        this.service = service;
        pid = ProcessHandle.current().pid();
        timeMillis = System.currentTimeMillis();
        uptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        heap = memory.getHeapMemoryUsage();
        nonHeap = memory.getNonHeapMemoryUsage();
        pools = readPools();

        history = service.history(0);
        GcMonitor gc = service.gc();
        collectors = gc == null ? List.of() : gc.collectors();
        heapAfterGc = gc == null ? Double.NaN : gc.lastHeapAfterGc();
        heapAfterGcUptimeMillis = gc == null ? -1 : gc.lastHeapAfterGcUptime();
        heapAfterOldGc = gc == null ? Double.NaN : gc.lastLiveHeap();
        heapAfterOldGcUptimeMillis = gc == null ? -1 : gc.lastLiveHeapUptime();
        oldCollections = gc == null ? -1 : gc.liveCollections();
        long windowStart = history.isEmpty() ? 0 : history.uptimeMillis(0);
        pauses = gc == null ? null : gc.pauses(windowStart);
        windowMillis = uptimeMillis - windowStart;

        if (history.size() >= 2) {
            SampleRing.Samples recent = history.lastMillis(RECENT_MILLIS);
            gcCpuRecent = recent.gcCpuFraction();
            gcCpuRecentMillis = recent.spanMillis();
            gcCpuWindow = history.gcCpuFraction();
            allocationRate = recent.ratePerSecond(Series.ALLOCATED);
        } else {
            long pauseMillis = 0;
            for (GcMonitor.Collector c : collectors) {
                if (!c.concurrent() && c.timeMillis() > 0) {
                    pauseMillis += c.timeMillis();
                }
            }
            gcCpuRecent = uptimeMillis > 0 && gc != null ? Math.min(1, (double) pauseMillis / uptimeMillis) : Double.NaN;
            gcCpuRecentMillis = uptimeMillis;
            gcCpuWindow = gcCpuRecent;
            allocationRate = Double.NaN;
        }

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        allocatedBytes = totalAllocatedBytes(threads);
        threadsLive = threads.getThreadCount();
        threadsDaemon = threads.getDaemonThreadCount();
        threadsPeak = threads.getPeakThreadCount();
        threadsStarted = threads.getTotalStartedThreadCount();
        threadStates = threadStates(threads);
        deadlocked = deadlockedThreadNames(threads);

        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        cores = os.getAvailableProcessors();
        loadAverage = os.getSystemLoadAverage();
        double proc = history.isEmpty() ? Double.NaN : history.last(Series.PROCESS_CPU);
        double sys = Double.NaN;
        long cpuTime = -1;
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            com.sun.management.OperatingSystemMXBean sun = (com.sun.management.OperatingSystemMXBean) os;
            cpuTime = sun.getProcessCpuTime();
            if (Double.isNaN(proc)) {
                proc = sun.getProcessCpuLoad();
            }
            sys = history.isEmpty() ? sun.getCpuLoad() : history.last(Series.SYSTEM_CPU);
        }
        processCpu = proc < 0 ? Double.NaN : proc;
        systemCpu = sys < 0 ? Double.NaN : sys;
        processCpuTimeNanos = cpuTime;

        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        classesLoaded = classes.getLoadedClassCount();
        classesTotal = classes.getTotalLoadedClassCount();
        classesUnloaded = classes.getUnloadedClassCount();

        findings = LeakFindings.analyze(history);
        heapCheck = LeakFindings.heapCheck(history);
    }

    // ---- MXBean reads the constructor combines

    /** The valid memory pools now, with their usage after the last collection (-1 when unsupported). */
    private static List<Pool> readPools() {
        List<Pool> p = new ArrayList<>();
        for (MemoryPoolMXBean b : ManagementFactory.getMemoryPoolMXBeans()) {
            if (!b.isValid()) {
                continue;
            }
            MemoryUsage u = b.getUsage();
            MemoryUsage after = null;
            try {
                after = b.getCollectionUsage();
            } catch (RuntimeException ignored) {
                // not supported for this pool
            }
            p.add(new Pool(b.getName(), b.getType() == MemoryType.HEAP, u.getUsed(), u.getCommitted(), u.getMax(),
                    after == null ? -1 : after.getUsed()));
        }
        return p;
    }

    /** Bytes allocated by all threads since start (HotSpot's ThreadMXBean), NaN when unsupported or disabled. */
    private static double totalAllocatedBytes(ThreadMXBean threads) {
        double allocated = Double.NaN;
        if (threads instanceof com.sun.management.ThreadMXBean) {
            com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) threads;
            try {
                if (t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
                    allocated = t.getTotalThreadAllocatedBytes();
                }
            } catch (RuntimeException ignored) {
                // unknown
            }
        }
        return allocated;
    }

    /** How many live threads are in each state (every state present, 0 when none). */
    private static Map<Thread.State, Integer> threadStates(ThreadMXBean threads) {
        Map<Thread.State, Integer> states = new EnumMap<>(Thread.State.class);
        for (Thread.State s : Thread.State.values()) {
            states.put(s, 0);
        }
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                states.merge(info.getThreadState(), 1, Integer::sum);
            }
        }
        return states;
    }

    private VirtualThreads.Attempt virtualThreads;

    /** Reads the metrics of this JVM now. */
    public static RuntimeMetrics collect() {
        return new RuntimeMetrics(RuntimeService.get());
    }

    static RuntimeMetrics collect(RuntimeService service) {
        return new RuntimeMetrics(service);
    }

    /** The current metrics as a JSON-ready map (what {@code metrics --json} prints). */
    public static Map<String, Object> current() {
        return collect().toMap();
    }

    /** Names ({@code "name" #id}) of the threads in a deadlock, empty when none. */
    static List<String> deadlockedThreadNames(ThreadMXBean threads) {
        long[] ids = threads.isSynchronizerUsageSupported() ? threads.findDeadlockedThreads() : threads.findMonitorDeadlockedThreads();
        List<String> names = new ArrayList<>();
        if (ids != null) {
            for (ThreadInfo info : threads.getThreadInfo(ids)) {
                if (info != null) {
                    names.add(info.getThreadName());
                }
            }
        }
        return names;
    }

    /**
     * Heap used after the last collection that reclaimed the old generation (the live heap, what
     * {@code health} judges) as a fraction of max heap, NaN when unknown.
     */
    public double liveHeapFraction() {
        return Units.ratio(heapAfterOldGc, heap.getMax());
    }

    /** Heap used after the last GC as a fraction of max heap, NaN when unknown. */
    public double heapAfterGcFraction() {
        return Units.ratio(heapAfterGc, heap.getMax());
    }

    /**
     * Adds the virtual-thread count ({@code metrics} only: it costs a thread dump, so the sampler
     * and the other readers of these metrics never take it). Before JDK 21 the count is shown as
     * not available, never as 0.
     */
    public RuntimeMetrics withVirtualThreads(VirtualThreads.Attempt attempt) {
        this.virtualThreads = attempt;
        return this;
    }

    /** The virtual-thread count added by {@link #withVirtualThreads}, or null. */
    VirtualThreads.Attempt virtualThreads() {
        return virtualThreads;
    }

    /** The runtime service these metrics were read from (its sampler state is rendered as of now). */
    RuntimeService service() {
        return service;
    }

    /** The JSON form ({@link RuntimeMetricsJson}). Bytes, ms, fractions 0..1; null when unknown. */
    public Map<String, Object> toMap() {
        return RuntimeMetricsJson.toMap(this);
    }

    /** The text form ({@code metrics} without {@code --json}; {@link RuntimeMetricsText}). */
    public String render() {
        return RuntimeMetricsText.render(this);
    }
}
