package dev.forgeperf.jfr;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.forgeperf.profile.CpuCalibration;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.WaitingThreads;
import jdk.jfr.Recording;

/**
 * A short recording with only the events one profile kind needs, at a higher rate and with lower
 * thresholds than the stock settings (which drop monitor waits and parks under 10–20 ms and so
 * hide most real contention). Several may run at once: JFR supports concurrent recordings.
 */
public final class FocusedRecording implements AutoCloseable {
    private final Recording recording;
    /** For a cpu or wall profile: the CPU clocks at the start (null otherwise, or when the JVM has none). */
    private final ThreadCpuClock cpuAtStart;
    private CpuCalibration calibration;
    /** For a wall profile: the threads waiting at the start (null otherwise). */
    private final java.util.Set<Long> waitingAtStart;
    private WaitingThreads waiting;

    /**
     * Starts recording.
     *
     * @param intervalMillis sampling period for cpu and wall (at least 1 ms)
     */
    public FocusedRecording(Kind kind, long intervalMillis) {
        this(java.util.List.of(kind), intervalMillis);
    }

    /** One recording with the events of several kinds (a snapshot's {@code --profile}). */
    public FocusedRecording(java.util.List<Kind> kinds, long intervalMillis) {
        this(kinds, intervalMillis, Map.of());
    }

    /** One recording with the events of several kinds and {@code extra} settings over the kinds' (e.g. {@code forge.MethodTiming#enabled}, {@code jdk.OldObjectSample#cutoff}). */
    public FocusedRecording(java.util.List<Kind> kinds, long intervalMillis, Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>();
        StringBuilder name = new StringBuilder("forge-perf");
        for (Kind k : kinds) {
            settings.putAll(k.settings(java.time.Duration.ofMillis(Math.max(1, intervalMillis))));
            name.append('-').append(k.id());
        }
        settings.putAll(extra);
        recording = new Recording(settings);
        recording.setName(name.toString());
        recording.setToDisk(true);
        cpuAtStart = kinds.stream().anyMatch(Kind::readsThreadClocks) ? ThreadCpuClock.read() : null;
        waitingAtStart = kinds.stream().anyMatch(Kind::measuresWaiting) ? ThreadWaits.waitingNow() : null;
        recording.start();
    }

    /** Stops recording and writes what was collected to {@code file}. */
    public void stopAndDump(Path file) throws IOException {
        recording.stop();
        if (cpuAtStart != null) {
            ThreadCpuClock end = ThreadCpuClock.read();
            calibration = end == null ? null : end.since(cpuAtStart);
        }
        if (waitingAtStart != null) {
            waiting = ThreadWaits.atEnd(waitingAtStart);
        }
        recording.dump(file);
        ContinuousRecording.checkComplete(file);
    }

    /**
     * For a recording of cpu or wall samples, after {@link #stopAndDump}: the CPU time the process and each
     * Java thread used while it ran, for {@link dev.forgeperf.profile.ProfileOptions#withCalibration}; else null.
     */
    public CpuCalibration calibration() {
        return calibration;
    }

    /**
     * For a recording of a wall profile, after {@link #stopAndDump}: the threads waiting when it
     * ended, for {@link dev.forgeperf.profile.ProfileOptions#withWaiting}; else (or when the heap had
     * no room for their stacks) null.
     */
    public WaitingThreads waiting() {
        return waiting;
    }

    @Override
    public void close() {
        recording.close();
    }
}
