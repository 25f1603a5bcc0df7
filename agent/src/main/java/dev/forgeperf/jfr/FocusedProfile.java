package dev.forgeperf.jfr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.forgeperf.profile.CpuCalibration;
import dev.forgeperf.profile.JfrReader;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileException;
import dev.forgeperf.profile.ProfileOptions;
import dev.forgeperf.profile.WaitingThreads;
import dev.forgeperf.runtime.HeapGuard;

/**
 * One focused profile, the one home of record → temporary JFR file → read that the {@code profile}
 * command, the HTTP profiles ({@code /debug/pprof/profile}, {@code /api/profile}) and a snapshot's
 * {@code --profile} share.
 *
 * <pre>
 * FocusedProfile.requireHeap(kind, hint);                     // before taking a slot
 * try (FocusedProfile p = FocusedProfile.start(kind, 10, "cpu")) {
 *     boolean whole = p.record(nanos, wait);                  // the caller's cancellation
 *     p.requireAnalysisHeap(kind, hint);
 *     Profile profile = p.read(kind, p.measured(options));   // CPU calibration, waiting threads
 * }                                                           // recording closed, file deleted
 * </pre>
 *
 * {@link #start} creates the temporary file ({@code forge-perf-LABEL-*.jfr}) and starts the
 * recording; {@link #record} waits as the caller says (a client hanging up, Ctrl-C, the agent
 * shutting down), stops, writes the file and keeps what the recording measured beside its events;
 * {@link #close} closes the recording and deletes the file, whatever happened. Not thread-safe: one
 * caller owns a profile.
 */
public final class FocusedProfile implements AutoCloseable {
    /**
     * How a caller waits while the profile records: its cancellation.
     *
     * @param <E> what the caller throws to discard the profile (an HTTP client gone, say)
     */
    @FunctionalInterface
    public interface Wait<E extends Exception> {
        /**
         * Waits up to {@code nanos}: true when the whole time passed, false when stopped early (what
         * was collected is still written); throws to discard the recording.
         */
        boolean await(long nanos) throws E, InterruptedException;
    }

    private final Path file;
    private FocusedRecording recording;
    private CpuCalibration calibration;
    private WaitingThreads waiting;

    private FocusedProfile(Path file, FocusedRecording recording) {
        this.file = file;
        this.recording = recording;
    }

    /**
     * The heap check before a profile of {@code kind} starts ({@code "a cpu profile"}): throws
     * {@link HeapGuard.Refused} with {@code instead} when the heap cannot spare an analysis.
     */
    public static void requireHeap(Kind kind, String instead) {
        HeapGuard.require("a " + kind.id() + " profile", HeapGuard.analysisNeed(0), instead);
    }

    /** {@link #start(List, long, String)} of one kind. */
    public static FocusedProfile start(Kind kind, long intervalMillis, String label) throws IOException {
        return start(List.of(kind), intervalMillis, label);
    }

    /**
     * Creates the temporary file {@code forge-perf-LABEL-*.jfr} and starts one recording with the
     * events of {@code kinds}.
     *
     * @param intervalMillis sampling period for cpu and wall (at least 1 ms)
     * @throws IllegalStateException or {@link SecurityException} when this JVM cannot record (as
     *     {@link FocusedRecording}'s constructor; the file is gone then)
     */
    public static FocusedProfile start(List<Kind> kinds, long intervalMillis, String label) throws IOException {
        return start(kinds, intervalMillis, label, java.util.Map.of());
    }

    /** {@link #start(List, long, String)} with {@code extra} JFR settings over the kinds' (a latency profile's slow-call events, a live profile's {@code jdk.OldObjectSample#cutoff}). */
    public static FocusedProfile start(List<Kind> kinds, long intervalMillis, String label, java.util.Map<String, String> extra) throws IOException {
        Path file = Files.createTempFile("forge-perf-" + label + "-", ".jfr");
        try {
            return new FocusedProfile(file, new FocusedRecording(kinds, intervalMillis, extra));
        } catch (RuntimeException | Error e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * Records for {@code nanos} as {@code wait} waits, then stops, writes the file and closes the
     * recording (on any outcome). Returns {@code wait}'s answer: false when stopped early.
     */
    public <E extends Exception> boolean record(long nanos, Wait<E> wait) throws E, IOException, InterruptedException {
        if (recording == null) {
            throw new IllegalStateException("recorded already");
        }
        try {
            boolean whole = wait.await(nanos);
            recording.stopAndDump(file);
            calibration = recording.calibration();
            waiting = recording.waiting();
            return whole;
        } finally {
            recording.close();
            recording = null;
        }
    }

    /** The recording written (for a snapshot's parts, or a caller that reads it itself). */
    public Path file() {
        return file;
    }

    /** For a recording with cpu, after {@link #record}: the CPU time the threads used meanwhile; else null. */
    public CpuCalibration calibration() {
        return calibration;
    }

    /** For a recording with wall, after {@link #record}: the threads waiting when it ended; else null. */
    public WaitingThreads waiting() {
        return waiting;
    }

    /** {@code options} with what the recording measured beside its events (CPU calibration, waiting threads), when it did. */
    public ProfileOptions measured(ProfileOptions options) {
        ProfileOptions measured = options;
        if (calibration != null) {
            measured = measured.withCalibration(calibration);
        }
        if (waiting != null) {
            measured = measured.withWaiting(waiting);
        }
        return measured;
    }

    /** The heap check before reading the file ({@code "analyzing the cpu profile's recording"}); {@link HeapGuard.Refused} when it fails. */
    public void requireAnalysisHeap(Kind kind, String instead) throws IOException {
        HeapGuard.require("analyzing the " + kind.id() + " profile's recording", HeapGuard.analysisNeed(Files.size(file)), instead);
    }

    /** The file read as a profile of {@code kind}. */
    public Profile read(Kind kind, ProfileOptions options) throws IOException, ProfileException {
        return JfrReader.read(file, kind, options);
    }

    /** Closes the recording if still open and deletes the file. */
    @Override
    public void close() throws IOException {
        try {
            if (recording != null) {
                recording.close();
                recording = null;
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
