package dev.forgeperf.runtime;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;

import dev.forgeperf.util.Log;

/**
 * Every collection the JVM reports ({@code com.sun.management} GC notifications), kept in a fixed
 * ring of the last {@value GcEventRing#CAPACITY} events ({@link GcEventRing}): end time, duration,
 * collector, heap used before and after. Stop-the-world pauses are told apart from concurrent
 * cycles (ZGC's and Shenandoah's "… Cycles" collectors), so pause percentiles are pauses
 * ({@link GcPauses}). Also tracks each collector's last collection, the heap used after the most
 * recent collection (the input of the heap health check) and the heap used after the most recent
 * collection that reclaimed the old generation (the input of heap leak findings, see
 * {@link #reflectsLiveData}).
 *
 * <p>Bounded: the ring's arrays are allocated once (with at most {@value GcEventRing#MAX_CAUSES}
 * distinct causes), the rest is a few numbers per collector.
 *
 * <p>Thread-safe: the listener runs on the JVM's notification thread: it copies a few numbers
 * under a short lock (this monitor's, which also guards the ring) and never throws; the readers
 * take the same lock.
 */
public final class GcMonitor implements NotificationListener {
    private static final Set<String> COLLECTION_ENDS = Set.of("end of minor GC", "end of major GC", "end of GC cycle");

    static final String G1_OLD_POOL = "G1 Old Gen";

    private final GarbageCollectorMXBean[] beans;
    private final String[] names;
    private final boolean[] concurrent;
    private final Set<String> heapPools = new HashSet<>();
    private final List<NotificationEmitter> registered = new ArrayList<>();
    private final GcEventRing ring;

    private final long[] lastId;
    private final long[] lastDuration;
    private final long[] lastEnd;
    private final String[] lastCause;
    private double lastHeapAfterGc = Double.NaN;
    private long lastHeapAfterGcUptime = -1;
    private double lastLiveHeap = Double.NaN;
    private long lastLiveHeapUptime = -1;
    private long liveCollections;
    /** G1's old generation pool: its CollectionUsage tells a mixed collection from a young one. */
    private final MemoryPoolMXBean g1Old;

    GcMonitor() {
        List<GarbageCollectorMXBean> list = ManagementFactory.getGarbageCollectorMXBeans();
        beans = list.toArray(new GarbageCollectorMXBean[0]);
        names = new String[beans.length];
        concurrent = new boolean[beans.length];
        for (int i = 0; i < beans.length; i++) {
            names[i] = beans[i].getName();
            concurrent[i] = isConcurrent(names[i]);
        }
        ring = new GcEventRing(names, concurrent);
        MemoryPoolMXBean old = null;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                heapPools.add(p.getName());
                if (p.getName().equals(G1_OLD_POOL) && p.isCollectionUsageThresholdSupported()) {
                    old = p;
                }
            }
        }
        g1Old = old;
        lastId = new long[beans.length];
        lastDuration = new long[beans.length];
        lastEnd = new long[beans.length];
        lastCause = new String[beans.length];
        Arrays.fill(lastId, -1);
        Arrays.fill(lastDuration, -1);
        Arrays.fill(lastEnd, -1);
    }

    /**
     * Creates the monitor and subscribes to every collector's notifications; the collections that
     * happened before (each collector's last one) are taken from {@code getLastGcInfo}.
     */
    static GcMonitor install() {
        GcMonitor m = new GcMonitor();
        for (GarbageCollectorMXBean b : m.beans) {
            if (b instanceof NotificationEmitter) {
                ((NotificationEmitter) b).addNotificationListener(m, null, null);
                m.registered.add((NotificationEmitter) b);
            }
        }
        m.seed();
        return m;
    }

    /** Stops listening. */
    void close() {
        for (NotificationEmitter e : registered) {
            try {
                e.removeNotificationListener(this);
            } catch (ListenerNotFoundException ignored) {
                // already gone
            }
        }
        registered.clear();
    }

    /** True for collectors whose events are concurrent cycles rather than pauses (ZGC, Shenandoah "… Cycles"). */
    static boolean isConcurrent(String collectorName) {
        return collectorName.endsWith("Cycles");
    }

    private void seed() {
        List<Object[]> last = new ArrayList<>();
        for (int i = 0; i < beans.length; i++) {
            if (beans[i] instanceof com.sun.management.GarbageCollectorMXBean) {
                try {
                    GcInfo info = ((com.sun.management.GarbageCollectorMXBean) beans[i]).getLastGcInfo();
                    if (info != null) {
                        last.add(new Object[] {i, info});
                    }
                } catch (RuntimeException ignored) {
                    // not available for this collector
                }
            }
        }
        last.sort((a, b) -> Long.compare(((GcInfo) a[1]).getEndTime(), ((GcInfo) b[1]).getEndTime()));
        for (Object[] e : last) {
            GcInfo info = (GcInfo) e[1];
            int c = (Integer) e[0];
            record(c, info, null, seedEndsCollection(c), reflectsLiveData(names[c], null));
        }
    }

    /** Without the notification's action: does collector {@code c}'s last event end a collection? */
    private boolean seedEndsCollection(int c) {
        boolean anyCycles = false;
        for (boolean b : concurrent) {
            anyCycles |= b;
        }
        return anyCycles ? concurrent[c] : !names[c].contains("Concurrent");
    }

    @Override
    public void handleNotification(Notification n, Object handback) {
        try {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                return;
            }
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            int c = indexOf(info.getGcName());
            if (c < 0) {
                return;
            }
            GcInfo gcInfo = info.getGcInfo();
            boolean live = reflectsLiveData(info.getGcName(), info.getGcAction()) || isG1Mixed(info.getGcName(), gcInfo);
            record(c, gcInfo, info.getGcCause(), COLLECTION_ENDS.contains(info.getGcAction()), live);
        } catch (RuntimeException | LinkageError e) {
            Log.once("gc-notification", "GC notifications ignored: " + e);
        }
    }

    private int indexOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Does every collection of this collector (with this action; null: not known) leave only live
     * data, give or take what was allocated meanwhile? True for full collections ("end of major
     * GC": Serial's MarkSweepCompact, Parallel's PS MarkSweep, G1's Old Generation) and for
     * concurrent cycles that mark the whole heap (ZGC's "ZGC Cycles", generational ZGC's "ZGC Major
     * Cycles", Shenandoah's "Shenandoah Cycles"). Young collections (Copy, PS Scavenge, G1 Young
     * Generation, ZGC Minor Cycles) leave dead old-generation data in place, and G1's "G1 Concurrent
     * GC" pauses (Remark, Cleanup; JDK 20+) free only regions that are entirely empty. G1's mixed
     * collections, reported as "G1 Young Generation", are told apart by {@link #isG1Mixed}.
     */
    static boolean reflectsLiveData(String collector, String action) {
        switch (collector) {
            case "MarkSweepCompact":
            case "PS MarkSweep":
            case "G1 Old Generation":
                return action == null || action.equals("end of major GC");
            case "ZGC Cycles":
            case "ZGC Major Cycles":
            case "Shenandoah Cycles":
                return action == null || action.equals("end of GC cycle");
            default:
                return false;
        }
    }

    /**
     * Was this "G1 Young Generation" collection a mixed one (young plus old regions)? The JVM sets
     * the old pool's CollectionUsage only at the end of collections that may reclaim old regions
     * (mixed and full; on JDK 20+ also the concurrent cycle's pauses), to the very usage the
     * notification reports as after the collection; a young collection leaves it alone. So the
     * two are equal for a mixed collection, and the old generation's usage changed (a young
     * collection that promoted nothing would match the last mixed one's). Read on the
     * notification thread, a later mixed collection may have moved CollectionUsage on already:
     * that one is then missed, never a young one taken.
     */
    private boolean isG1Mixed(String collectorName, GcInfo info) {
        if (g1Old == null || !collectorName.equals("G1 Young Generation") || info == null || info.getMemoryUsageAfterGc() == null) {
            return false;
        }
        MemoryUsage after = info.getMemoryUsageAfterGc().get(G1_OLD_POOL);
        MemoryUsage collected = g1Old.getCollectionUsage();
        MemoryUsage before = info.getMemoryUsageBeforeGc() == null ? null : info.getMemoryUsageBeforeGc().get(G1_OLD_POOL);
        return after != null && collected != null && before != null && collected.getUsed() == after.getUsed()
                && collected.getCommitted() == after.getCommitted() && after.getUsed() != before.getUsed();
    }

    private void record(int c, GcInfo info, String why, boolean collectionEnd, boolean live) {
        double before = heapUsed(info.getMemoryUsageBeforeGc());
        double after = heapUsed(info.getMemoryUsageAfterGc());
        synchronized (this) {
            if (info.getId() <= lastId[c]) {
                return; // seen already (seeded and notified)
            }
            lastId[c] = info.getId();
            lastDuration[c] = info.getDuration();
            lastEnd[c] = info.getEndTime();
            String reason = ring.cause(why);
            lastCause[c] = reason;
            ring.add(info.getEndTime(), info.getDuration(), c, before, after, reason);
            if (collectionEnd && !Double.isNaN(after) && info.getEndTime() >= lastHeapAfterGcUptime) {
                lastHeapAfterGc = after;
                lastHeapAfterGcUptime = info.getEndTime();
            }
            if (live && !Double.isNaN(after) && info.getEndTime() >= lastLiveHeapUptime) {
                lastLiveHeap = after;
                lastLiveHeapUptime = info.getEndTime();
                liveCollections++;
            }
        }
    }

    private double heapUsed(Map<String, MemoryUsage> usage) {
        if (usage == null || usage.isEmpty()) {
            return Double.NaN;
        }
        long sum = 0;
        boolean any = false;
        for (Map.Entry<String, MemoryUsage> e : usage.entrySet()) {
            if (heapPools.contains(e.getKey()) && e.getValue() != null) {
                sum += e.getValue().getUsed();
                any = true;
            }
        }
        return any ? sum : Double.NaN;
    }

    /** Heap used right after the most recent collection, NaN before the first. */
    public synchronized double lastHeapAfterGc() {
        return lastHeapAfterGc;
    }

    /** JVM uptime (ms) when the collection of {@link #lastHeapAfterGc} ended, -1 before the first. */
    public synchronized long lastHeapAfterGcUptime() {
        return lastHeapAfterGcUptime;
    }

    /**
     * Heap used right after the most recent collection that reclaimed the old generation (full,
     * mixed, or a whole-heap concurrent cycle: {@link #reflectsLiveData}, {@link #isG1Mixed}), the
     * closest the JVM tells to the live data; NaN before the first.
     */
    public synchronized double lastLiveHeap() {
        return lastLiveHeap;
    }

    /** JVM uptime (ms) when the collection of {@link #lastLiveHeap} ended, -1 before the first. */
    public synchronized long lastLiveHeapUptime() {
        return lastLiveHeapUptime;
    }

    /** Collections that reclaimed the old generation, seen since the monitor was installed. */
    public synchronized long liveCollections() {
        return liveCollections;
    }

    /** Collections seen since the monitor was installed (including ones the ring no longer holds). */
    public synchronized long events() {
        return ring.events();
    }

    /** Per collector: its name, whether it reports concurrent cycles, and its last collection. */
    public synchronized List<Collector> collectors() {
        List<Collector> out = new ArrayList<>();
        for (int i = 0; i < beans.length; i++) {
            long count = -1;
            long time = -1;
            try {
                count = beans[i].getCollectionCount();
                time = beans[i].getCollectionTime();
            } catch (RuntimeException ignored) {
                // leave unknown
            }
            out.add(new Collector(names[i], concurrent[i], count, time, lastDuration[i], lastEnd[i], lastCause[i]));
        }
        return out;
    }

    /** One collector's state. Durations in ms; -1 when unknown. */
    public record Collector(String name, boolean concurrent, long count, long timeMillis, long lastDurationMillis,
                            long lastEndUptimeMillis, String lastCause) {
    }

    /**
     * The stop-the-world pauses that ended at or after {@code sinceUptimeMillis}, oldest first;
     * collections forced by a class histogram or heap dump ({@link GcEventRing#INDUCED_CAUSES}) are
     * left out.
     */
    public synchronized GcPauses pauses(long sinceUptimeMillis) {
        return ring.pauses(sinceUptimeMillis);
    }

    /**
     * The longest stop-the-world pause (ms) that ended at or after {@code sinceUptimeMillis}, -1
     * when none; forced collections ({@link GcEventRing#INDUCED_CAUSES}) are left out. Allocates nothing.
     */
    public synchronized long longestPauseSince(long sinceUptimeMillis) {
        return ring.longestPauseSince(sinceUptimeMillis);
    }

    /** One collection as notified: its collector, cause, duration (ms), end (JVM uptime ms), heap before and after (bytes, NaN unknown). */
    public record Event(String collector, boolean pause, String cause, long durationMillis, long endUptimeMillis, double heapBefore,
                        double heapAfter) {
    }

    /**
     * The most recent {@code max} collections held (of {@value GcEventRing#CAPACITY}), newest first,
     * with those a diagnostic tool forced ({@link GcEventRing#INDUCED_CAUSES}) and concurrent cycles
     * included; {@link Event#pause()} tells a stop-the-world pause of the application.
     */
    public synchronized List<Event> recent(int max) {
        return ring.recent(max);
    }
}
