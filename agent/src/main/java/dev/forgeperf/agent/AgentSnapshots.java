package dev.forgeperf.agent;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.forgeperf.jfr.ContinuousRecording;
import dev.forgeperf.profile.CpuCalibration;
import dev.forgeperf.profile.JfrFile;
import dev.forgeperf.report.Report;
import dev.forgeperf.runtime.HeapGuard;
import dev.forgeperf.snapshot.SnapshotLayout;
import dev.forgeperf.snapshot.SnapshotParts;
import dev.forgeperf.snapshot.SnapshotWriter;
import dev.forgeperf.util.Log;

/**
 * The snapshot writers this agent gives out (the {@code snapshot} command, triggers, profiling
 * sessions, the exit snapshot): which parts a snapshot folder gets, and from where. Always the
 * metrics and threads (and the timings, from the writer itself); with {@code full}: the class
 * histogram, the continuous recording's dump, the profiles built from it (or from a recording made
 * for the snapshot), with CPU calibrated from the thread CPU readings of the window when they cover
 * it, the heap dump when asked, and the reports last. Each heavy part first checks the free heap
 * ({@link HeapGuard}) and is left out, with the reason, rather than push the host into OOM.
 * Stateless and thread-safe: a writer is made per snapshot and reads the recording in force when made.
 */
final class AgentSnapshots {
    private AgentSnapshots() {
    }

    /**
     * A snapshot writer.
     *
     * @param full false at JVM exit: only the parts that are quick and safe during shutdown
     * @param profile a recording made for the snapshot ({@code --profile}) to build the profiles
     *     from, or null to use the continuous recording's last minutes
     * @param calibration the CPU time the threads used while {@code profile} was recorded, or null
     * @param heap whether to add {@code heap.hprof}
     * @param progress told about long steps (heap dump size), may be null
     */
    static SnapshotWriter writer(Agent agent, boolean full, Path profile, CpuCalibration calibration, boolean heap,
            java.util.function.LongConsumer progress) {
        SnapshotWriter w = new SnapshotWriter(agent.pid(), agent::timing);
        w.add("metrics", dir -> SnapshotParts.metrics(dir));
        w.add("threads", dir -> SnapshotParts.threads(dir));
        if (!full) {
            return w;
        }
        ContinuousRecording r = agent.jfr;
        // from the continuous recording: the CPU profile covers the window of the thread CPU readings, ending right before the dump
        java.util.concurrent.atomic.AtomicReference<CpuCalibration> measured = new java.util.concurrent.atomic.AtomicReference<>(calibration);
        w.add("histogram", dir -> {
            HeapGuard.require("the class histogram", HeapGuard.HISTOGRAM_BYTES,
                    "take it later with `forge-perf dump histogram`");
            SnapshotParts.histogram(dir);
        });
        w.add("recording", dir -> {
            if (r == null) {
                throw new IllegalStateException("the continuous recording is off (jfr=off)");
            }
            if (!r.running()) {
                throw new IllegalStateException("the continuous recording is " + r.describe());
            }
            if (profile == null) {
                try {
                    measured.set(agent.cpuAnchors.sinceOldest(SnapshotParts.PROFILE_WINDOW, r.startEpochNanos()));
                } catch (RuntimeException | LinkageError e) {
                    Log.failureOnce("snapshot-cpu-calibration", "snapshot CPU profiles stay estimates (thread CPU time unreadable)", e);
                }
            }
            r.dump(dir.resolve(SnapshotLayout.RECORDING), null);
        });
        w.add("profiles", dir -> {
            Path source = profile != null ? profile : dir.resolve(SnapshotLayout.RECORDING);
            long bytes = java.nio.file.Files.exists(source) ? java.nio.file.Files.size(source) : 0;
            HeapGuard.require("the profiles", HeapGuard.analysisNeed(bytes),
                    "build them outside the JVM: `forge-perf convert " + source.getFileName() + "` in the snapshot folder");
            CpuCalibration cal = measured.get();
            if (profile == null && cal != null && Files.exists(source) && JfrFile.check(source).startEpochNanos() > cal.startEpochNanos()) {
                cal = null; // the recording lost the window's start (a short jfr.maxage): CPU stays an estimate, as the profile says
            }
            SnapshotParts.profiles(dir, profile, cal);
        });
        if (heap) {
            w.add("heap", dir -> SnapshotParts.heap(dir, progress));
        }
        w.addFinal("reports", dir -> {
            HeapGuard.require("the reports", HeapGuard.REPORTS_BYTES,
                    "write them outside the JVM with `forge-perf report` on the snapshot folder");
            Report.writeAll(dir);
        });
        return w;
    }
}
