package dev.forgeperf.profile;

import java.util.Map;

/**
 * The CPU time a process and its Java threads were measured to use over a profile's window: what a
 * CPU profile's sampled time is scaled to (see {@link JfrReader}). JFR's execution sampler takes at
 * most a few threads per period and also samples threads that are runnable but not on a CPU, so its
 * sample counts alone can be off by a large factor; the threads' own CPU clocks are not. A wall
 * profile uses the same readings for the threads alive through the whole window ({@link WallCalibrator}).
 *
 * @param startEpochNanos  start of the window (nanoseconds since the epoch)
 * @param endEpochNanos    end of the window
 * @param processCpuNanos  CPU time (user + system) the OS accounted to the whole process in the window; -1 unknown
 * @param threads          per Java thread id: its name, the CPU time it used in the window (threads that
 *                         started in the window count from 0) and whether it was alive at the start
 */
public record CpuCalibration(long startEpochNanos, long endEpochNanos, long processCpuNanos, Map<Long, ThreadCpu> threads) {
    /** One thread's name, CPU time in the window, and whether it was alive when the window started (then it lived through all of it). */
    public record ThreadCpu(String name, long cpuNanos, boolean wholeWindow) {
        /** A thread not known to have lived through the whole window. */
        public ThreadCpu(String name, long cpuNanos) {
            this(name, cpuNanos, false);
        }
    }

    public CpuCalibration {
        threads = Map.copyOf(threads);
    }
}
