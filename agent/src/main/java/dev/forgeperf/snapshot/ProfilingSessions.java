package dev.forgeperf.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import dev.forgeperf.jfr.ThreadCpuClock;
import dev.forgeperf.jfr.ThreadWaits;
import dev.forgeperf.profile.CpuCalibration;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.WaitingThreads;
import dev.forgeperf.runtime.Health;
import dev.forgeperf.runtime.History;
import dev.forgeperf.runtime.RuntimeMetrics;
import dev.forgeperf.runtime.RuntimeService;
import dev.forgeperf.runtime.SampleRing;
import dev.forgeperf.timing.TimingService;
import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.DaemonThreads;
import dev.forgeperf.util.Json;
import dev.forgeperf.util.Log;
import dev.forgeperf.util.SocketDir;
import dev.forgeperf.util.Units;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

/**
 * Named profiling sessions that outlive the command that starts them ({@code session start},
 * {@code session stop}, {@code session list}): each is a JFR recording of its own (the events of
 * its kinds, at a focused recording's rates and thresholds) plus the timings and metrics at its
 * start, kept until {@code session stop} collects it.
 *
 * <p>Bounds: at most {@value #MAX_SESSIONS} sessions at once; each ends by itself after its
 * {@code --max} time or once its recording's chunks on disk exceed its {@code --max-size} (checked
 * every second; the chunk JFR is writing comes on top), so no session grows without end. An ended
 * session keeps only files ({@code recording.jfr}, the timings and metrics at its start and end) in
 * a private folder ({@code sessions-<pid>} beside the control socket, 0700, files 0600) and a few
 * little heap (its settings, the threads' CPU clocks at start, for wall the stacks of threads waiting at its end), until it is
 * collected, the agent detaches or the JVM exits, which delete the folder. The timer that ends
 * sessions is one daemon thread ({@code forge-perf-sessions}), present only while a session runs.
 *
 * <p>Thread-safe: every method may be called from any agent thread.
 */
public final class ProfilingSessions {
    /** Sessions at once (running or ended and not collected). */
    public static final int MAX_SESSIONS = 4;
    /** Default and upper bound of a session's length. */
    public static final Duration DEFAULT_MAX = Duration.ofMinutes(30);
    public static final Duration LONGEST_MAX = Duration.ofHours(24);
    /** Default and upper bound of a session's recording on disk. */
    public static final long DEFAULT_MAX_BYTES = 100L << 20;
    public static final long LARGEST_MAX_BYTES = 1L << 30;
    /** Session names: what a file name may safely be. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    public static final String START_DIR = "start";
    public static final String END_DIR = "end";

    private static final long SIZE_CHECK_MILLIS = 1000;
    private static final ProfilingSessions INSTANCE = new ProfilingSessions();

    private final Map<String, ProfilingSession> sessions = new LinkedHashMap<>();
    private ScheduledExecutorService timer;
    private Path base;
    private boolean closed;

    private ProfilingSessions() {
    }

    /** This agent's sessions. */
    public static ProfilingSessions get() {
        return INSTANCE;
    }

    /** A refusal to show the user as one line, with its exit status (2 for a usage error). */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        public Refused(String message, int exitCode) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    /** What a session was started with. */
    public record Settings(String name, List<Kind> kinds, Duration max, long maxBytes, Duration interval) {
    }

    /** Checks a session name; {@link Refused} (exit 2) saying what a name may be. */
    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new Refused("bad session name '" + name + "': use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", 2);
        }
    }

    /**
     * Starts a session: writes the timings and metrics at its start, starts its recording and its
     * end timer. Returns at once.
     *
     * @param pid this JVM's pid, for the start's manifest
     * @param timing method timing (for the active methods), may give null
     * @throws Refused on a bad or taken name, or when {@value #MAX_SESSIONS} sessions exist
     */
    public synchronized ProfilingSession start(Settings s, long pid, Supplier<TimingService> timing) throws IOException {
        checkName(s.name());
        if (closed) {
            throw new Refused("the agent is detaching: no new sessions", 1);
        }
        ProfilingSession existing = sessions.get(s.name());
        if (existing != null) {
            throw new Refused("a session named '" + s.name() + "' exists already (" + existing.state() + "); choose another name, or collect it with"
                    + " `forge-perf session stop " + pid + " " + s.name() + " -o DIR`", 2);
        }
        if (sessions.size() >= MAX_SESSIONS) {
            throw new Refused("refused: " + sessions.size() + " sessions exist already, the most one JVM may hold (" + String.join(", ", sessions.keySet())
                    + "); collect one with `forge-perf session stop " + pid + " NAME -o DIR` first", 1);
        }
        Path dir = freshDir(s.name());
        ProfilingSession session = null;
        try {
            // the span starts here: samples from now on, then the recording, then the timings it is compared with at the end
            session = new ProfilingSession(s, dir, RuntimeService.get().history(1).written());
            SnapshotWriter start = new SnapshotWriter(pid, timing);
            long written = session.samplesAtStart();
            long from = session.startedAt().toEpochMilli();
            start.add("metrics", d -> spanMetrics(d, written, from, System.currentTimeMillis()));
            start.write(dir.resolve(START_DIR), null);
        } catch (IOException | RuntimeException | Error e) {
            if (session != null) {
                session.discard();
            }
            AtomicFiles.deleteTree(dir);
            throw e;
        }
        ProfilingSession started = session;
        sessions.put(s.name(), started);
        ScheduledExecutorService t = timer();
        ScheduledFuture<?> endTimer = t.schedule(() -> endByItself(started, "it reached its --max of " + Units.nanos(s.max().toNanos())),
                s.max().toNanos(), TimeUnit.NANOSECONDS);
        ScheduledFuture<?> sizeCheck = t.scheduleWithFixedDelay(() -> {
            if (started.running() && started.recordingBytes() > s.maxBytes()) {
                endByItself(started, "its recording reached its --max-size of " + Units.bytes(s.maxBytes()));
            }
        }, SIZE_CHECK_MILLIS, SIZE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        started.setTimers(endTimer, sizeCheck);
        return started;
    }

    /** The session named {@code name}; {@link Refused} (exit 1) naming the sessions there are. */
    public synchronized ProfilingSession find(String name, long pid) {
        checkName(name);
        ProfilingSession s = sessions.get(name);
        if (s == null) {
            throw new Refused("no session named '" + name + "' in pid " + pid + (sessions.isEmpty() ? " (none is running)"
                    : " (there are: " + String.join(", ", sessions.keySet()) + ")") + "; list them with `forge-perf session list " + pid + "`", 1);
        }
        return s;
    }

    /** Every session, oldest first. */
    public synchronized List<ProfilingSession> list() {
        return new ArrayList<>(sessions.values());
    }

    /**
     * Ends {@code session} if it still runs: its recording stops and is written to its folder with
     * the timings and metrics of the moment.
     *
     * @throws IOException when the files cannot be written (the session is then gone, its files deleted)
     */
    public void end(ProfilingSession session, Supplier<TimingService> timing, long pid) throws IOException {
        try {
            session.end("stopped by `session stop`", pid, timing);
        } catch (IOException | RuntimeException | Error e) {
            remove(session);
            throw e;
        }
    }

    /** Forgets a session and deletes its files (once collected, or when it failed). */
    public synchronized void remove(ProfilingSession session) {
        if (sessions.get(session.settings().name()) == session) {
            sessions.remove(session.settings().name());
        }
        session.discard();
        if (sessions.isEmpty() && timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    /**
     * Ends every session and deletes their files and folder (detach, JVM exit); afterwards no
     * session starts. Never throws.
     *
     * @return what was done, one line
     */
    public synchronized String closeAll() {
        closed = true;
        int n = sessions.size();
        for (ProfilingSession s : sessions.values()) {
            try {
                s.discard();
            } catch (Throwable t) {
                Log.failureOnce("session-discard", "discarding a profiling session", t);
            }
        }
        sessions.clear();
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        Path b = base;
        base = null;
        if (b != null) {
            AtomicFiles.deleteTree(b);
        }
        return n == 0 ? "no profiling sessions" : n + " profiling session" + (n == 1 ? "" : "s") + " ended; their recordings and files deleted";
    }

    private void endByItself(ProfilingSession session, String why) {
        try {
            if (session.running()) {
                session.end(why, ProcessHandle.current().pid(), () -> null);
                Log.info("profiling session '" + session.settings().name() + "' ended: " + why + "; kept until `session stop` collects it");
            }
        } catch (Throwable t) {
            Log.failureOnce("session-end-" + session.settings().name(), "ending profiling session '" + session.settings().name() + "'", t);
            session.failed = "it could not end by itself: " + AtomicFiles.reason(t);
            session.discardFiles();
        }
    }

    private ScheduledExecutorService timer() {
        if (timer == null) {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, DaemonThreads.factory("forge-perf-sessions"));
            t.setRemoveOnCancelPolicy(true);
            timer = t;
        }
        return timer;
    }

    /** A new private folder for a session: {@code sessions-<pid>/<name>} beside the control socket (a leftover of that name is ours and stale: removed). */
    private Path freshDir(String name) throws IOException {
        if (base == null) {
            Path b = SocketDir.privateChild(SocketDir.ensure(), "sessions-" + ProcessHandle.current().pid());
            // a folder left by an earlier agent of this JVM (one that did not detach cleanly): its sessions are gone
            try (var old = Files.newDirectoryStream(b)) {
                for (Path p : old) {
                    AtomicFiles.deleteTree(p);
                }
            }
            base = b;
        }
        Path dir = base.resolve(name);
        if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            AtomicFiles.deleteTree(dir);
        }
        return SocketDir.privateChild(base, name);
    }

    /**
     * {@code metrics.json} of a session's span: the metrics now, the sampler's samples taken since
     * sample number {@code fromWritten} and stamped within {@code fromMillis..toMillis} (those the
     * ring still holds: {@code droppedFromSpan} says how many it no longer had) and the health
     * verdict on the metrics now.
     */
    static void spanMetrics(Path dir, long fromWritten, long fromMillis, long toMillis) throws IOException {
        RuntimeService service = RuntimeService.get();
        RuntimeMetrics now = RuntimeMetrics.collect();
        SampleRing.Samples all = service.history(0);
        long firstHeld = all.written() - all.size();
        int from = (int) Math.max(0, Math.min(all.size(), fromWritten - firstHeld));
        while (from < all.size() && all.timeMillis(from) < fromMillis) {
            from++;
        }
        int to = all.size();
        while (to > from && all.timeMillis(to - 1) > toMillis) {
            to--;
        }
        SampleRing.Samples span = all.range(from, to);
        Map<String, Object> history = History.toMap(span, service);
        history.put("samplesInSpan", Math.max(0, all.written() - fromWritten - (all.size() - to)));
        history.put("droppedFromSpan", Math.max(0, firstHeld - fromWritten));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("current", now.toMap());
        m.put("history", history);
        m.put("health", Health.evaluate(now, service.settings()).toMap());
        Files.writeString(dir.resolve(SnapshotLayout.METRICS), Json.write(m) + "\n");
    }

    /**
     * One session: its recording while it runs, then its files. Fields are guarded by the
     * session's own lock.
     */
    public static final class ProfilingSession {
        private final Settings settings;
        private final Path dir;
        private final long samplesAtStart;
        private final Instant startedAt = Instant.now();
        private final long startedNanos = System.nanoTime();
        private final ThreadCpuClock cpuAtStart;
        private final java.util.Set<Long> waitingAtStart;
        private Recording recording;
        private Instant endedAt;
        private String endedWhy;
        private CpuCalibration calibration;
        private WaitingThreads waiting;
        private volatile String failed;
        private final java.util.concurrent.atomic.AtomicBoolean collecting = new java.util.concurrent.atomic.AtomicBoolean();
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
                    if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        total += Files.size(p);
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
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
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } finally {
                r.close();
                recording = null;
            }
            SnapshotWriter end = new SnapshotWriter(pid, timing);
            end.add("metrics", d -> spanMetrics(d, samplesAtStart, startedAt.toEpochMilli(), stoppedAt.toEpochMilli()));
            end.write(dir.resolve(END_DIR), null);
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
}
