package dev.forgeperf.runtime;

import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.forgeperf.util.Units;

/**
 * The JSON form of {@link RuntimeMetrics} ({@code metrics --json}, a snapshot's {@code metrics.json},
 * {@code /api/metrics}): heap, non-heap, pools, GC, threads, CPU, classes, the sampler's state and
 * cost, findings and the heap leak check. Bytes, ms, fractions 0..1; null when unknown. Renders
 * only; key names are the published format, never rename one.
 */
final class RuntimeMetricsJson {
    private RuntimeMetricsJson() {
    }

    /** The JSON form of {@code r}. Bytes, ms, fractions 0..1; null when unknown. */
    static Map<String, Object> toMap(RuntimeMetrics r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", r.pid);
        m.put("timeMillis", r.timeMillis);
        m.put("uptimeMillis", r.uptimeMillis);

        Map<String, Object> h = usage(r.heap);
        h.put("usedAfterLastGc", Units.json(r.heapAfterGc, 0));
        h.put("afterLastGcFractionOfMax", Units.json(r.heapAfterGcFraction(), 4));
        h.put("lastGcUptimeMillis", r.heapAfterGcUptimeMillis < 0 ? null : r.heapAfterGcUptimeMillis);
        h.put("usedAfterLastOldGc", Units.json(r.heapAfterOldGc, 0));
        h.put("lastOldGcUptimeMillis", r.heapAfterOldGcUptimeMillis < 0 ? null : r.heapAfterOldGcUptimeMillis);
        h.put("oldGcCount", r.oldCollections < 0 ? null : r.oldCollections);
        m.put("heap", h);
        m.put("nonHeap", usage(r.nonHeap));
        List<Object> pl = new ArrayList<>();
        for (RuntimeMetrics.Pool p : r.pools) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("name", p.name());
            pm.put("type", p.heap() ? "heap" : "non-heap");
            pm.put("used", p.used());
            pm.put("committed", p.committed());
            pm.put("max", p.max() < 0 ? null : p.max());
            pm.put("fractionOfMax", Units.json(Units.ratio(p.used(), p.max()), 4));
            pm.put("usedAfterLastGc", p.usedAfterGc() < 0 ? null : p.usedAfterGc());
            pl.add(pm);
        }
        m.put("pools", pl);

        Map<String, Object> g = new LinkedHashMap<>();
        List<Object> cl = new ArrayList<>();
        for (GcMonitor.Collector c : r.collectors) {
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
        pz.put("windowMillis", r.windowMillis);
        if (r.pauses != null) {
            pz.put("count", r.pauses.count());
            pz.put("totalMillis", r.pauses.totalMillis());
            pz.put("p50Millis", nullIfNegative(r.pauses.percentile(50)));
            pz.put("p90Millis", nullIfNegative(r.pauses.percentile(90)));
            pz.put("p99Millis", nullIfNegative(r.pauses.percentile(99)));
            pz.put("maxMillis", nullIfNegative(r.pauses.max()));
            pz.put("truncated", r.pauses.truncated);
        }
        g.put("pauses", pz);
        g.put("cpuFraction", Units.json(r.gcCpuRecent, 5));
        g.put("cpuFractionWindowMillis", r.gcCpuRecentMillis);
        g.put("cpuFractionOverWindow", Units.json(r.gcCpuWindow, 5));
        g.put("allocationRateBytesPerSecond", Units.json(r.allocationRate, 0));
        g.put("allocatedBytes", Units.json(r.allocatedBytes, 0));
        m.put("gc", g);

        Map<String, Object> t = new LinkedHashMap<>();
        t.put("live", r.threadsLive);
        t.put("daemon", r.threadsDaemon);
        t.put("peak", r.threadsPeak);
        t.put("totalStarted", r.threadsStarted);
        Map<String, Object> st = new LinkedHashMap<>();
        r.threadStates.forEach((k, v) -> st.put(k.name(), v));
        t.put("states", st);
        t.put("deadlocked", r.deadlocked.size());
        t.put("deadlockedThreads", r.deadlocked);
        VirtualThreads.Attempt vt = r.virtualThreads();
        if (vt != null) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("count", vt.dump() == null ? null : vt.dump().total());
            v.put("mounted", vt.dump() == null ? null : vt.dump().mounted());
            v.put("source", vt.dump() == null ? null : "thread dump taken now");
            v.put("dumpMillis", vt.dump() == null ? null : vt.dump().tookNanos() / 1_000_000);
            v.put("unavailable", vt.dump() != null ? null : vt.whyNot() == null ? VirtualThreads.notAvailable() : vt.whyNot());
            t.put("virtual", v);
        }
        m.put("threads", t);

        Map<String, Object> c = new LinkedHashMap<>();
        c.put("process", Units.json(r.processCpu, 4));
        c.put("system", Units.json(r.systemCpu, 4));
        c.put("availableProcessors", r.cores);
        c.put("processCpuTimeNanos", r.processCpuTimeNanos < 0 ? null : r.processCpuTimeNanos);
        c.put("loadAverage", r.loadAverage < 0 ? null : Units.json(r.loadAverage, 2));
        m.put("cpu", c);

        Map<String, Object> k = new LinkedHashMap<>();
        k.put("loaded", r.classesLoaded);
        k.put("totalLoaded", r.classesTotal);
        k.put("unloaded", r.classesUnloaded);
        m.put("classes", k);

        m.put("sampler", samplerMap(r));
        List<Object> f = new ArrayList<>();
        r.findings.forEach(x -> f.add(x.toMap()));
        m.put("findings", f);
        m.put("heapLeakCheck", r.heapCheck.toMap());
        return m;
    }

    private static Map<String, Object> samplerMap(RuntimeMetrics r) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("running", r.service().sampling());
        s.put("intervalMillis", r.service().settings().intervalMillis);
        s.put("capacity", r.service().capacity());
        s.put("samples", r.history.size());
        s.put("samplesTaken", r.history.written());
        s.put("windowMillis", r.history.spanMillis());
        s.put("ringBytes", r.service().ringBytes());
        Sampler.Stats st = r.service().samplerStats();
        if (st != null) {
            s.put("meanCostNanos", st.meanNanos() < 0 ? null : st.meanNanos());
            s.put("maxCostNanos", st.maxNanos() < 0 ? null : st.maxNanos());
            s.put("lastCostNanos", st.lastNanos());
            s.put("meanAllocatedBytes", st.meanAllocatedBytes() < 0 ? null : st.meanAllocatedBytes());
            s.put("costNote", "per sample, leaving out the first " + Sampler.WARMUP + " (class loading, JIT)");
        }
        if (r.service().samplerProblem() != null) {
            s.put("problem", r.service().samplerProblem());
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
        m.put("fractionOfMax", Units.json(Units.ratio(u.getUsed(), u.getMax()), 4));
        return m;
    }
}
