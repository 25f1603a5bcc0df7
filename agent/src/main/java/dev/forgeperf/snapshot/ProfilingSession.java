package dev.forgeperf.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import dev.forgeperf.jfr.ThreadCpuClock;
import dev.forgeperf.jfr.ThreadWaits;
import dev.forgeperf.profile.CpuCalibration;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.WaitingThreads;
import dev.forgeperf.snapshot.ProfilingSessions.Settings;
import dev.forgeperf.timing.TimingService;
import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.Log;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

/**
 * One profiling session of {@link ProfilingSessions}: its JFR recording while it runs, then its
 * files. Running from construction (the recording starts, with the threads' CPU clocks and, for
 * wall, the waiting threads read at start); {@link #end} stops it once and writes
 * {@code recording.jfr} and {@code end/} (the timings and metrics of its span) into its folder;
 * {@link #discard} closes the recording and deletes the folder. A session that could not end by
 * itself is failed ({@link #failed()}): its files are deleted, and it stays so until removed.
 *
 * <p>Bounded: besides its files, it holds its settings, the threads' CPU clocks (and, for wall,
 * the ids of the threads waiting) at its start and, once ended, the CPU used during it and the
 * threads waiting at its end; JFR bounds its recording on disk at twice its {@code --max-size} (its owner
 * ends it first, checking the size every second).
 *
 * <p>Thread-safe: fields that change are guarded by the session's own lock ({@code failed} is
 * volatile); one {@code session stop} at a time takes it with {@link #claim()}. Made and ended by
 * {@link ProfilingSessions} (and its timer thread); read by commands.
 */
public final class ProfilingSession {
    private final Settings settings;
    private final Path dir;
    private final long samplesAtStart;
    private final Instant startedAt = Instant.now();
    private final long startedNanos = System.nanoTime();
    private final ThreadCpuClock cpuAtStart;
    private final Set<Long> waitingAtStart;
    private Recording recording;
    private Instant endedAt;
    private String endedWhy;
    private CpuCalibration calibration;
    private WaitingThreads waiting;
    private volatile String failed;
    private final AtomicBoolean collecting = new AtomicBoolean();
    private ScheduledFuture<?> endTimer;
    private ScheduledFuture<?> sizeCheck;

    ProfilingSession(Settings settings, Path dir, long samplesAtStart) {
        this.settings = settings;
        this.dir = dir;
        this.samplesAtStart = samplesAtStart;
        Map<String, String> events = new LinkedHashMap<>();
        for (Kind k : settings.kinds()) {
            events.putAll(k.settings(settings.interval()));
        }
        Recording r = new Recording(events);
        r.setName("forge-perf-session-" + settings.name());
        r.setToDisk(true);
        // our size check ends the session first; JFR's own bound is the backstop should that thread be late
        r.setMaxSize(settings.maxBytes() * 2);
        cpuAtStart = settings.kinds().stream().anyMatch(Kind::measuresCpuTime) ? ThreadCpuClock.read() : null;
        waitingAtStart = settings.kinds().stream().anyMatch(Kind::measuresWaiting) ? ThreadWaits.waitingNow() : null;
        r.start();
        recording = r;
    }

    public Settings settings() {
        return settings;
    }

    /** The session's private folder: {@code recording.jfr}, {@code start/} and {@code end/} once it ended. */
    public Path dir() {
        return dir;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** When it ended, or null while it runs. */
    public synchronized Instant endedAt() {
        return endedAt;
    }

    /** Why it ended ({@code it reached its --max of 30m}), or null while it runs. */
    public synchronized String endedWhy() {
        return endedWhy;
    }

    public synchronized boolean running() {
        return recording != null && endedAt == null;
    }

    /** Why the session failed (it could not write its files), or null. */
    public String failed() {
        return failed;
    }

    /** Time recorded: until now while it runs, else until it ended. */
    public synchronized Duration elapsed() {
        return endedAt == null ? Duration.ofNanos(System.nanoTime() - startedNanos) : Duration.between(startedAt, endedAt);
    }

    /** For a session with cpu, once ended: the CPU time the threads used during it; else null. */
    public synchronized CpuCalibration calibration() {
        return calibration;
    }

    /** For a session with wall, once ended: the threads waiting at its end; else null. */
    public synchronized WaitingThreads waiting() {
        return waiting;
    }

    /** What the state reads as in {@code session list}. */
    public synchronized String state() {
        if (failed != null) {
            return "failed: " + failed;
        }
        return endedAt == null ? "running" : "ended (" + endedWhy + "), kept until `session stop` collects it";
    }

    /** The recording's bytes on disk: JFR's chunks while it runs, the session's files once ended. */
    public synchronized long bytesOnDisk() {
        if (recording != null && endedAt == null) {
            return recordingBytes();
        }
        long total = 0;
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    total += Files.size(p);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // gone meanwhile
        }
        return total;
    }

    synchronized long recordingBytes() {
        Recording r = recording;
        return r == null || r.getState() != RecordingState.RUNNING ? 0 : r.getSize();
    }

    /** Stops the recording and writes it, the timings and the metrics of now; nothing when ended already. */
    synchronized void end(String why, long pid, Supplier<TimingService> timing) throws IOException {
        if (failed != null) {
            throw new IOException(failed);
        }
        if (endedAt != null) {
            return;
        }
        cancelTimers();
        Recording r = recording;
        Instant stoppedAt;
        try {
            if (r.getState() == RecordingState.RUNNING) {
                r.stop();
            }
            stoppedAt = Instant.now();
            if (cpuAtStart != null) {
                ThreadCpuClock now = ThreadCpuClock.read();
                calibration = now == null ? null : now.since(cpuAtStart);
            }
            if (waitingAtStart != null) {
                waiting = ThreadWaits.atEnd(waitingAtStart);
            }
            Path file = dir.resolve(SnapshotLayout.RECORDING);
            r.dump(file);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } finally {
            r.close();
            recording = null;
        }
        SnapshotWriter end = new SnapshotWriter(pid, timing);
        end.add("metrics", d -> SpanMetrics.write(d, samplesAtStart, startedAt.toEpochMilli(), stoppedAt.toEpochMilli()));
        end.write(dir.resolve(ProfilingSessions.END_DIR), null);
        endedAt = stoppedAt;
        endedWhy = why;
    }

    synchronized void setTimers(ScheduledFuture<?> end, ScheduledFuture<?> size) {
        endTimer = end;
        sizeCheck = size;
        if (endedAt != null || recording == null) {
            cancelTimers();
        }
    }

    private void cancelTimers() {
        if (endTimer != null) {
            endTimer.cancel(false);
        }
        if (sizeCheck != null) {
            sizeCheck.cancel(false);
        }
    }

    /** Takes the session for one {@code session stop}; false when another one has it. */
    public boolean claim() {
        return collecting.compareAndSet(false, true);
    }

    /** Gives the session back after {@link #claim()}. */
    public void release() {
        collecting.set(false);
    }

    /** The samples the sampler took during the session (the ring may hold fewer). */
    public long samplesAtStart() {
        return samplesAtStart;
    }

    synchronized void discard() {
        cancelTimers();
        Recording r = recording;
        recording = null;
        if (r != null) {
            try {
                r.close();
            } catch (RuntimeException e) {
                Log.failureOnce("session-close", "closing a session's recording", e);
            }
        }
        discardFiles();
    }

    /** Marks the session failed: from then on {@link #state()}, {@link #toMap()} and {@link #end} say why. */
    void markFailed(String why) {
        failed = why;
    }

    void discardFiles() {
        AtomicFiles.deleteTree(dir);
    }

    /** The JSON form for {@code session list --json} and the collected folder's {@code session.json}. */
    public synchronized Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", settings.name());
        List<String> kinds = new ArrayList<>();
        settings.kinds().forEach(k -> kinds.add(k.id()));
        m.put("kinds", kinds);
        m.put("state", failed != null ? "failed" : endedAt == null ? "running" : "ended");
        m.put("startedAt", startedAt.toString());
        m.put("endedAt", endedAt == null ? null : endedAt.toString());
        m.put("endedBecause", endedWhy);
        m.put("failed", failed);
        m.put("elapsedMillis", elapsed().toMillis());
        m.put("maxMillis", settings.max().toMillis());
        m.put("maxBytes", settings.maxBytes());
        m.put("intervalMillis", settings.interval().toMillis());
        m.put("bytesOnDisk", bytesOnDisk());
        return m;
    }
}
