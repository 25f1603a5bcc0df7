package dev.forgeperf.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.forgeperf.jfr.ContinuousRecording;
import dev.forgeperf.profile.JfrFile;
import dev.forgeperf.profile.JfrReader;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.OutputFormat;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileException;
import dev.forgeperf.profile.ProfileOptions;
import dev.forgeperf.profile.ProfileOutput;
import dev.forgeperf.runtime.HeapGuard;
import dev.forgeperf.snapshot.SnapshotLayout;
import dev.forgeperf.snapshot.SnapshotWriter;
import dev.forgeperf.util.AtomicFiles;

/**
 * {@code snapshotOnExit=DIR}: at JVM exit, writes a snapshot of what the agent holds into
 * {@code DIR/<pid>-<yyyyMMdd-HHmmss>/}, so short-lived programs can be timed and profiled too:
 * timings, metrics, threads, and from the continuous recording of the whole run (which JFR's own
 * shutdown hook writes out, see {@link ContinuousRecording#writeAtExit}) {@code recording.jfr} and
 * the CPU, allocation and lock profiles as pprof ({@code cpu.pb.gz}, …) and flame graphs
 * ({@code cpu.html}, …). The folder appears complete or not at all.
 *
 * <p>Exit is not held up without bound: the wait for JFR's hook and the profile analysis each get
 * at most {@link #BUDGET_MILLIS}; the analysis first checks the free heap ({@link HeapGuard}) and
 * is left out, with the reason in the manifest, when either does not fit.
 */
final class ExitSnapshot {
    /** The most the wait for the recording, and then the analysis, may each take. */
    static final long BUDGET_MILLIS = 30_000;
    /** The name of JDK's JFR shutdown hook thread (jdk.jfr.internal.ShutdownHook). */
    private static final String JFR_HOOK = "JFR Shutdown Hook";

    /** Why the exit snapshot's CPU profile stays an estimate (said in its comments). */
    static final String NOT_CALIBRATED_AT_EXIT = "exit snapshot: the CPU time cannot be calibrated for the whole run: threads that ended"
            + " before the JVM's exit (main among them) have no CPU clock left to read; `snapshot PID` and `profile cpu` on a live JVM are calibrated";

    private ExitSnapshot() {
    }

    static Path write(Path dir, Agent agent) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(agent.pid() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        ContinuousRecording r = agent.recording();
        SnapshotWriter w = agent.snapshotWriter(false);
        w.add("recording", d -> recording(r, d));
        w.add("profiles", ExitSnapshot::profiles);
        w.write(target, null);
        return target;
    }

    /** {@code recording.jfr}: the whole continuous recording, as JFR wrote it at exit. */
    private static void recording(ContinuousRecording r, Path dir) throws Exception {
        if (r == null) {
            throw new IllegalStateException("the continuous recording is off (jfr=off)");
        }
        Path file = r.exitFile();
        if (file == null) {
            throw new IllegalStateException("the continuous recording has no private repository to be written to at exit");
        }
        awaitJfrHook(r, file, System.nanoTime() + BUDGET_MILLIS * 1_000_000L);
        try {
            JfrFile.check(file);
        } catch (ProfileException e) {
            throw new IllegalStateException("the recording JFR wrote at exit is incomplete: " + e.getMessage());
        }
        Files.copy(file, dir.resolve(SnapshotLayout.RECORDING));
    }

    /**
     * Waits until JFR's shutdown hook (started beside ours; it writes dump-on-exit recordings) has
     * written {@code file} and ended, until {@code deadline}.
     */
    private static void awaitJfrHook(ContinuousRecording r, Path file, long deadline) throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            Thread hook = jfrHook();
            if (hook != null) {
                hook.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
                if (hook.isAlive()) {
                    throw new IllegalStateException("JFR was still writing the recording after " + BUDGET_MILLIS / 1000 + " s at exit");
                }
                continue;
            }
            boolean written = Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (written) {
                return;
            }
            // JFR's hook may not have started yet; a recording that is not running will not be written
            if (System.nanoTime() > deadline || (!r.running() && System.nanoTime() - start > 2_000_000_000L)) {
                throw new IllegalStateException("JFR did not write the recording at exit (it was " + r.describe() + ")");
            }
            Thread.sleep(20);
        }
    }

    private static Thread jfrHook() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(JFR_HOOK) && t != Thread.currentThread() && t.isAlive()) {
                return t;
            }
        }
        return null;
    }

    /**
     * The run's profiles from {@code recording.jfr}: pprof and flame graph per kind, built on a
     * daemon thread in a folder of their own and moved in when done within the budget.
     */
    private static void profiles(Path dir) throws Exception {
        Path source = dir.resolve(SnapshotLayout.RECORDING);
        if (!Files.exists(source)) {
            throw new IllegalStateException("no recording to build profiles from (see the recording part)");
        }
        HeapGuard.require("the exit profiles", HeapGuard.analysisNeed(Files.size(source)),
                "build them outside the JVM: `forge-perf convert recording.jfr -o cpu.html` in the snapshot folder");
        Path work = Files.createDirectory(dir.resolve(".profiles"));
        List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
        Throwable[] ioFailure = {null};
        Thread builder = new Thread(() -> {
            for (Map.Entry<String, Kind> p : SnapshotLayout.PROFILES.entrySet()) {
                String base = p.getKey().substring(0, p.getKey().indexOf('.'));
                try {
                    Profile profile = JfrReader.read(source, p.getValue(), ProfileOptions.DEFAULT);
                    if (p.getValue() == Kind.CPU) {
                        profile.addComment(NOT_CALIBRATED_AT_EXIT);
                    }
                    ProfileOutput.write(profile, work.resolve(p.getKey()), OutputFormat.PPROF, base + " profile of the whole run");
                    ProfileOutput.write(profile, work.resolve(base + ".html"), OutputFormat.HTML, base + " profile of the whole run (pid "
                            + ProcessHandle.current().pid() + ")");
                } catch (IOException e) {
                    ioFailure[0] = e;
                    return;
                } catch (Exception | LinkageError e) {
                    failed.add(p.getKey() + ": " + e.getMessage());
                }
            }
        }, "forge-perf-exit-profiles");
        builder.setDaemon(true);
        builder.start();
        builder.join(BUDGET_MILLIS);
        if (builder.isAlive()) {
            AtomicFiles.deleteTree(work);
            throw new IllegalStateException("the profiles took more than " + BUDGET_MILLIS / 1000 + " s at exit and were left out; "
                    + "build them outside the JVM: `forge-perf convert recording.jfr -o cpu.html` in the snapshot folder");
        }
        if (ioFailure[0] != null) {
            throw (IOException) ioFailure[0];
        }
        try (var files = Files.newDirectoryStream(work)) {
            for (Path f : files) {
                Files.move(f, dir.resolve(f.getFileName()));
            }
        }
        Files.delete(work);
        if (!failed.isEmpty()) {
            throw new IllegalStateException(String.join("; ", failed));
        }
    }
}
