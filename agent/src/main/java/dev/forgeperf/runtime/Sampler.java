package dev.forgeperf.runtime;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.forgeperf.util.Log;

/**
 * Reads the platform MXBeans into one {@link SampleRing} slot per call. The beans are looked up
 * once; a sample is a few dozen getter calls, a few small transient objects (the JDK's
 * {@code MemoryUsage} answers) and no allocation of its own. The whole tick's cost (time and bytes
 * allocated by the sampling thread, the listener's work included) is measured on every call and
 * reported by {@link #stats}.
 */
final class Sampler implements Runnable {
    private final SampleRing ring;
    private final GcMonitor gc;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    private final ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.ThreadMXBean sunThreads;
    private final com.sun.management.OperatingSystemMXBean os;
    private final MemoryPoolMXBean metaspace;
    private final GarbageCollectorMXBean[] pausing;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private final boolean allocationCounted;
    private final ProcStat procStat = ProcStat.open();
    private final double[] sample = new double[Series.count()];
    private volatile SampleListener listener;
    static final int WARMUP = 10;

    private long prevNanos = -1;
    private long prevCpuNanos = -1;
    private double prevPauseMillis;
    private double prevAllocated;

    private long samples;
    private long totalCostNanos;
    private long maxCostNanos;
    private long lastCostNanos;
    private long totalAllocatedBySampler;
    private long lastAllocatedBySampler;

    Sampler(SampleRing ring, GcMonitor gc) {
        this.ring = ring;
        this.gc = gc;
        this.sunThreads = threads instanceof com.sun.management.ThreadMXBean ? (com.sun.management.ThreadMXBean) threads : null;
        java.lang.management.OperatingSystemMXBean o = ManagementFactory.getOperatingSystemMXBean();
        this.os = o instanceof com.sun.management.OperatingSystemMXBean ? (com.sun.management.OperatingSystemMXBean) o : null;
        MemoryPoolMXBean meta = null;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getName().equals("Metaspace")) {
                meta = p;
            }
        }
        this.metaspace = meta;
        List<GarbageCollectorMXBean> p = new ArrayList<>();
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!GcMonitor.isConcurrent(b.getName())) {
                p.add(b);
            }
        }
        this.pausing = p.toArray(new GarbageCollectorMXBean[0]);
        boolean counted = false;
        try {
            counted = sunThreads != null && sunThreads.isThreadAllocatedMemorySupported() && sunThreads.isThreadAllocatedMemoryEnabled();
        } catch (RuntimeException ignored) {
            // not available
        }
        this.allocationCounted = counted;
    }

    @Override
    public void run() {
        try {
            sample();
        } catch (RuntimeException | LinkageError e) {
            Log.once("sampler", "runtime sampler: a sample failed, continuing: " + e);
        } catch (OutOfMemoryError full) {
            // the application's heap is full: skip this sample, keep the thread (a periodic task that throws is never run again)
            try {
                Log.once("sampler-heap", "runtime sampler: a sample ran out of heap, continuing (OutOfMemoryError)");
            } catch (Throwable stillFull) {
                // said next time
            }
        }
    }

    /** Takes one sample into the ring. */
    void sample() {
        long start = System.nanoTime();
        long allocStart = allocationCounted ? sunThreads.getCurrentThreadAllocatedBytes() : 0;
        double[] v = sample;
        Arrays.fill(v, Double.NaN);

        MemoryUsage heap = memory.getHeapMemoryUsage();
        v[Series.HEAP_USED.ordinal()] = heap.getUsed();
        v[Series.HEAP_COMMITTED.ordinal()] = heap.getCommitted();
        v[Series.HEAP_MAX.ordinal()] = heap.getMax() < 0 ? Double.NaN : heap.getMax();
        if (gc != null) {
            v[Series.HEAP_AFTER_GC.ordinal()] = gc.lastHeapAfterGc();
            long at = gc.lastHeapAfterGcUptime();
            v[Series.LAST_GC_UPTIME.ordinal()] = at < 0 ? Double.NaN : at;
            v[Series.HEAP_LIVE.ordinal()] = gc.lastLiveHeap();
            long liveAt = gc.lastLiveHeapUptime();
            v[Series.LIVE_GC_UPTIME.ordinal()] = liveAt < 0 ? Double.NaN : liveAt;
        }
        v[Series.NON_HEAP_USED.ordinal()] = memory.getNonHeapMemoryUsage().getUsed();
        if (metaspace != null) {
            v[Series.METASPACE_USED.ordinal()] = metaspace.getUsage().getUsed();
        }
        v[Series.THREADS.ordinal()] = threads.getThreadCount();
        v[Series.DAEMON_THREADS.ordinal()] = threads.getDaemonThreadCount();
        v[Series.CLASSES_LOADED.ordinal()] = classes.getLoadedClassCount();
        v[Series.CLASSES_UNLOADED.ordinal()] = classes.getUnloadedClassCount();

        long pauses = 0;
        long pauseMillis = 0;
        for (GarbageCollectorMXBean b : pausing) {
            pauses += Math.max(0, b.getCollectionCount());
            pauseMillis += Math.max(0, b.getCollectionTime());
        }
        v[Series.GC_PAUSES.ordinal()] = pauses;
        v[Series.GC_PAUSE_TIME.ordinal()] = pauseMillis;

        long now = System.nanoTime();
        double elapsedMillis = prevNanos < 0 ? Double.NaN : (now - prevNanos) / 1e6;
        if (elapsedMillis > 0) {
            v[Series.GC_CPU.ordinal()] = Math.min(1, Math.max(0, pauseMillis - prevPauseMillis) / elapsedMillis);
        }
        if (os != null) {
            long cpu = os.getProcessCpuTime();
            if (cpu >= 0 && prevCpuNanos >= 0 && elapsedMillis > 0) {
                v[Series.PROCESS_CPU.ordinal()] = Math.min(1, Math.max(0, cpu - prevCpuNanos) / (elapsedMillis * 1e6 * cores));
            }
            prevCpuNanos = cpu;
        }
        if (procStat != null) {
            v[Series.SYSTEM_CPU.ordinal()] = procStat.busySinceLastCall();
        }
        if (allocationCounted) {
            double allocated = sunThreads.getTotalThreadAllocatedBytes();
            if (allocated >= 0) {
                v[Series.ALLOCATED.ordinal()] = allocated;
                if (elapsedMillis > 0 && prevAllocated > 0) {
                    v[Series.ALLOCATION_RATE.ordinal()] = Math.max(0, allocated - prevAllocated) * 1000.0 / elapsedMillis;
                }
                prevAllocated = allocated;
            }
        }
        prevNanos = now;
        prevPauseMillis = pauseMillis;
        long uptime = runtime.getUptime();
        ring.add(System.currentTimeMillis(), uptime, v);
        // the listener's work (CPU anchors, per-interval timing history, triggers) is part of the tick's cost
        SampleListener l = listener;
        if (l != null) {
            try {
                l.sampled(uptime, v);
            } catch (RuntimeException | LinkageError e) {
                Log.once("sample-listener", "runtime sampler: a listener failed, continuing: " + e);
            }
        }

        long cost = System.nanoTime() - start;
        long allocated = allocationCounted ? sunThreads.getCurrentThreadAllocatedBytes() - allocStart : 0;
        synchronized (this) {
            samples++;
            lastCostNanos = cost;
            lastAllocatedBySampler = allocated;
            if (samples > WARMUP) {
                totalCostNanos += cost;
                maxCostNanos = Math.max(maxCostNanos, cost);
                totalAllocatedBySampler += allocated;
            }
        }
    }

    /** Sets the one listener told about each sample (null: none). */
    void setListener(SampleListener l) {
        listener = l;
    }

    /** Releases the sampler's file handle. */
    void close() {
        if (procStat != null) {
            procStat.close();
        }
    }

    /** The ticks' cost so far, listener included (mean and max leave out the first {@value #WARMUP} samples: class loading, JIT). */
    synchronized Stats stats() {
        long steady = samples - WARMUP;
        return new Stats(samples, steady <= 0 ? -1 : totalCostNanos / steady, steady <= 0 ? -1 : maxCostNanos, lastCostNanos,
                steady <= 0 || !allocationCounted ? -1 : totalAllocatedBySampler / steady, allocationCounted ? lastAllocatedBySampler : -1);
    }

    /** Cost per sample: nanoseconds and bytes allocated by the sampling thread (-1: not known yet or not measurable). */
    record Stats(long samples, long meanNanos, long maxNanos, long lastNanos, long meanAllocatedBytes, long lastAllocatedBytes) {
    }
}
