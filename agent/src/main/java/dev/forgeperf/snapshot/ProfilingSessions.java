package dev.forgeperf.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

import dev.forgeperf.profile.Kind;
import dev.forgeperf.runtime.RuntimeService;
import dev.forgeperf.timing.TimingService;
import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.DaemonThreads;
import dev.forgeperf.util.Log;
import dev.forgeperf.util.SocketDir;
import dev.forgeperf.util.Units;

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
 * A session itself is a {@link ProfilingSession}; the metrics of its span are {@link SpanMetrics}'.
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
            start.add("metrics", d -> SpanMetrics.write(d, written, from, System.currentTimeMillis()));
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
            session.markFailed("it could not end by itself: " + AtomicFiles.reason(t));
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
}
