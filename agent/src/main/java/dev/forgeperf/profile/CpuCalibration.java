package dev.forgeperf.profile;

import java.util.Map;

/**
 * The CPU time a process and its Java threads were measured to use over a profile's window: what a
 * CPU profile's sampled time is scaled to (see {@link JfrReader}). JFR's execution sampler takes at
 * most a few threads per period and also samples threads that are runnable but not on a CPU, so its
 * sample counts alone can be off by a large factor; the threads' own CPU clocks are not.
 *
 * @param startEpochNanos  start of the window (nanoseconds since the epoch)
 * @param endEpochNanos    end of the window
 * @param processCpuNanos  CPU time (user + system) the OS accounted to the whole process in the window; -1 unknown
 * @param threads          per Java thread id: its name and the CPU time it used in the window (threads that
 *                         started in the window count from 0)
 */
public record CpuCalibration(long startEpochNanos, long endEpochNanos, long processCpuNanos, Map<Long, ThreadCpu> threads) {
    /** One thread's name and CPU time in the window. */
    public record ThreadCpu(String name, long cpuNanos) {
    }

    public CpuCalibration {
        threads = Map.copyOf(threads);
    }
}
