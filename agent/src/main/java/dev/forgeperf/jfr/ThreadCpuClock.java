package dev.forgeperf.jfr;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import dev.forgeperf.profile.CpuCalibration;

/**
 * The CPU time of the process and of each live Java thread at one instant: two of them, at the
 * start and the end of a profile, give the {@link CpuCalibration} its CPU time is scaled to.
 *
 * <p>Carrier threads of virtual threads (JDK 21+) are left out: their CPU time is that of the
 * virtual threads they run, which JFR samples under the virtual threads' own names; counting it
 * again as the carrier's would show it twice.
 *
 * <p>Cost: one {@code getThreadCpuTime} per live thread (a clock read each) and, at the end, the
 * threads' names without stacks; memory: a few longs per thread. Thread-safe (immutable).
 */
public final class ThreadCpuClock {
    private final long epochNanos;
    private final long processCpuNanos;
    private final long[] ids;
    private final long[] cpuNanos;

    private ThreadCpuClock(long epochNanos, long processCpuNanos, long[] ids, long[] cpuNanos) {
        this.epochNanos = epochNanos;
        this.processCpuNanos = processCpuNanos;
        this.ids = ids;
        this.cpuNanos = cpuNanos;
    }

    /** When the clocks were read, in nanoseconds since the epoch. */
    public long epochNanos() {
        return epochNanos;
    }

    /** Reads the clocks now; null when this JVM does not measure thread CPU time. */
    public static ThreadCpuClock read() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!(mx instanceof com.sun.management.ThreadMXBean threads) || !mx.isThreadCpuTimeSupported() || !mx.isThreadCpuTimeEnabled()) {
            return null;
        }
        long process = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            process = os.getProcessCpuTime();
        }
        long[] ids = mx.getAllThreadIds();
        long[] cpu = threads.getThreadCpuTime(ids);
        java.time.Instant now = java.time.Instant.now();
        return new ThreadCpuClock(now.getEpochSecond() * 1_000_000_000L + now.getNano(), process, ids, cpu);
    }

    /**
     * What the process and each thread used between {@code start} and this reading; a thread that
     * started after {@code start} counts from 0, one that ended before now is not in it.
     */
    public CpuCalibration since(ThreadCpuClock start) {
        Map<Long, Long> before = new HashMap<>(start.ids.length * 2);
        for (int i = 0; i < start.ids.length; i++) {
            before.put(start.ids[i], start.cpuNanos[i]);
        }
        ThreadInfo[] infos = ManagementFactory.getThreadMXBean().getThreadInfo(ids, 0);
        Map<Long, CpuCalibration.ThreadCpu> threads = new HashMap<>(ids.length * 2);
        Set<Long> carriers = carrierIds();
        for (int i = 0; i < ids.length; i++) {
            if (cpuNanos[i] < 0 || infos[i] == null) {
                continue; // ended meanwhile
            }
            if (carriers.contains(ids[i])) {
                continue; // its CPU is its virtual threads': JFR samples them under their own names, not the carrier's
            }
            Long was = before.get(ids[i]);
            long delta = cpuNanos[i] - (was == null ? 0L : was);
            threads.put(ids[i], new CpuCalibration.ThreadCpu(infos[i].getThreadName(), Math.max(0, delta), was != null));
        }
        long process = processCpuNanos >= 0 && start.processCpuNanos >= 0 ? processCpuNanos - start.processCpuNanos : -1;
        return new CpuCalibration(start.epochNanos, epochNanos, process, threads);
    }

    /**
     * Ids of the carrier threads of virtual threads (JDK 21+: {@code jdk.internal.misc.CarrierThread}s),
     * empty before 21. Read from the live platform {@code Thread}s of the root thread group (no stacks).
     */
    static Set<Long> carrierIds() {
        Set<Long> ids = new HashSet<>();
        if (Runtime.version().feature() < 21) {
            return ids;
        }
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 16];
        int n = root.enumerate(all, true);
        for (int i = 0; i < n; i++) {
            if (all[i].getClass().getName().equals("jdk.internal.misc.CarrierThread")) {
                ids.add(all[i].getId());
            }
        }
        return ids;
    }
}
