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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JVM's runtime metrics right now: heap, non-heap and pools, GC (per collector, pause
 * percentiles over the sampler window, GC CPU share, allocation rate), threads (by state,
 * deadlocked), CPU, classes, uptime, the sampler's own cost and leak findings. {@link #collect()}
 * reads them; {@link #toMap()} is the JSON form ({@code metrics --json}, a snapshot's
 * {@code metrics.json}); {@link #render()} the text form.
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
    public final GcMonitor.Pauses pauses;
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
        pools = p;

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
        allocatedBytes = allocated;
        threadsLive = threads.getThreadCount();
        threadsDaemon = threads.getDaemonThreadCount();
        threadsPeak = threads.getPeakThreadCount();
        threadsStarted = threads.getTotalStartedThreadCount();
        Map<Thread.State, Integer> states = new EnumMap<>(Thread.State.class);
        for (Thread.State s : Thread.State.values()) {
            states.put(s, 0);
        }
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                states.merge(info.getThreadState(), 1, Integer::sum);
            }
        }
        threadStates = states;
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
        return Format.ratio(heapAfterOldGc, heap.getMax());
    }

    /** Heap used after the last GC as a fraction of max heap, NaN when unknown. */
    public double heapAfterGcFraction() {
        return Format.ratio(heapAfterGc, heap.getMax());
    }

    /** The JSON form. Bytes, ms, fractions 0..1; null when unknown. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", pid);
        m.put("timeMillis", timeMillis);
        m.put("uptimeMillis", uptimeMillis);

        Map<String, Object> h = usage(heap);
        h.put("usedAfterLastGc", Format.json(heapAfterGc, 0));
        h.put("afterLastGcFractionOfMax", Format.json(heapAfterGcFraction(), 4));
        h.put("lastGcUptimeMillis", heapAfterGcUptimeMillis < 0 ? null : heapAfterGcUptimeMillis);
        h.put("usedAfterLastOldGc", Format.json(heapAfterOldGc, 0));
        h.put("lastOldGcUptimeMillis", heapAfterOldGcUptimeMillis < 0 ? null : heapAfterOldGcUptimeMillis);
        h.put("oldGcCount", oldCollections < 0 ? null : oldCollections);
        m.put("heap", h);
        m.put("nonHeap", usage(nonHeap));
        List<Object> pl = new ArrayList<>();
        for (Pool p : pools) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("name", p.name());
            pm.put("type", p.heap() ? "heap" : "non-heap");
            pm.put("used", p.used());
            pm.put("committed", p.committed());
            pm.put("max", p.max() < 0 ? null : p.max());
            pm.put("fractionOfMax", Format.json(Format.ratio(p.used(), p.max()), 4));
            pm.put("usedAfterLastGc", p.usedAfterGc() < 0 ? null : p.usedAfterGc());
            pl.add(pm);
        }
        m.put("pools", pl);

        Map<String, Object> g = new LinkedHashMap<>();
        List<Object> cl = new ArrayList<>();
        for (GcMonitor.Collector c : collectors) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("name", c.name());
            cm.put("kind", c.concurrent() ? "concurrent" : "pause");
            cm.put("count", c.count() < 0 ? null : c.count());
            cm.put("timeMillis", c.timeMillis() < 0 ? null : c.timeMillis());
            cm.put("lastDurationMillis", c.lastDurationMillis() < 0 ? null : c.lastDurationMillis());
            cm.put("lastEndUptimeMillis", c.lastEndUptimeMillis() < 0 ? null : c.lastEndUptimeMillis());
            cm.put("lastCause", c.lastCause());
            cl.add(cm);
        }
        g.put("collectors", cl);
        Map<String, Object> pz = new LinkedHashMap<>();
        pz.put("windowMillis", windowMillis);
        if (pauses != null) {
            pz.put("count", pauses.count());
            pz.put("totalMillis", pauses.totalMillis());
            pz.put("p50Millis", nullIfNegative(pauses.percentile(50)));
            pz.put("p90Millis", nullIfNegative(pauses.percentile(90)));
            pz.put("p99Millis", nullIfNegative(pauses.percentile(99)));
            pz.put("maxMillis", nullIfNegative(pauses.max()));
            pz.put("truncated", pauses.truncated);
        }
        g.put("pauses", pz);
        g.put("cpuFraction", Format.json(gcCpuRecent, 5));
        g.put("cpuFractionWindowMillis", gcCpuRecentMillis);
        g.put("cpuFractionOverWindow", Format.json(gcCpuWindow, 5));
        g.put("allocationRateBytesPerSecond", Format.json(allocationRate, 0));
        g.put("allocatedBytes", Format.json(allocatedBytes, 0));
        m.put("gc", g);

        Map<String, Object> t = new LinkedHashMap<>();
        t.put("live", threadsLive);
        t.put("daemon", threadsDaemon);
        t.put("peak", threadsPeak);
        t.put("totalStarted", threadsStarted);
        Map<String, Object> st = new LinkedHashMap<>();
        threadStates.forEach((k, v) -> st.put(k.name(), v));
        t.put("states", st);
        t.put("deadlocked", deadlocked.size());
        t.put("deadlockedThreads", deadlocked);
        m.put("threads", t);

        Map<String, Object> c = new LinkedHashMap<>();
        c.put("process", Format.json(processCpu, 4));
        c.put("system", Format.json(systemCpu, 4));
        c.put("availableProcessors", cores);
        c.put("processCpuTimeNanos", processCpuTimeNanos < 0 ? null : processCpuTimeNanos);
        c.put("loadAverage", loadAverage < 0 ? null : Format.json(loadAverage, 2));
        m.put("cpu", c);

        Map<String, Object> k = new LinkedHashMap<>();
        k.put("loaded", classesLoaded);
        k.put("totalLoaded", classesTotal);
        k.put("unloaded", classesUnloaded);
        m.put("classes", k);

        m.put("sampler", samplerMap());
        List<Object> f = new ArrayList<>();
        findings.forEach(x -> f.add(x.toMap()));
        m.put("findings", f);
        m.put("heapLeakCheck", heapCheck.toMap());
        return m;
    }

    private Map<String, Object> samplerMap() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("running", service.sampling());
        s.put("intervalMillis", service.settings().intervalMillis);
        s.put("capacity", service.capacity());
        s.put("samples", history.size());
        s.put("samplesTaken", history.written());
        s.put("windowMillis", history.spanMillis());
        s.put("ringBytes", service.ringBytes());
        Sampler.Stats st = service.samplerStats();
        if (st != null) {
            s.put("meanCostNanos", st.meanNanos() < 0 ? null : st.meanNanos());
            s.put("maxCostNanos", st.maxNanos() < 0 ? null : st.maxNanos());
            s.put("lastCostNanos", st.lastNanos());
            s.put("meanAllocatedBytes", st.meanAllocatedBytes() < 0 ? null : st.meanAllocatedBytes());
            s.put("costNote", "per sample, leaving out the first " + Sampler.WARMUP + " (class loading, JIT)");
        }
        if (service.samplerProblem() != null) {
            s.put("problem", service.samplerProblem());
        }
        return s;
    }

    private static Object nullIfNegative(long v) {
        return v < 0 ? null : v;
    }

    private static Map<String, Object> usage(MemoryUsage u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("used", u.getUsed());
        m.put("committed", u.getCommitted());
        m.put("max", u.getMax() < 0 ? null : u.getMax());
        m.put("fractionOfMax", Format.json(Format.ratio(u.getUsed(), u.getMax()), 4));
        return m;
    }

    /** The text form ({@code metrics} without {@code --json}). */
    public String render() {
        StringBuilder b = new StringBuilder(2048);
        line(b, "pid %d  uptime %s  %s", pid, Format.span(uptimeMillis),
                java.time.Instant.ofEpochMilli(timeMillis).atZone(java.time.ZoneId.systemDefault()).toLocalDateTime().withNano(0));
        line(b, "");
        line(b, "heap       used %s  committed %s  max %s%s", Format.bytes(heap.getUsed()), Format.bytes(heap.getCommitted()),
                Format.bytes(heap.getMax()), pct(heap.getUsed(), heap.getMax()));
        line(b, "           after last GC %s%s", Format.bytes(heapAfterGc),
                Double.isNaN(heapAfterGc) ? "  (no GC yet)" : pct(heapAfterGc, heap.getMax()) + (heapAfterGcUptimeMillis < 0 ? ""
                        : ", " + Format.span(Math.max(0, uptimeMillis - heapAfterGcUptimeMillis)) + " ago"));
        line(b, "           after last old-gen GC %s%s", Format.bytes(heapAfterOldGc),
                Double.isNaN(heapAfterOldGc) ? "  (no full, mixed or whole-heap collection yet)" : pct(heapAfterOldGc, heap.getMax())
                        + (heapAfterOldGcUptimeMillis < 0 ? "" : ", " + Format.span(Math.max(0, uptimeMillis - heapAfterOldGcUptimeMillis)) + " ago")
                        + (oldCollections < 0 ? "" : ", " + oldCollections + " since start"));
        line(b, "non-heap   used %s  committed %s", Format.bytes(nonHeap.getUsed()), Format.bytes(nonHeap.getCommitted()));
        line(b, "");
        line(b, "%-34s %10s %10s %10s %6s %12s", "POOL", "USED", "COMMITTED", "MAX", "%MAX", "AFTER GC");
        for (Pool p : pools) {
            double r = Format.ratio(p.used(), p.max());
            line(b, "%-34s %10s %10s %10s %6s %12s", (p.heap() ? "" : "~") + p.name(), Format.bytes(p.used()), Format.bytes(p.committed()),
                    Format.bytes(p.max()), Double.isNaN(r) ? "-" : Format.percent(r), Format.bytes(p.usedAfterGc()));
        }
        line(b, "(~ non-heap)");
        line(b, "");
        line(b, "%-34s %10s %10s %10s  %s", "COLLECTOR", "COUNT", "TIME", "LAST", "LAST CAUSE");
        for (GcMonitor.Collector c : collectors) {
            line(b, "%-34s %10s %10s %10s  %s", c.name() + (c.concurrent() ? " (concurrent)" : ""), c.count() < 0 ? "-" : String.valueOf(c.count()),
                    Format.millis(c.timeMillis()), Format.millis(c.lastDurationMillis()), c.lastCause() == null ? "-" : c.lastCause());
        }
        if (pauses != null) {
            if (pauses.count() == 0) {
                line(b, "pauses     none in the last %s", Format.span(windowMillis));
            } else {
                line(b, "pauses     %d in the last %s%s: p50 %s  p90 %s  p99 %s  max %s  total %s", pauses.count(), Format.span(windowMillis),
                        pauses.truncated ? " (newest " + GcMonitor.CAPACITY + ")" : "", Format.millis(pauses.percentile(50)),
                        Format.millis(pauses.percentile(90)), Format.millis(pauses.percentile(99)), Format.millis(pauses.max()),
                        Format.millis(pauses.totalMillis()));
            }
        } else {
            line(b, "pauses     unknown (GC notifications unavailable)");
        }
        line(b, "gc cpu     %s of the time in GC pauses over the last %s%s", Format.percent(gcCpuRecent), Format.span(gcCpuRecentMillis),
                history.size() >= 2 && history.spanMillis() > gcCpuRecentMillis ? " (" + Format.percent(gcCpuWindow) + " over " + Format.span(history.spanMillis()) + ")" : "");
        line(b, "allocation %s/s%s", Format.bytes(allocationRate), Double.isNaN(allocatedBytes) ? "" : "  (" + Format.bytes(allocatedBytes) + " since start)");
        line(b, "");
        line(b, "threads    live %d  daemon %d  peak %d  started %d  deadlocked %d%s", threadsLive, threadsDaemon, threadsPeak, threadsStarted,
                deadlocked.size(), deadlocked.isEmpty() ? "" : " (" + String.join(", ", deadlocked) + ")");
        StringBuilder st = new StringBuilder();
        threadStates.forEach((k, v) -> {
            if (v > 0) {
                st.append(st.length() == 0 ? "" : "  ").append(k).append(' ').append(v);
            }
        });
        line(b, "           %s", st);
        line(b, "cpu        process %s  system %s  of %d cores%s", Format.percent(processCpu), Format.percent(systemCpu), cores,
                loadAverage < 0 ? "" : String.format(Locale.ROOT, "  load %.2f", loadAverage));
        line(b, "classes    loaded %d  total %d  unloaded %d", classesLoaded, classesTotal, classesUnloaded);
        if (!service.sampling()) {
            line(b, "sampler    off: %s", service.samplerProblem());
        }
        if (!"rising".equals(heapCheck.status())) {
            line(b, "leaks      %s", heapCheck.message());
        }
        for (LeakFindings.Finding f : findings) {
            line(b, "finding    %s", f.message());
        }
        return b.toString();
    }

    private static String pct(double used, double max) {
        double r = Format.ratio(used, max);
        return Double.isNaN(r) ? "" : " (" + Format.percent(r) + " of max)";
    }

    private static void line(StringBuilder b, String format, Object... args) {
        b.append(args.length == 0 ? format : String.format(Locale.ROOT, format, args)).append('\n');
    }
}
