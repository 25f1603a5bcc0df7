package dev.forgeperf.http;

import java.util.List;

import dev.forgeperf.bootstrap.TimingSnapshot;
import dev.forgeperf.http.PrometheusText.Type;
import dev.forgeperf.runtime.GcMonitor;
import dev.forgeperf.runtime.Health;
import dev.forgeperf.runtime.RuntimeMetrics;
import dev.forgeperf.util.AgentInfo;

/**
 * {@code /metrics}: the runtime metrics ({@link RuntimeMetrics}, what {@code metrics --json}
 * shows), the health verdict and the timed methods in Prometheus' text format. Names start with
 * {@code forgeperf_}; values are in base units (bytes, seconds, ratios 0..1); unknown values are
 * left out.
 *
 * <p>Timed methods are one summary each ({@code forgeperf_method_duration_seconds{method=…}}):
 * quantiles 0.5, 0.9, 0.99 and 0.999 from the method's histogram since start (or the last
 * {@code timings --reset}), {@code _count} every call, {@code _sum} their total time (estimated
 * from the timed calls in sampled mode). GC pauses are a summary too: quantiles over the sampler's
 * window (as {@code metrics} shows them), {@code _count}/{@code _sum} of all stop-the-world
 * collections since the JVM started. Stateless.
 */
public final class MetricsExposition {
    /** Quantiles as written in the {@code quantile} label, and the percentiles they are read at. */
    private static final String[] METHOD_QUANTILES = {"0.5", "0.9", "0.99", "0.999"};
    private static final double[] METHOD_PERCENTILES = {50, 90, 99, 99.9};
    private static final String[] PAUSE_QUANTILES = {"0.5", "0.9", "0.99"};
    private static final double[] PAUSE_PERCENTILES = {50, 90, 99};

    private MetricsExposition() {
    }

    /** The exposition of {@code m}, {@code health} (evaluated from {@code m}) and {@code timings}. */
    public static String render(RuntimeMetrics m, Health health, List<TimingSnapshot> timings) {
        PrometheusText p = new PrometheusText();
        info(p, m);
        memory(p, m);
        gc(p, m);
        threads(p, m);
        cpuAndClasses(p, m);
        p.family("forgeperf_health_status", Type.gauge, "Health verdict of forge-perf's checks: 1 for the current status, 0 for the others");
        for (Health.Status s : Health.Status.values()) {
            p.sample(s == health.status() ? 1 : 0, "status", s.name());
        }
        p.family("forgeperf_leak_findings", Type.gauge, "Likely leaks found in the sampler's history (heap, threads, classes, metaspace)");
        p.sample(m.findings.size());
        methods(p, timings);
        return p.toString();
    }

    private static void info(PrometheusText p, RuntimeMetrics m) {
        p.family("forgeperf_agent_info", Type.gauge, "The forge-perf agent's version");
        p.sample(1, "version", AgentInfo.VERSION);
        p.family("forgeperf_jvm_info", Type.gauge, "The JVM's version, vendor and name");
        p.sample(1, "version", System.getProperty("java.runtime.version", ""), "vendor", System.getProperty("java.vm.vendor", ""),
                "runtime", System.getProperty("java.vm.name", ""));
        p.family("forgeperf_jvm_uptime_seconds", Type.gauge, "Time since the JVM started");
        p.sample(m.uptimeMillis / 1e3);
        p.family("forgeperf_process_start_time_seconds", Type.gauge, "When the JVM started, seconds since the Unix epoch");
        p.sample((m.timeMillis - m.uptimeMillis) / 1e3);
    }

    private static void memory(PrometheusText p, RuntimeMetrics m) {
        p.family("forgeperf_jvm_memory_used_bytes", Type.gauge, "Memory used, heap or non-heap");
        p.sample(m.heap.getUsed(), "area", "heap");
        p.sample(m.nonHeap.getUsed(), "area", "nonheap");
        p.family("forgeperf_jvm_memory_committed_bytes", Type.gauge, "Memory committed by the JVM, heap or non-heap");
        p.sample(m.heap.getCommitted(), "area", "heap");
        p.sample(m.nonHeap.getCommitted(), "area", "nonheap");
        p.family("forgeperf_jvm_memory_max_bytes", Type.gauge, "Most memory the JVM may use, heap or non-heap (absent when undefined)");
        p.sample(known(m.heap.getMax()), "area", "heap");
        p.sample(known(m.nonHeap.getMax()), "area", "nonheap");
        p.family("forgeperf_jvm_memory_heap_after_gc_bytes", Type.gauge, "Heap used right after the most recent collection");
        p.sample(m.heapAfterGc);

        p.family("forgeperf_jvm_memory_pool_used_bytes", Type.gauge, "Memory used per memory pool");
        m.pools.forEach(x -> p.sample(x.used(), "pool", x.name(), "type", poolType(x)));
        p.family("forgeperf_jvm_memory_pool_committed_bytes", Type.gauge, "Memory committed per memory pool");
        m.pools.forEach(x -> p.sample(x.committed(), "pool", x.name(), "type", poolType(x)));
        p.family("forgeperf_jvm_memory_pool_max_bytes", Type.gauge, "Most memory a pool may use (absent when undefined)");
        m.pools.forEach(x -> p.sample(known(x.max()), "pool", x.name(), "type", poolType(x)));
        p.family("forgeperf_jvm_memory_pool_used_after_gc_bytes", Type.gauge, "Memory used per pool after the most recent collection of it");
        m.pools.forEach(x -> p.sample(known(x.usedAfterGc()), "pool", x.name(), "type", poolType(x)));

        p.family("forgeperf_jvm_memory_allocated_bytes_total", Type.counter, "Bytes allocated on the heap by all threads since the JVM started");
        p.sample(m.allocatedBytes);
    }

    private static void gc(PrometheusText p, RuntimeMetrics m) {
        p.family("forgeperf_jvm_gc_collections_total", Type.counter, "Collections per collector since the JVM started");
        for (GcMonitor.Collector c : m.collectors) {
            p.sample(known(c.count()), "collector", c.name(), "kind", kind(c));
        }
        p.family("forgeperf_jvm_gc_collection_seconds_total", Type.counter, "Time spent in collections per collector since the JVM started");
        for (GcMonitor.Collector c : m.collectors) {
            p.sample(c.timeMillis() < 0 ? Double.NaN : c.timeMillis() / 1e3, "collector", c.name(), "kind", kind(c));
        }
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
    }

    private static void threads(PrometheusText p, RuntimeMetrics m) {
        p.family("forgeperf_jvm_threads_current", Type.gauge, "Live threads");
        p.sample(m.threadsLive);
        p.family("forgeperf_jvm_threads_daemon", Type.gauge, "Live daemon threads");
        p.sample(m.threadsDaemon);
        p.family("forgeperf_jvm_threads_peak", Type.gauge, "Most live threads at once since the JVM started");
        p.sample(m.threadsPeak);
        p.family("forgeperf_jvm_threads_started_total", Type.counter, "Threads started since the JVM started");
        p.sample(m.threadsStarted);
        p.family("forgeperf_jvm_threads_deadlocked", Type.gauge, "Threads in a deadlock");
        p.sample(m.deadlocked.size());
        p.family("forgeperf_jvm_threads_state", Type.gauge, "Live threads per state");
        m.threadStates.forEach((state, n) -> p.sample(n, "state", state.name()));
    }

    private static void cpuAndClasses(PrometheusText p, RuntimeMetrics m) {
        p.family("forgeperf_process_cpu_seconds_total", Type.counter, "CPU time the JVM process used");
        p.sample(m.processCpuTimeNanos < 0 ? Double.NaN : m.processCpuTimeNanos / 1e9);
        p.family("forgeperf_process_cpu_usage_ratio", Type.gauge, "The JVM process's CPU use over the last sampler interval, a share of all cores, 0..1");
        p.sample(m.processCpu);
        p.family("forgeperf_system_cpu_usage_ratio", Type.gauge, "The whole machine's CPU use over the last sampler interval, 0..1");
        p.sample(m.systemCpu);
        p.family("forgeperf_system_cpus", Type.gauge, "Processors available to the JVM");
        p.sample(m.cores);
        p.family("forgeperf_system_load_average_1m", Type.gauge, "The system load average over the last minute");
        p.sample(m.loadAverage < 0 ? Double.NaN : m.loadAverage);
        p.family("forgeperf_jvm_classes_currently_loaded", Type.gauge, "Classes loaded now");
        p.sample(m.classesLoaded);
        p.family("forgeperf_jvm_classes_loaded_total", Type.counter, "Classes loaded since the JVM started");
        p.sample(m.classesTotal);
        p.family("forgeperf_jvm_classes_unloaded_total", Type.counter, "Classes unloaded since the JVM started");
        p.sample(m.classesUnloaded);
    }

    private static void methods(PrometheusText p, List<TimingSnapshot> timings) {
        p.family("forgeperf_method_duration_seconds", Type.summary,
                "Duration of calls to timed methods: quantiles since start or the last reset, count of all calls, their total time");
        for (TimingSnapshot s : timings) {
            if (s.histogramCount() > 0) { // none when every call was counted past timed.maxMemory
                for (int i = 0; i < METHOD_QUANTILES.length; i++) {
                    p.sample(s.percentile(METHOD_PERCENTILES[i]) / 1e9, "method", s.name(), "quantile", METHOD_QUANTILES[i]);
                }
            }
            p.sample("_sum", s.totalNanos() / 1e9, "method", s.name());
            p.sample("_count", s.count(), "method", s.name());
        }
        p.family("forgeperf_method_errors_total", Type.counter, "Calls to timed methods that ended by throwing");
        for (TimingSnapshot s : timings) {
            p.sample(s.errors(), "method", s.name());
        }
    }

    private static String poolType(RuntimeMetrics.Pool pool) {
        return pool.heap() ? "heap" : "nonheap";
    }

    private static String kind(GcMonitor.Collector c) {
        return c.concurrent() ? "concurrent" : "pause";
    }

    private static double known(long v) {
        return v < 0 ? Double.NaN : v;
    }
}
