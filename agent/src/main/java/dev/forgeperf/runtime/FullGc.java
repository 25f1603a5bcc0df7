package dev.forgeperf.runtime;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.sun.management.GcInfo;
import com.sun.management.HotSpotDiagnosticMXBean;

import dev.forgeperf.util.Units;


/**
 * Runs a full GC and reports what it freed. Uses the {@code GC.run} diagnostic command, which
 * collects even under {@code -XX:+DisableExplicitGC}; falls back to {@link System#gc()} where the
 * DiagnosticCommand MBean is missing.
 */
public final class FullGc {
    private FullGc() {
    }

    /** What one full GC did. Bytes; heap after is read from the collection itself when the JVM reports it. */
    public record Result(String method, long durationNanos, long heapBefore, long heapAfter, long heapMax,
                         List<String> collectors, String note) {
        public long freed() {
            return Math.max(0, heapBefore - heapAfter);
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", method);
            m.put("durationMillis", Units.json(durationNanos / 1e6, 3));
            m.put("heapBeforeBytes", heapBefore);
            m.put("heapAfterBytes", heapAfter);
            m.put("freedBytes", freed());
            m.put("heapMaxBytes", heapMax < 0 ? null : heapMax);
            m.put("collectors", collectors);
            m.put("note", note);
            return m;
        }

        public String render() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "full GC (%s) took %s: heap %s -> %s, freed %s%s%n", method,
                    Units.nanos(durationNanos), Units.bytes(heapBefore), Units.bytes(heapAfter), Units.bytes(freed()),
                    heapMax > 0 ? String.format(Locale.ROOT, " (%s of %s max in use after)", Units.percent((double) heapAfter / heapMax), Units.bytes(heapMax)) : ""));
            if (!collectors.isEmpty()) {
                b.append("collectors: ").append(String.join(", ", collectors)).append('\n');
            }
            if (note != null) {
                b.append(note).append('\n');
            }
            return b.toString();
        }
    }

    /** Runs a full GC now (the application pauses for its duration). */
    public static Result run() {
        List<GarbageCollectorMXBean> beans = ManagementFactory.getGarbageCollectorMXBeans();
        long[] countsBefore = new long[beans.size()];
        for (int i = 0; i < beans.size(); i++) {
            countsBefore[i] = beans.get(i).getCollectionCount();
        }
        MemoryUsage before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        String method = "GC.run";
        String note = null;
        long start = System.nanoTime();
        try {
            DiagnosticCommands.invoke("gcRun");
        } catch (DiagnosticCommands.Unavailable e) {
            method = "System.gc()";
            if (explicitGcDisabled()) {
                note = "warning: the DiagnosticCommand MBean is unavailable and -XX:+DisableExplicitGC makes System.gc() do nothing";
            }
            System.gc();
        }
        long duration = System.nanoTime() - start;
        MemoryUsage after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long heapAfter = after.getUsed();
        List<String> ran = new ArrayList<>();
        long latestEnd = -1;
        for (int i = 0; i < beans.size(); i++) {
            GarbageCollectorMXBean b = beans.get(i);
            long delta = b.getCollectionCount() - countsBefore[i];
            if (delta <= 0) {
                continue;
            }
            ran.add(b.getName() + (delta > 1 ? " x" + delta : ""));
            // heap after: from the collection that ended last (not from pause or concurrent-phase events, which do not free)
            if (b instanceof com.sun.management.GarbageCollectorMXBean && !b.getName().endsWith("Pauses") && !b.getName().contains("Concurrent")) {
                GcInfo info = ((com.sun.management.GarbageCollectorMXBean) b).getLastGcInfo();
                long sum = info == null || info.getMemoryUsageAfterGc() == null ? -1 : heapUsed(info.getMemoryUsageAfterGc());
                if (sum >= 0 && info.getEndTime() >= latestEnd) {
                    latestEnd = info.getEndTime();
                    heapAfter = sum;
                }
            }
        }
        if (ran.isEmpty() && note == null) {
            note = "no collector reported a collection";
        }
        return new Result(method, duration, before.getUsed(), heapAfter, before.getMax(), ran, note);
    }

    private static long heapUsed(Map<String, MemoryUsage> usage) {
        long sum = 0;
        boolean any = false;
        for (java.lang.management.MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == java.lang.management.MemoryType.HEAP) {
                MemoryUsage u = usage.get(p.getName());
                if (u != null) {
                    sum += u.getUsed();
                    any = true;
                }
            }
        }
        return any ? sum : -1;
    }

    static boolean explicitGcDisabled() {
        try {
            HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hs != null && Boolean.parseBoolean(hs.getVMOption("DisableExplicitGC").getValue());
        } catch (RuntimeException e) {
            return false;
        }
    }
}
