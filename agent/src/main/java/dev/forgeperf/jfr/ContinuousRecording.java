package dev.forgeperf.jfr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;


import dev.forgeperf.profile.JfrFile;
import dev.forgeperf.profile.ProfileException;
import dev.forgeperf.runtime.DiagnosticCommands;
import dev.forgeperf.runtime.HeapGuard;
import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.DaemonThreads;
import dev.forgeperf.util.Log;
import dev.forgeperf.util.SocketDir;
import dev.forgeperf.util.Units;
import jdk.jfr.Configuration;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

/**
 * The agent's continuous JFR recording ({@code jfr=default|profile|off}), bounded by max age and
 * max size on disk. Started on an agent thread so the application's {@code main} is not delayed
 * by JFR's start-up (about 600 ms here). Thread-safe.
 */
public final class ContinuousRecording {
    public static final String NAME = "forge-perf";
    /** Whether {@link #repository} was made by this recording (so it is removed with it). */
    private volatile boolean ownRepository;

    private final String settings;
    private final Duration maxAge;
    private final long maxSizeBytes;
    private final Path repository;
    private volatile Recording recording;
    private volatile String state = "starting";
    private volatile boolean closed;
    private volatile boolean writeAtExit;

    public ContinuousRecording(String settings, Duration maxAge, long maxSizeBytes, Path repository) {
        this.settings = settings;
        this.maxAge = maxAge;
        this.maxSizeBytes = maxSizeBytes;
        this.repository = repository;
    }

    /** Starts the recording on a daemon thread; failures are logged once and leave it off. */
    public void startInBackground() {
        if (startThread.get() != null) {
            return;
        }
        Thread t = DaemonThreads.factory("forge-perf-jfr-start").newThread(this::start);
        if (startThread.compareAndSet(null, t)) {
            t.start();
        }
    }

    private final java.util.concurrent.atomic.AtomicReference<Thread> startThread = new java.util.concurrent.atomic.AtomicReference<>();

    /** How often a start that ran out of heap is tried, the waits doubling from 1 s to a minute. */
    static final int START_ATTEMPTS = 12;

    /**
     * Starts the recording; a start that fails with {@link OutOfMemoryError} (the application
     * filled its heap while the agent started) is tried again after a growing wait.
     */
    private void start() {
        long waitMillis = 1000;
        for (int attempt = 1; attempt <= START_ATTEMPTS && !closed; attempt++) {
            boolean done = false;
            try {
                // in a full heap even a class initializer fails, and then for good (the JDK's too): wait for room instead
                done = HeapGuard.hasRoom(HeapGuard.START_BYTES) && tryStart();
            } catch (Throwable full) {
                // as below: try again
            }
            try {
                if (done) {
                    if (attempt > 1) {
                        startNote = "the continuous recording started on attempt " + attempt + " (the heap was full before)";
                        Log.info(startNote);
                    }
                    return;
                }
                state = "starting (attempt " + attempt + " found the heap full; retrying)";
                startNote = state;
                if (attempt == 1) {
                    Log.info("continuous JFR recording: the heap is full (or ran out: OutOfMemoryError); retrying with growing waits, up to "
                            + START_ATTEMPTS + " attempts");
                }
            } catch (Throwable full) {
                // saying so needs heap too; the wait below still happens
            }
            if (done) {
                return;
            }
            try {
                Thread.sleep(waitMillis);
            } catch (InterruptedException e) {
                return;
            } catch (Throwable ignored) {
                // cannot happen; keep going
            }
            waitMillis = Math.min(60_000, waitMillis * 2);
        }
        if (!closed) {
            state = "failed: out of heap in " + START_ATTEMPTS + " attempts";
            startNote = state;
        }
    }

    /** Why the start needed retries, or null. */
    public String startNote() {
        return startNote;
    }

    private volatile String startNote;

    /** One try; false when it ran out of heap (to retry), true when done (started, refused or failed for good). */
    private boolean tryStart() {
        Recording r = null;
        try {
            if (!FlightRecorder.isAvailable()) {
                state = "unavailable (JFR is not available in this JVM)";
                return true;
            }
            if (repository != null && FlightRecorder.getFlightRecorder().getRecordings().isEmpty()) {
                try {
                    SocketDir.privateChild(repository.getParent(), repository.getFileName().toString());
                    String answer = diagnosticCommand("jfrConfigure", "repositorypath=" + repository);
                    Log.debug("JFR repository: " + answer.trim());
                    ownRepository = true;
                } catch (IOException e) {
                    Log.info("JFR keeps its own repository: " + e.getMessage());
                }
            }
            r = new Recording(Configuration.getConfiguration(settings));
            withLiveObjectStacks(r);
            r.setName(NAME);
            r.setToDisk(true);
            r.setMaxAge(maxAge);
            r.setMaxSize(maxSizeBytes);
            applyWriteAtExit(r);
            synchronized (this) {
                if (closed) { // detached while JFR started
                    r.close();
                    state = "stopped";
                    return true;
                }
                r.start();
                recording = r;
                state = "recording";
            }
            return true;
        } catch (OutOfMemoryError full) {
            if (r != null && recording != r) {
                try {
                    r.close(); // not left behind half made
                } catch (Throwable ignored) {
                    // the next try makes a new one
                }
            }
            return false;
        } catch (Throwable t) {
            state = "failed: " + t.getMessage();
            Log.failure("continuous JFR recording disabled", t);
            return true;
        }
    }

    /**
     * Where the settings sample live objects ({@code jdk.OldObjectSample}, on in the JDK's
     * {@code default} and {@code profile}), samples them with their allocation stacks (off in
     * {@code default}): {@code profile live}, {@code /debug/pprof/heap}'s inuse types and the leak
     * findings read the samples, and the JVM keeps them from the moment the event is on. The cost
     * is measured in the README ("Live heap").
     */
    static void withLiveObjectStacks(Recording r) {
        java.util.Map<String, String> s = new java.util.HashMap<>(r.getSettings());
        if ("true".equals(s.get("jdk.OldObjectSample#enabled"))) {
            s.put("jdk.OldObjectSample#stackTrace", "true");
            r.setSettings(s);
        }
    }

    /** The file JFR writes the whole recording to at JVM exit when {@link #writeAtExit} was asked for. */
    public static final String EXIT_FILE = "exit.jfr";

    /**
     * Asks JFR to write the whole recording (all it keeps, within max age and max size) to
     * {@link #exitFile()} at JVM exit: JFR's own shutdown hook does it (dump-on-exit), before it
     * removes the recording's chunks, so {@code snapshotOnExit} can build the run's profiles from
     * it. Needs the agent's own repository (a private folder); without one, nothing is asked.
     */
    public void writeAtExit(boolean on) {
        writeAtExit = on;
        Recording r = recording;
        if (r != null) {
            applyWriteAtExit(r);
        }
    }

    private void applyWriteAtExit(Recording r) {
        Path file = exitFile();
        if (!writeAtExit || file == null) {
            return;
        }
        try {
            r.setDestination(file);
            r.setDumpOnExit(true);
        } catch (IOException | RuntimeException e) {
            Log.info("the continuous recording will not be written at exit: " + e.getMessage());
        }
    }

    /** Where {@link #writeAtExit} has JFR write the recording at exit, or null when there is no private repository for it. */
    public Path exitFile() {
        return repository == null || !ownRepository ? null : repository.resolve(EXIT_FILE);
    }

    /** A one-line description for {@code status}. */
    public String describe() {
        Recording r = recording;
        if (r == null) {
            return state;
        }
        if (r.getState() != RecordingState.RUNNING) {
            return "stopped (" + r.getState().name().toLowerCase() + ")";
        }
        return "recording (" + settings + " settings, maxage " + Units.span(maxAge.toMillis())
                + ", maxsize " + Units.bytes(maxSizeBytes) + ")";
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", recording == null ? state : recording.getState().name().toLowerCase());
        m.put("settings", settings);
        m.put("maxAgeMillis", maxAge.toMillis());
        m.put("maxSizeBytes", maxSizeBytes);
        m.put("repository", repository == null ? null : repository.toString());
        return m;
    }

    /**
     * The recording's value of a JFR setting ({@code "jdk.ThreadPark#threshold"} gives e.g.
     * {@code "20 ms"}), or null when it is not running or has no such setting.
     */
    public String setting(String name) {
        Recording r = recording;
        return r == null ? null : r.getSettings().get(name);
    }

    /** When the recording started, in nanoseconds since the epoch, or {@code Long.MAX_VALUE} while it has not. */
    public long startEpochNanos() {
        Recording r = recording;
        java.time.Instant start = r == null ? null : r.getStartTime();
        return start == null ? Long.MAX_VALUE : start.getEpochSecond() * 1_000_000_000L + start.getNano();
    }

    /** Whether the recording runs (so {@link #dump} can work). */
    public boolean running() {
        Recording r = recording;
        return r != null && r.getState() == RecordingState.RUNNING;
    }

    /**
     * Writes the recording (or its last {@code last}, at chunk granularity) to {@code target},
     * 0600, complete or not at all (made in a private temporary folder beside it, then moved).
     *
     * @param force replace an existing file (without it, an existing target is refused)
     * @return bytes written
     * @throws IOException naming {@code target} and the cause when it cannot be written; the target is then untouched
     */
    public long dump(Path target, Duration last, boolean force) throws IOException {
        if (!running()) {
            throw new IOException("the continuous recording is " + describe() + "; start the JVM with jfr=default or jfr=profile");
        }
        return AtomicFiles.writeVia(target, force, tmp -> {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("name=" + NAME, "filename=" + tmp));
            if (last != null) {
                args.add("maxage=" + Math.max(1, last.toSeconds()) + "s");
            }
            String answer = diagnosticCommand("jfrDump", args.toArray(new String[0]));
            if (!Files.exists(tmp)) {
                throw new IOException("JFR did not write the recording: " + answer.trim());
            }
            checkComplete(tmp);
        });
    }

    /**
     * {@link #dump(Path, Duration, boolean)} for the agent's own use (a snapshot's part, a temporary
     * file of its own): an existing {@code target} is replaced.
     */
    public long dump(Path target, Duration last) throws IOException {
        return dump(target, last, true);
    }

    /** {@code ": no space left on device"} when the file's disk has (almost) no room left, else a question. */
    private static String diskFull(Path file) {
        try {
            if (Files.getFileStore(file).getUsableSpace() < (1 << 20)) {
                return ": no space left on device";
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return " (is the disk full?)";
    }

    /**
     * JFR's dump does not report a full disk: it leaves a short file. Refuse anything whose
     * chunk headers do not add up to a whole recording, naming a full disk when it is one.
     */
    static void checkComplete(Path jfr) throws IOException {
        try {
            if (Files.size(jfr) == 0) {
                throw new IOException("JFR wrote an empty file" + diskFull(jfr));
            }
            JfrFile.check(jfr);
        } catch (ProfileException e) {
            throw new IOException("the recording was not written completely" + diskFull(jfr) + " (" + e.getMessage() + ")");
        }
    }

    /** Stops the recording (agent shutdown, detach); one still starting is stopped as it starts. */
    public void close() {
        Recording r;
        synchronized (this) {
            closed = true;
            r = recording;
        }
        if (r != null) {
            r.close();
        }
        removeRepository();
    }

    /**
     * Removes the repository folder (its chunks hold the JVM's environment and properties) once no
     * recording uses it any more; one another recording still uses is left to {@code forge-perf list}.
     */
    private void removeRepository() {
        if (!ownRepository) {
            return;
        }
        try {
            if (FlightRecorder.isInitialized() && !FlightRecorder.getFlightRecorder().getRecordings().isEmpty()) {
                return;
            }
        } catch (RuntimeException | LinkageError e) {
            return;
        }
        AtomicFiles.deleteTree(repository);
    }

    /** Runs a jcmd-style diagnostic command, failures as IOException. */
    private static String diagnosticCommand(String operation, String... args) throws IOException {
        try {
            return DiagnosticCommands.invoke(operation, args);
        } catch (DiagnosticCommands.Unavailable | IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
