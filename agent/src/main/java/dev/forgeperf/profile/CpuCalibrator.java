package dev.forgeperf.profile;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

import dev.forgeperf.util.Units;

/**
 * Scales a CPU profile's sampled time to the CPU time its threads were measured to use
 * ({@link CpuCalibration}): JFR's execution sampler takes a few threads per period, runnable ones
 * too, so its counts alone can be off by a large factor; the threads' own CPU clocks are not.
 *
 * <p>Input: the raw cpu profile of a {@link JfrReader} read with calibration on: one root per
 * sampled thread, whose function's file is {@value #TID_PREFIX} and the thread's Java id (none for a
 * thread without one), and under it the samples' stacks, with the sampled nanoseconds in column 1
 * and the samples in column 0; samples the include/exclude filters dropped sit under the root's
 * {@code filteredFrame} child, so that they still count for their thread's scale but are not shown.
 *
 * <p>Output: a new profile of the kind's sample types: per thread its stacks scaled by
 * measured / sampled (threads measured but never sampled, and the process's CPU time in no Java thread
 * of the profile, as nodes of their own unless a filter is set), the per-thread roots only with
 * {@link ProfileOptions#threads()}, and comments that say how much was scaled.
 *
 * <p>Stateless; the input profile is read, never changed. Called once per read, after the last chunk.
 */
final class CpuCalibrator {
    /** The file name of a thread root while calibrating: this and the Java thread id. */
    static final String TID_PREFIX = "#tid:";
    /** The frame of a calibrated profile's CPU time of a thread that was never sampled. */
    static final String UNSAMPLED = "[CPU time without samples]";
    /** The frame of the process's CPU time outside the profiled Java threads. */
    static final String OTHER_CPU = "[JVM threads (GC, JIT, JFR), forge-perf's own and ended threads]";

    private CpuCalibrator() {
    }

    /**
     * Copies {@code in}, a profile with one root per thread (see the class comment), into {@code out}
     * (same sample types): the per-thread roots become named thread roots with {@code threads}, else
     * go; the samples the filters dropped (under {@code filteredFrame}) are left out; column
     * {@code scaledColumn} of each node is multiplied by its thread root's {@code factor} (null: copied as is).
     *
     * @param rootOf per node of {@code in}, its thread root
     */
    static void copyWithoutThreadRoots(Profile in, Profile out, boolean threads, int filteredFrame, int[] rootOf, double[] factor, int scaledColumn) {
        int n = in.nodeCount();
        int[] frameMap = new int[in.frameCount()];
        Arrays.fill(frameMap, -1);
        int[] nodeMap = new int[n];
        int width = in.sampleTypes().size();
        for (int x = 1; x < n; x++) {
            int parent = in.parent(x);
            int frame = in.nodeFrame(x);
            if (frame == filteredFrame || nodeMap[parent] < 0) {
                nodeMap[x] = -1; // samples the filters drop: they count for their thread's scale only
                continue;
            }
            if (parent == Profile.ROOT) {
                nodeMap[x] = threads ? out.child(Profile.ROOT, out.frame(out.function(in.frameName(frame), ""), 0, FrameKind.THREAD)) : Profile.ROOT;
            } else {
                if (frameMap[frame] < 0) {
                    int fn = in.frameFunction(frame);
                    frameMap[frame] = out.frame(out.function(in.string(in.functionName(fn)), in.string(in.functionFile(fn))),
                            in.frameLine(frame), in.frameKind(frame));
                }
                nodeMap[x] = out.child(nodeMap[parent], frameMap[frame]);
            }
            for (int t = 0; t < width; t++) {
                long v = in.value(x, t);
                out.add(nodeMap[x], t, factor != null && t == scaledColumn ? Math.round(v * factor[rootOf[x]]) : v);
            }
        }
    }

    /** Per node of {@code in} (one root per thread), its thread root: the ancestor right under {@link Profile#ROOT}. */
    static int[] threadRoots(Profile in) {
        int n = in.nodeCount();
        int[] rootOf = new int[n];
        for (int x = 1; x < n; x++) { // a parent's number is below its children's
            int parent = in.parent(x);
            rootOf[x] = parent == Profile.ROOT ? x : rootOf[parent];
        }
        return rootOf;
    }

    /**
     * Scales each thread's sampled CPU time to the CPU time it was measured to use, drops the
     * per-thread roots unless asked for, and shows the process's CPU time that no sampled thread
     * accounts for (threads without samples, the JVM's own threads) as nodes of their own.
     *
     * @param in            a raw cpu profile read with one root per thread (see the class comment), its
     *                      sampled nanoseconds in column 1; left as it was
     * @param filteredFrame the frame of {@code in} under which samples the filters dropped were counted
     * @return a new profile of {@code kind}'s sample types, with {@code in}'s comments and the calibration's
     */
    static Profile calibrate(Profile in, CpuCalibration cal, Kind kind, ProfileOptions options, int filteredFrame) {
        Profile out = new Profile(kind.sampleTypes(), kind.primary());
        int n = in.nodeCount();
        int[] rootOf = threadRoots(in);
        long[] sampled = new long[n];
        for (int x = 1; x < n; x++) {
            sampled[rootOf[x]] += in.value(x, 1);
        }
        double[] factor = new double[n];
        java.util.Set<Long> seen = new java.util.HashSet<>();
        long sampledTotal = 0;
        long measuredTotal = 0;
        int scaled = 0;
        int unmatched = 0;
        for (int x = 1; x < n; x++) {
            if (in.parent(x) != Profile.ROOT) {
                continue;
            }
            String file = in.string(in.functionFile(in.frameFunction(in.nodeFrame(x))));
            long tid = file.startsWith(TID_PREFIX) ? Long.parseLong(file.substring(TID_PREFIX.length())) : -1;
            CpuCalibration.ThreadCpu t = tid > 0 ? cal.threads().get(tid) : null;
            factor[x] = 1;
            if (sampled[x] == 0) {
                continue;
            }
            if (t != null) {
                factor[x] = t.cpuNanos() / (double) sampled[x];
                seen.add(tid);
                scaled++;
                sampledTotal += sampled[x];
                measuredTotal += t.cpuNanos();
            } else {
                unmatched++;
            }
        }
        copyWithoutThreadRoots(in, out, options.threads(), filteredFrame, rootOf, factor, 1);
        boolean threads = options.threads();
        boolean filtered = options.include() != null || options.exclude() != null;
        long unsampled = 0;
        int unsampledThreads = 0;
        long attributed = 0;
        for (Map.Entry<Long, CpuCalibration.ThreadCpu> e : cal.threads().entrySet()) {
            CpuCalibration.ThreadCpu t = e.getValue();
            if (seen.contains(e.getKey()) || t.cpuNanos() <= 0 || t.name() == null || t.name().startsWith(JfrReader.AGENT_THREAD_PREFIX)) {
                continue;
            }
            unsampled += t.cpuNanos();
            unsampledThreads++;
            if (!filtered) {
                int root = threads ? out.child(Profile.ROOT, out.frame(out.function("[" + t.name() + "]", ""), 0, FrameKind.THREAD)) : Profile.ROOT;
                out.add(out.child(root, out.frame(out.function(UNSAMPLED, ""), 0, FrameKind.OTHER)), 1, t.cpuNanos());
            }
        }
        attributed = out.total(1) - (filtered ? 0 : unsampled);
        in.comments().forEach(out::addComment);
        String fmt = "calibrated: each thread's samples scaled to the CPU time the thread used over the window (ThreadMXBean): %d threads,"
                + " sampled %s, measured %s (x%.2f)";
        out.addComment(String.format(Locale.ROOT, fmt, scaled, Units.value(sampledTotal, "nanoseconds"), Units.value(measuredTotal, "nanoseconds"),
                sampledTotal == 0 ? 0.0 : measuredTotal / (double) sampledTotal));
        if (unmatched > 0) {
            out.addComment(unmatched + " sampled threads not measured (started and ended within the window): their samples are not scaled");
        }
        if (unsampledThreads > 0) {
            out.addComment(unsampledThreads + " threads used " + Units.value(unsampled, "nanoseconds")
                    + " of CPU time but were never sampled" + (filtered ? " (not shown: a filter is set)" : ": shown as " + UNSAMPLED));
        }
        if (cal.processCpuNanos() >= 0 && !filtered) {
            long rest = cal.processCpuNanos() - attributed - unsampled;
            if (rest > 0) {
                int root = threads ? out.child(Profile.ROOT, out.frame(out.function(OTHER_CPU, ""), 0, FrameKind.THREAD)) : Profile.ROOT;
                out.add(out.child(root, out.frame(out.function(OTHER_CPU, ""), 0, FrameKind.OTHER)), 1, rest);
            }
            out.addComment("process CPU time (OS) " + Units.value(cal.processCpuNanos(), "nanoseconds")
                    + (rest > 0 ? "; " + Units.value(rest, "nanoseconds") + " of it in no Java thread of the profile: shown as " + OTHER_CPU : ""));
        }
        return out;
    }
}
