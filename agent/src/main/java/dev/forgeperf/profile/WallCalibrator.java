package dev.forgeperf.profile;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import dev.forgeperf.util.Units;
import dev.forgeperf.util.Words;

/**
 * Scales the running part of a wall profile, per thread, to the time the thread did not wait. JFR's
 * sampler stops a thread to walk its stack and gives up after 2 ms when it does not stop, which a
 * thread waiting for a CPU cannot, and takes one native-method sample per period among all threads
 * in native code: on busy cores a running thread's samples add up to its time on a CPU or less, far
 * below its wall time. Its waits are measured in full (a focused wall recording records every wait
 * from 0 ms, and those still going on at the end come from a thread dump), so for a thread that
 * lived through the whole window, its running time is the window less its waits: at least its CPU
 * time (ThreadMXBean, {@link CpuCalibration}), at most the window.
 *
 * <p>Input: the raw wall profile of a reader that calibrates (one root per Java thread, its id in the
 * root's file, {@link CpuCalibrator#TID_PREFIX}), its waits (those in progress too, and those the
 * filters drop) in the off-CPU column. Each thread's execution samples and their nanoseconds are
 * multiplied by (window − waits, within [CPU time, window]) / sampled running nanoseconds. Kept as
 * sampled, and counted in the returned sentence: threads that started or ended in the window, or
 * that the clocks did not see (virtual threads); and threads with native-method samples: the
 * recording has no event for a thread blocked in native code (a socket read, {@code epoll_wait}), so
 * the window less its waits would hold that blocked time too, and JFR samples native code too thinly
 * (one thread per period) to tell how much; scaling its Java frames by it would overstate them.
 *
 * <p>Stateless; changes the profile given in place. Called once per read, after the last chunk and
 * the waits in progress, before the raw columns become the kind's sample types.
 */
final class WallCalibrator {
    private WallCalibrator() {
    }

    /**
     * Scales the running samples of each thread that lived through the window, as described above.
     *
     * @param raw          the raw wall profile, one root per thread
     * @param windowNanos  the window's length (the recording's, over which waits were cut)
     * @param samples      the columns of running samples (execution, native)
     * @param nanos        the columns of their nanoseconds, in the same order
     * @param nativeSamples the column of native-method samples (a thread with any is kept as sampled)
     * @param offCpu       the column of waits' nanoseconds
     * @return how many threads were scaled, and the sentence for the profile's header
     */
    static Result scaleRunning(Profile raw, CpuCalibration cal, long windowNanos, int[] samples, int[] nanos, int nativeSamples, int offCpu) {
        long window = windowNanos > 0 ? windowNanos : cal.endEpochNanos() - cal.startEpochNanos();
        int n = raw.nodeCount();
        int[] rootOf = CpuCalibrator.threadRoots(raw);
        long[] tidOfRoot = new long[n];
        Map<Long, long[]> perThread = new HashMap<>(); // tid -> {running nanos, waiting nanos, native samples}
        for (int x = 1; x < n; x++) {
            if (raw.parent(x) == Profile.ROOT) {
                String file = raw.string(raw.functionFile(raw.frameFunction(raw.nodeFrame(x))));
                tidOfRoot[x] = file.startsWith(CpuCalibrator.TID_PREFIX) ? Long.parseLong(file.substring(CpuCalibrator.TID_PREFIX.length())) : -1;
            }
            long tid = tidOfRoot[rootOf[x]];
            if (tid <= 0) {
                continue;
            }
            long running = 0;
            for (int c : nanos) {
                running += raw.value(x, c);
            }
            long[] t = perThread.computeIfAbsent(tid, k -> new long[3]);
            t[0] += running;
            t[1] += raw.value(x, offCpu);
            t[2] += raw.value(x, nativeSamples);
        }
        Map<Long, Double> factor = new HashMap<>();
        long sampledTotal = 0;
        long scaledTotal = 0;
        int kept = 0;
        int inNative = 0;
        for (Map.Entry<Long, long[]> e : perThread.entrySet()) {
            CpuCalibration.ThreadCpu t = cal.threads().get(e.getKey());
            long running = e.getValue()[0];
            if (running <= 0) {
                continue;
            }
            if (t == null || !t.wholeWindow()) {
                kept++;
                continue;
            }
            if (e.getValue()[2] > 0) {
                inNative++;
                continue;
            }
            long target = Math.min(window, Math.max(t.cpuNanos(), window - e.getValue()[1]));
            factor.put(e.getKey(), target / (double) running);
            sampledTotal += running;
            scaledTotal += target;
        }
        for (int x = 1; x < n; x++) {
            Double f = factor.get(tidOfRoot[rootOf[x]]);
            if (f == null) {
                continue;
            }
            for (int[] columns : new int[][] {samples, nanos}) { // the native columns of a scaled thread are 0
                for (int c : columns) {
                    long v = raw.value(x, c);
                    if (v != 0) {
                        raw.add(x, c, Math.round(v * f) - v);
                    }
                }
            }
        }
        String keptText = (kept == 0 ? "" : "; " + Words.count(kept, "thread") + " that started or ended in the window (or virtual) kept as sampled")
                + (inNative == 0 ? "" : "; " + Words.count(inNative, "thread") + " with native-method samples kept as sampled (no event measures"
                        + " time blocked in native code)");
        return new Result(factor.size(), String.format(Locale.ROOT, "calibrated: each running thread's samples scaled to the wall time it did not"
                + " wait (the window less its measured waits, at least its CPU time from ThreadMXBean): %s, sampled %s, scaled to %s (x%.2f)%s",
                Words.count(factor.size(), "thread"), Units.value(sampledTotal, "nanoseconds"), Units.value(scaledTotal, "nanoseconds"),
                sampledTotal == 0 ? 0.0 : scaledTotal / (double) sampledTotal, keptText));
    }

    /** How many threads were scaled, and the sentence that says so. */
    record Result(int scaled, String sentence) {
    }
}
