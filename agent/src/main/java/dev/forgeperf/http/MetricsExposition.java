package dev.forgeperf.http;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

import dev.forgeperf.bootstrap.TimingSnapshot;
import dev.forgeperf.http.PrometheusText.Type;
import dev.forgeperf.jfr.PyroscopePush;
import dev.forgeperf.runtime.GcMonitor;
import dev.forgeperf.runtime.Health;
import dev.forgeperf.runtime.RuntimeMetrics;
import dev.forgeperf.util.AgentInfo;
import dev.forgeperf.util.Durations;

/**
 * {@code /metrics}: the JVM and the process under the names of the Prometheus Java client 1.x JVM
 * instrumentation ({@code prometheus-metrics-instrumentation-jvm}: {@code jvm_memory_used_bytes{area}},
 * {@code jvm_gc_collection_seconds{gc}}, {@code jvm_threads_state{state}},
 * {@code process_cpu_seconds_total}, …), so dashboards built for it work unchanged; forge-perf's
 * own series (method timings, health, leak findings, GC pause percentiles, CPU shares, agent info)
 * under {@code forgeperf_*}. Values are in base units (bytes, seconds, ratios 0..1); unknown values
 * (e.g. an undefined maximum, which the Java client writes as -1) are left out.
 *
 * <p>Timed methods are one histogram each ({@code forgeperf_method_duration_seconds{method, le}}):
 * its bounds are highest values of the method's internal histogram buckets (nearest to the
 * configured ones, within 0.8%), so each {@code _bucket} count is exact, not interpolated; the
 * histogram holds the timed calls (in sampled mode a sample of them; calls counted past
 * {@code timed.maxMemory} are left out of it, and {@code _sum} is then scaled to the calls it
 * holds); {@code forgeperf_method_calls_total} counts every call, {@code forgeperf_method_errors_total}
 * those that threw. Stateless.
 */
public final class MetricsExposition {
    /** The default histogram bounds as configured, before they are moved to bucket boundaries. */
    public static final String DEFAULT_BUCKETS = "100us;300us;1ms;3ms;10ms;30ms;100ms;300ms;1s;3s;10s";
    /** Most bounds {@code metrics.buckets} may give. */
    public static final int MAX_BUCKETS = 40;
    private static final long MIN_BOUND_NANOS = 1_000L;
    private static final long MAX_BOUND_NANOS = 30L * 60 * 1_000_000_000L;
    private static final long[] DEFAULT_BOUNDS = parseBuckets(DEFAULT_BUCKETS);

    /**
     * Heap a scrape may take without asking {@link dev.forgeperf.runtime.HeapGuard} (about 400
     * methods with 70-character names): what monitors a nearly full heap is never refused.
     */
    public static final long LIGHT_SCRAPE_BYTES = 4L << 20;

    private static final String[] PAUSE_QUANTILES = {"0.5", "0.9", "0.99"};
    private static final double[] PAUSE_PERCENTILES = {50, 90, 99};

    private MetricsExposition() {
    }

    /** The default bounds, in nanoseconds, each exact for the histogram (ascending). */
    public static long[] defaultBounds() {
        return DEFAULT_BOUNDS.clone();
    }

    /**
     * Parses {@code metrics.buckets}: durations in ascending order separated by {@code ;} (or
     * {@code ,} as a {@code config=} file writes a list), each moved to the nearest bucket
     * boundary of the internal histogram.
     *
     * @return the bounds in nanoseconds, ascending, each exact for {@link TimingSnapshot#countAtMost(long)}
     * @throws IllegalArgumentException one line saying what is expected
     */
    public static long[] parseBuckets(String text) {
        String expected = "expected 1 to " + MAX_BUCKETS + " durations from 1us to 30m in ascending order separated by ';', e.g. 1ms;10ms;100ms;1s";
        String[] items = text == null ? new String[0] : text.split("[;,]");
        List<Long> bounds = new ArrayList<>();
        long previous = -1;
        for (String item : items) {
            if (item.isBlank()) {
                continue;
            }
            long nanos;
            try {
                nanos = Durations.parseNanos(item.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + item.trim() + "' is not a duration: " + expected);
            }
            if (nanos < MIN_BOUND_NANOS || nanos > MAX_BOUND_NANOS || nanos <= previous) {
                throw new IllegalArgumentException(expected);
            }
            previous = nanos;
            long exact = TimingSnapshot.exactBoundNear(nanos);
            if (!bounds.isEmpty() && bounds.get(bounds.size() - 1) >= exact) {
                throw new IllegalArgumentException("'" + item.trim() + "' falls in the same histogram bucket as the bound before it (buckets are 1/64 of a power of two wide): " + expected);
            }
            bounds.add(exact);
        }
        if (bounds.isEmpty() || bounds.size() > MAX_BUCKETS) {
            throw new IllegalArgumentException(expected);
        }
        return bounds.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Heap a scrape of {@code timings} takes at its peak, estimated: the JVM series (about 16 KB)
     * and per method {@code bounds + 5} lines of about 80 characters plus the name, four times over
     * (the growing text, its copy as a String, its UTF-8 bytes, and slack).
     */
    public static long heapNeed(List<TimingSnapshot> timings, int bounds) {
        long chars = 16 * 1024;
        for (TimingSnapshot s : timings) {
            chars += (long) (bounds + 5) * (80 + s.name().length());
        }
        return 4 * chars;
    }

    /** A bound as the {@code le} label writes it: seconds, exact to the nanosecond. */
    static String le(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }

    /** The 0.0.4 exposition with the default bounds. */
    public static String render(RuntimeMetrics m, Health health, List<TimingSnapshot> timings) {
        return render(m, health, timings, DEFAULT_BOUNDS, false);
    }

    /**
     * The exposition of {@code m}, {@code health} (evaluated from {@code m}) and {@code timings}, in
     * OpenMetrics text when {@code openMetrics}, 0.0.4 otherwise.
     *
     * @param bounds histogram bounds in nanoseconds from {@link #parseBuckets(String)}
     */
    public static String render(RuntimeMetrics m, Health health, List<TimingSnapshot> timings, long[] bounds, boolean openMetrics) {
        PrometheusText p = new PrometheusText(openMetrics);
        memory(p, m);
        gc(p, m);
        threads(p, m);
        classesAndCompilation(p, m);
        process(p, m);
        p.family("jvm_runtime_info", Type.info, "JVM runtime info");
        p.sample(1, "version", System.getProperty("java.runtime.version", "unknown"), "vendor", System.getProperty("java.vm.vendor", "unknown"),
                "runtime", System.getProperty("java.runtime.name", "unknown"));

        p.family("forgeperf_agent_info", Type.info, "The forge-perf agent's version");
        p.sample(1, "version", AgentInfo.VERSION);
        p.family("forgeperf_health_status", Type.gauge, "Health verdict of forge-perf's checks: 1 for the current status, 0 for the others");
        for (Health.Status s : Health.Status.values()) {
            p.sample(s == health.status() ? 1 : 0, "status", s.name());
        }
        p.family("forgeperf_leak_findings", Type.gauge, "Likely leaks found in the sampler's history (heap, threads, classes, metaspace)");
        p.sample(m.findings.size());
        PyroscopePush push = PyroscopePush.active();
        if (push != null) {
            p.family("forgeperf_pyroscope_chunks_total", Type.counter,
                    "Chunks of the continuous recording pushed to Pyroscope (uploaded) or dropped: failed upload, queue full, removed by JFR before its turn");
            p.sample(push.uploaded(), "result", "uploaded");
            p.sample(push.failed(), "result", "failed");
            p.sample(push.queueFull(), "result", "queue_full");
            p.sample(push.gone(), "result", "removed");
        }
        forgeperfRuntime(p, m);
        methods(p, timings, bounds);
        return p.toString();
    }

    private static void memory(PrometheusText p, RuntimeMetrics m) {
        p.family("jvm_memory_objects_pending_finalization", Type.gauge, "The number of objects waiting in the finalizer queue.");
        p.sample(guarded(() -> ManagementFactory.getMemoryMXBean().getObjectPendingFinalizationCount()));
        area(p, m, "jvm_memory_used_bytes", "Used bytes of a given JVM memory area.", MemoryUsage::getUsed);
        area(p, m, "jvm_memory_committed_bytes", "Committed (bytes) of a given JVM memory area.", MemoryUsage::getCommitted);
        area(p, m, "jvm_memory_max_bytes", "Max (bytes) of a given JVM memory area.", MemoryUsage::getMax);
        area(p, m, "jvm_memory_init_bytes", "Initial bytes of a given JVM memory area.", MemoryUsage::getInit);

        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
        List<MemoryUsage> usage = new ArrayList<>(pools.size());
        List<MemoryUsage> afterGc = new ArrayList<>(pools.size());
        for (MemoryPoolMXBean pool : pools) {
            usage.add(usage(pool, false));
            afterGc.add(usage(pool, true));
        }
        pool(p, pools, usage, "jvm_memory_pool_used_bytes", "Used bytes of a given JVM memory pool.", MemoryUsage::getUsed);
        pool(p, pools, usage, "jvm_memory_pool_committed_bytes", "Committed bytes of a given JVM memory pool.", MemoryUsage::getCommitted);
        pool(p, pools, usage, "jvm_memory_pool_max_bytes", "Max bytes of a given JVM memory pool.", MemoryUsage::getMax);
        pool(p, pools, usage, "jvm_memory_pool_init_bytes", "Initial bytes of a given JVM memory pool.", MemoryUsage::getInit);
        pool(p, pools, afterGc, "jvm_memory_pool_collection_used_bytes", "Used bytes after last collection of a given JVM memory pool.", MemoryUsage::getUsed);
        pool(p, pools, afterGc, "jvm_memory_pool_collection_committed_bytes", "Committed after last collection bytes of a given JVM memory pool.",
                MemoryUsage::getCommitted);
        pool(p, pools, afterGc, "jvm_memory_pool_collection_max_bytes", "Max bytes after last collection of a given JVM memory pool.", MemoryUsage::getMax);
        pool(p, pools, afterGc, "jvm_memory_pool_collection_init_bytes", "Initial after last collection bytes of a given JVM memory pool.",
                MemoryUsage::getInit);

        List<BufferPoolMXBean> buffers = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
        p.family("jvm_buffer_pool_used_bytes", Type.gauge, "Used bytes of a given JVM buffer pool.");
        buffers.forEach(b -> p.sample(known(guarded(b::getMemoryUsed)), "pool", b.getName()));
        p.family("jvm_buffer_pool_capacity_bytes", Type.gauge, "Bytes capacity of a given JVM buffer pool.");
        buffers.forEach(b -> p.sample(known(guarded(b::getTotalCapacity)), "pool", b.getName()));
        p.family("jvm_buffer_pool_used_buffers", Type.gauge, "Used buffers of a given JVM buffer pool.");
        buffers.forEach(b -> p.sample(known(guarded(b::getCount)), "pool", b.getName()));
    }

    private static void area(PrometheusText p, RuntimeMetrics m, String name, String help, ToLongFunction<MemoryUsage> value) {
        p.family(name, Type.gauge, help);
        p.sample(known(value.applyAsLong(m.heap)), "area", "heap");
        p.sample(known(value.applyAsLong(m.nonHeap)), "area", "nonheap");
    }

    private static void pool(PrometheusText p, List<MemoryPoolMXBean> pools, List<MemoryUsage> usage, String name, String help,
            ToLongFunction<MemoryUsage> value) {
        p.family(name, Type.gauge, help);
        for (int i = 0; i < pools.size(); i++) {
            MemoryUsage u = usage.get(i);
            if (u != null) {
                p.sample(known(value.applyAsLong(u)), "pool", pools.get(i).getName());
            }
        }
    }

    private static MemoryUsage usage(MemoryPoolMXBean pool, boolean afterGc) {
        try {
            return pool.isValid() ? (afterGc ? pool.getCollectionUsage() : pool.getUsage()) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void gc(PrometheusText p, RuntimeMetrics m) {
        p.family("jvm_gc_collection_seconds", Type.summary, "Time spent in a given JVM garbage collector in seconds.");
        for (GcMonitor.Collector c : m.collectors) {
            if (c.count() >= 0 && c.timeMillis() >= 0) {
                p.sample("_count", c.count(), "gc", c.name());
                p.sample("_sum", c.timeMillis() / 1e3, "gc", c.name());
            }
        }
    }

    private static void threads(PrometheusText p, RuntimeMetrics m) {
        p.family("jvm_threads_current", Type.gauge, "Current thread count of a JVM");
        p.sample(m.threadsLive);
        p.family("jvm_threads_daemon", Type.gauge, "Daemon thread count of a JVM");
        p.sample(m.threadsDaemon);
        p.family("jvm_threads_peak", Type.gauge, "Peak thread count of a JVM");
        p.sample(m.threadsPeak);
        p.family("jvm_threads_started_total", Type.counter, "Started thread count of a JVM");
        p.sample(m.threadsStarted);
        p.family("jvm_threads_deadlocked", Type.gauge,
                "Cycles of JVM-threads that are in deadlock waiting to acquire object monitors or ownable synchronizers");
        p.sample(m.deadlocked.size());
        p.family("jvm_threads_deadlocked_monitor", Type.gauge, "Cycles of JVM-threads that are in deadlock waiting to acquire object monitors");
        p.sample(guarded(() -> {
            long[] ids = ManagementFactory.getThreadMXBean().findMonitorDeadlockedThreads();
            return ids == null ? 0 : ids.length;
        }));
        p.family("jvm_threads_state", Type.gauge, "Current count of threads by state");
        for (Thread.State s : Thread.State.values()) {
            p.sample(m.threadStates.getOrDefault(s, 0), "state", s.name());
        }
    }

    private static void classesAndCompilation(PrometheusText p, RuntimeMetrics m) {
        p.family("jvm_classes_currently_loaded", Type.gauge, "The number of classes that are currently loaded in the JVM");
        p.sample(m.classesLoaded);
        p.family("jvm_classes_loaded_total", Type.counter, "The total number of classes that have been loaded since the JVM has started execution");
        p.sample(m.classesTotal);
        p.family("jvm_classes_unloaded_total", Type.counter, "The total number of classes that have been unloaded since the JVM has started execution");
        p.sample(m.classesUnloaded);
        p.family("jvm_compilation_time_seconds_total", Type.counter, "The total time in seconds taken for HotSpot class compilation");
        p.sample(seconds(guarded(() -> {
            CompilationMXBean c = ManagementFactory.getCompilationMXBean();
            return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : -1;
        })));
    }

    private static void process(PrometheusText p, RuntimeMetrics m) {
        p.family("process_cpu_seconds_total", Type.counter, "Total user and system CPU time spent in seconds.");
        p.sample(m.processCpuTimeNanos < 0 ? Double.NaN : m.processCpuTimeNanos / 1e9);
        p.family("process_start_time_seconds", Type.gauge, "Start time of the process since unix epoch in seconds.");
        p.sample(seconds(guarded(() -> ManagementFactory.getRuntimeMXBean().getStartTime())));
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        com.sun.management.UnixOperatingSystemMXBean unix = os instanceof com.sun.management.UnixOperatingSystemMXBean u ? u : null;
        p.family("process_open_fds", Type.gauge, "Number of open file descriptors.");
        p.sample(unix == null ? Double.NaN : known(guarded(unix::getOpenFileDescriptorCount)));
        p.family("process_max_fds", Type.gauge, "Maximum number of open file descriptors.");
        p.sample(unix == null ? Double.NaN : known(guarded(unix::getMaxFileDescriptorCount)));
        long[] vm = procStatus();
        p.family("process_virtual_memory_bytes", Type.gauge, "Virtual memory size in bytes.");
        p.sample(known(vm[0]));
        p.family("process_resident_memory_bytes", Type.gauge, "Resident memory size in bytes.");
        p.sample(known(vm[1]));
    }

    /** VmSize and VmRSS from Linux's {@code /proc/self/status} in bytes, -1 where unknown. */
    private static long[] procStatus() {
        long[] out = {-1, -1};
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.ISO_8859_1)) {
                int i = line.startsWith("VmSize:") ? 0 : line.startsWith("VmRSS:") ? 1 : -1;
                if (i >= 0) {
                    String[] f = line.trim().split("\\s+");
                    out[i] = Long.parseLong(f[1]) * 1024; // in kB
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or not readable: left out
        }
        return out;
    }

    private static void forgeperfRuntime(PrometheusText p, RuntimeMetrics m) {
        p.family("forgeperf_jvm_memory_heap_after_gc_bytes", Type.gauge, "Heap used right after the most recent collection");
        p.sample(m.heapAfterGc);
        p.family("forgeperf_jvm_memory_allocated_bytes_total", Type.counter, "Bytes allocated on the heap by all threads since the JVM started");
        p.sample(m.allocatedBytes);
        long count = 0;
        long millis = 0;
        for (GcMonitor.Collector c : m.collectors) {
            if (!c.concurrent() && c.count() >= 0 && c.timeMillis() >= 0) {
                count += c.count();
                millis += c.timeMillis();
            }
        }
        p.family("forgeperf_jvm_gc_pause_seconds", Type.summary, "Stop-the-world GC pauses: quantiles over the sampler window, count and sum since the JVM started");
        if (m.pauses != null) {
            for (int i = 0; i < PAUSE_QUANTILES.length; i++) {
                long v = m.pauses.percentile(PAUSE_PERCENTILES[i]);
                if (v >= 0) {
                    p.sample(v / 1e3, "quantile", PAUSE_QUANTILES[i]);
                }
            }
        }
        p.sample("_sum", millis / 1e3);
        p.sample("_count", count);
        p.family("forgeperf_jvm_gc_pause_max_seconds", Type.gauge, "Longest stop-the-world GC pause in the sampler window");
        p.sample(m.pauses == null || m.pauses.max() < 0 ? Double.NaN : m.pauses.max() / 1e3);
        p.family("forgeperf_jvm_gc_pause_time_ratio", Type.gauge, "Share of wall-clock time spent in GC pauses over the last minute, 0..1");
        p.sample(m.gcCpuRecent);
        p.family("forgeperf_process_cpu_usage_ratio", Type.gauge, "The JVM process's CPU use over the last sampler interval, a share of all cores, 0..1");
        p.sample(m.processCpu);
        p.family("forgeperf_system_cpu_usage_ratio", Type.gauge, "The whole machine's CPU use over the last sampler interval, 0..1");
        p.sample(m.systemCpu);
        p.family("forgeperf_system_cpus", Type.gauge, "Processors available to the JVM");
        p.sample(m.cores);
        p.family("forgeperf_system_load_average_1m", Type.gauge, "The system load average over the last minute");
        p.sample(m.loadAverage < 0 ? Double.NaN : m.loadAverage);
    }

    private static void methods(PrometheusText p, List<TimingSnapshot> timings, long[] bounds) {
        String[] les = new String[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            les[i] = le(bounds[i]);
        }
        p.family("forgeperf_method_duration_seconds", Type.histogram,
                "Duration of timed calls to a method since start or the last reset (bucket counts exact at each bound; in sampled mode the timed calls only)");
        for (TimingSnapshot s : timings) {
            String name = s.name();
            for (int i = 0; i < bounds.length; i++) {
                p.sample("_bucket", s.countAtMost(bounds[i]), "method", name, "le", les[i]);
            }
            long inHistogram = s.histogramCount();
            p.sample("_bucket", inHistogram, "method", name, "le", "+Inf");
            long sum = s.timedTotalNanos();
            if (s.unbucketed() > 0 && s.timedCount() > 0) {
                sum = Math.round(sum * ((double) inHistogram / s.timedCount())); // the calls the histogram holds
            }
            p.sample("_sum", sum / 1e9, "method", name);
            p.sample("_count", inHistogram, "method", name);
        }
        p.family("forgeperf_method_calls_total", Type.counter, "Calls to timed methods that completed, every one counted (also in sampled mode)");
        for (TimingSnapshot s : timings) {
            p.sample(s.count(), "method", s.name());
        }
        p.family("forgeperf_method_errors_total", Type.counter, "Calls to timed methods that ended by throwing");
        for (TimingSnapshot s : timings) {
            p.sample(s.errors(), "method", s.name());
        }
    }

    /** A reading that may be unsupported: -1 when it throws. */
    private static long guarded(java.util.function.LongSupplier read) {
        try {
            return read.getAsLong();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static double seconds(long millis) {
        return millis < 0 ? Double.NaN : millis / 1e3;
    }

    private static double known(long v) {
        return v < 0 ? Double.NaN : v;
    }
}
