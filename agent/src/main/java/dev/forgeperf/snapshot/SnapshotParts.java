package dev.forgeperf.snapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.forgeperf.jfr.LiveSamples;
import dev.forgeperf.profile.CpuCalibration;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.OutputFormat;
import dev.forgeperf.profile.ProfileOptions;
import dev.forgeperf.profile.ProfileOutput;
import dev.forgeperf.runtime.ClassHistogram;
import dev.forgeperf.runtime.Health;
import dev.forgeperf.runtime.HeapDump;
import dev.forgeperf.runtime.History;
import dev.forgeperf.runtime.RuntimeMetrics;
import dev.forgeperf.runtime.RuntimeService;
import dev.forgeperf.runtime.ThreadDump;
import dev.forgeperf.runtime.VirtualThreads;
import dev.forgeperf.util.Json;

/** The parts of a snapshot, each writing its files into the snapshot's folder. */
public final class SnapshotParts {
    /** Profiles built from the continuous recording cover this much of its end. */
    public static final java.time.Duration PROFILE_WINDOW = java.time.Duration.ofMinutes(5);

    private SnapshotParts() {
    }

    /**
     * {@code metrics.json}: current metrics, the sampler's history and the health verdict; the
     * verdict judges the very metrics written beside it (read once).
     */
    public static void metrics(Path dir) throws Exception {
        RuntimeService service = RuntimeService.get();
        RuntimeMetrics now = RuntimeMetrics.collect();
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> current = now.toMap();
        LiveSamples.addSitesToHeapFinding(current.get("findings"));
        m.put("current", current);
        m.put("history", History.current());
        m.put("health", Health.evaluate(now, service.settings()).toMap());
        Files.writeString(dir.resolve(SnapshotLayout.METRICS), Json.write(m) + "\n");
    }

    /**
     * {@code threads.txt}: every platform thread with its stack and locks, deadlocks spelled out;
     * on JDK 21+ the virtual threads too, counted and grouped by stack (the
     * {@value dev.forgeperf.runtime.VirtualThreads#SNAPSHOT_GROUPS} largest groups listed, the rest
     * counted), or one line saying why they are not.
     */
    public static void threads(Path dir) throws Exception {
        ThreadDump dump = ThreadDump.take();
        VirtualThreads.Attempt virtual = VirtualThreads.attempt();
        Files.writeString(dir.resolve(SnapshotLayout.THREADS),
                dump.render(virtual.dump(), virtual.whyNot(), VirtualThreads.SNAPSHOT_GROUPS));
    }

    /** {@code histogram.txt} and {@code histogram.json}: live objects per class (after a full GC). */
    public static void histogram(Path dir) throws Exception {
        List<ClassHistogram.Row> rows = ClassHistogram.take();
        Files.writeString(dir.resolve(SnapshotLayout.HISTOGRAM), ClassHistogram.render(rows, 200));
        List<Object> json = new ArrayList<>();
        for (ClassHistogram.Row r : rows) {
            json.add(r.toMap());
        }
        Files.writeString(dir.resolve("histogram.json"), Json.write(json) + "\n");
    }

    /**
     * {@code cpu.pb.gz}, {@code alloc.pb.gz}, {@code lock.pb.gz}: from {@code recording} (a
     * {@code --profile} run) or else the last minutes of the snapshot's {@code recording.jfr}. With
     * {@code calibration} (what the threads used during the {@code --profile} run, or, from the
     * continuous recording, over the window of {@link CpuAnchors}: the profiles then cover that
     * window) cpu.pb.gz is scaled to the threads' CPU time as {@code profile cpu} is; else it says it
     * is an estimate.
     */
    public static void profiles(Path dir, Path recording, CpuCalibration calibration) throws Exception {
        Path source = recording != null ? recording : dir.resolve(SnapshotLayout.RECORDING);
        if (!Files.exists(source)) {
            throw new IllegalStateException("no recording to build profiles from (jfr=off; use --profile 10s)");
        }
        ProfileOptions options = recording != null ? ProfileOptions.DEFAULT
                : calibration != null ? ProfileOptions.DEFAULT.withWindow(instant(calibration.startEpochNanos()), instant(calibration.endEpochNanos()))
                : ProfileOptions.DEFAULT.withWindow(Instant.now().minus(PROFILE_WINDOW).toString(), null);
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, Kind> p : SnapshotLayout.PROFILES.entrySet()) {
            try {
                ProfileOptions o = p.getValue() == Kind.CPU && calibration != null ? options.withCalibration(calibration) : options;
                ProfileOutput.write(source, p.getValue(), o, dir.resolve(p.getKey()), OutputFormat.PPROF);
            } catch (java.io.IOException e) {
                throw e;
            } catch (Exception e) {
                failed.add(p.getKey() + ": " + e.getMessage());
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException(String.join("; ", failed));
        }
    }

    private static String instant(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos).toString();
    }

    /** {@code heap.hprof}: live objects, refused up front when the disk is too small. */
    public static void heap(Path dir, java.util.function.LongConsumer progress) throws Exception {
        HeapDump.write(dir.resolve(SnapshotLayout.HEAP), true, progress == null ? n -> { } : progress);
    }
}
