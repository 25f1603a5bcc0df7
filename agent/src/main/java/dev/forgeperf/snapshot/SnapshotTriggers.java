package dev.forgeperf.snapshot;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.runtime.RuntimeMetrics;
import dev.forgeperf.runtime.RuntimeService;
import dev.forgeperf.runtime.SampleListener;
import dev.forgeperf.runtime.Series;
import dev.forgeperf.util.Log;
import dev.forgeperf.util.SocketDir;
import dev.forgeperf.util.Units;

/**
 * Snapshots taken automatically ({@code trigger=heap>90%:snapshot}, repeatable): the conditions are
 * checked on every sampler tick against the sample just taken (a few comparisons; no allocation;
 * {@code gcCpu} reads the sampler's ring, {@code gcPause} the GC event ring, {@code deadlock} asks
 * the JVM at most once a second). When one holds, a snapshot is written on a new daemon thread into
 * {@code trigger.dir} as {@code <pid>-<yyyyMMdd-HHmmss-SSS>-<metric>}; at most one snapshot per
 * {@code trigger.minInterval} (and never two at once), and only the newest {@code trigger.keep}
 * folders of this JVM are kept.
 *
 * <p>Thread-safety: {@link #sampled} runs on the sampler thread only; {@link #describe} may be
 * called from any thread.
 */
public final class SnapshotTriggers implements SampleListener {
    public static final long DEFAULT_MIN_INTERVAL_NANOS = 5L * 60 * 1_000_000_000L;
    public static final int DEFAULT_KEEP = 5;
    static final long DEADLOCK_CHECK_NANOS = 1_000_000_000L;

    /** The time in a snapshot folder's name; a holder, so that premain does not initialize java.time's formatters. */
    private static final class NameTime {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");
    }

    /** Writes a snapshot into a folder that does not exist yet; returns each part's outcome. */
    @FunctionalInterface
    public interface Writer {
        Map<String, String> write(Path target) throws IOException;
    }

    /** The last time a trigger fired: when, which, what it measured, where the snapshot went, and how it ended (null while writing). */
    public record Firing(Instant at, String trigger, String measured, Path folder, String outcome) {
    }

    private final Trigger[] triggers;
    private final Path dir;
    private final long minIntervalNanos;
    private final int keep;
    private final long pid;
    private final Writer writer;
    private final ThreadMXBean threads;
    private final AtomicBoolean writing = new AtomicBoolean();
    private volatile Firing last;
    private volatile int fired;

    private boolean everFired;
    private long lastFiredNanos;
    private long previousUptime = -1;
    private long lastDeadlockCheckNanos;
    private boolean deadlocked;

    SnapshotTriggers(List<Trigger> triggers, Path dir, long minIntervalNanos, int keep, long pid, Writer writer) {
        this.triggers = triggers.toArray(new Trigger[0]);
        this.dir = dir;
        this.minIntervalNanos = minIntervalNanos;
        this.keep = keep;
        this.pid = pid;
        this.writer = writer;
        boolean anyDeadlock = triggers.stream().anyMatch(t -> t.metric() == Trigger.Metric.deadlock);
        this.threads = anyDeadlock ? ManagementFactory.getThreadMXBean() : null;
    }

    /**
     * The triggers of the agent's options, or null when there are none (or none valid). Each
     * malformed {@code trigger=} and {@code trigger.*} value is logged as one warning line.
     */
    public static SnapshotTriggers fromOptions(AgentOptions options, long pid, Writer writer) {
        List<Trigger> list = new ArrayList<>();
        for (String text : options.all("trigger")) {
            try {
                list.add(Trigger.parse(text));
            } catch (IllegalArgumentException e) {
                Log.info("ignoring trigger=" + text + ": " + e.getMessage() + "; write e.g. " + Trigger.EXAMPLES);
            }
        }
        if (list.isEmpty()) {
            return null;
        }
        String d = options.get("trigger.dir", null);
        Path dir = d == null ? defaultDir() : Path.of(d).toAbsolutePath();
        long interval = options.durationNanos("trigger.minInterval", DEFAULT_MIN_INTERVAL_NANOS);
        int keep = options.positiveInt("trigger.keep", DEFAULT_KEEP);
        return new SnapshotTriggers(list, dir, interval, keep, pid, writer);
    }

    /** {@code snapshots} beside the control socket. */
    static Path defaultDir() {
        return SocketDir.path().toAbsolutePath().resolve("snapshots");
    }

    /** Starts watching the runtime sampler's ticks; false (logged) when there is no sampler. */
    public boolean start() {
        if (!RuntimeService.get().setListener(this)) {
            Log.info("snapshot triggers disabled: the runtime sampler is off (" + RuntimeService.get().samplerProblem() + ")");
            return false;
        }
        return true;
    }

    @Override
    public void sampled(long uptimeMillis, double[] sample) {
        long since = previousUptime < 0 ? uptimeMillis - 1 : previousUptime + 1;
        previousUptime = uptimeMillis;
        if (writing.get()) {
            return;
        }
        long now = System.nanoTime();
        if (everFired && now - lastFiredNanos < minIntervalNanos) {
            return;
        }
        for (Trigger t : triggers) {
            double v = measure(t.metric(), sample, since, now);
            if (t.holds(v)) {
                everFired = true;
                lastFiredNanos = now;
                fire(t, measured(t, v, sample, uptimeMillis));
                return;
            }
        }
    }

    /** The trigger's metric now, in its unit; NaN when unknown. */
    private double measure(Trigger.Metric m, double[] v, long sinceUptime, long now) {
        switch (m) {
            case heap: {
                // the live heap: after a young collection the old generation still holds dead objects
                double live = v[Series.HEAP_LIVE.ordinal()];
                double max = v[Series.HEAP_MAX.ordinal()];
                return max > 0 ? live / max * 100 : Double.NaN;
            }
            case threads:
                return v[Series.THREADS.ordinal()];
            case gcPause: {
                long p = RuntimeService.get().longestPauseSince(sinceUptime);
                return p < 0 ? Double.NaN : p;
            }
            case gcCpu:
                return RuntimeService.get().gcCpuOverLast(RuntimeMetrics.RECENT_MILLIS) * 100;
            default:
                if (now - lastDeadlockCheckNanos >= DEADLOCK_CHECK_NANOS || lastDeadlockCheckNanos == 0) {
                    lastDeadlockCheckNanos = now;
                    long[] ids = threads.isSynchronizerUsageSupported() ? threads.findDeadlockedThreads() : threads.findMonitorDeadlockedThreads();
                    deadlocked = ids != null && ids.length > 0;
                }
                return deadlocked ? 1 : Double.NaN;
        }
    }

    /** What the trigger measured, for the log line and {@code status}; the heap's says when it was measured. */
    static String measured(Trigger t, double value, double[] sample, long uptimeMillis) {
        String m = t.describe(value);
        double at = sample[Series.LIVE_GC_UPTIME.ordinal()];
        if (t.metric() == Trigger.Metric.heap && !Double.isNaN(at)) {
            m += ", measured " + Units.span(Math.max(0, uptimeMillis - (long) at)) + " ago";
        }
        return m;
    }

    private void fire(Trigger t, String measured) {
        if (!writing.compareAndSet(false, true)) {
            return;
        }
        Thread th = new Thread(() -> write(t, measured), "forge-perf-trigger");
        th.setDaemon(true);
        try {
            th.start();
        } catch (RuntimeException | OutOfMemoryError e) {
            writing.set(false);
            Log.once("trigger-thread", "trigger " + t + " could not start its snapshot: " + e);
        }
    }

    private void write(Trigger t, String measured) {
        Instant at = Instant.now();
        Path target = null;
        try {
            ensureDir();
            target = newFolder(t);
            last = new Firing(at, t.text(), measured, target, null);
            Map<String, String> parts = writer.write(target);
            long missing = parts.values().stream().filter(o -> !o.equals("ok")).count();
            String outcome = missing == 0 ? "ok" : missing + " parts missing";
            last = new Firing(at, t.text(), measured, target, outcome);
            fired++;
            Log.info("trigger " + t + " fired (" + measured + "): snapshot " + target + (missing == 0 ? "" : " (" + outcome + ")"));
            prune();
        } catch (IOException | RuntimeException | LinkageError e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            last = new Firing(at, t.text(), measured, target, "failed: " + why);
            Log.info("trigger " + t + " fired (" + measured + ") but the snapshot failed: " + why);
        } finally {
            writing.set(false);
        }
    }

    /**
     * Creates the folder (owner-only) when it does not exist yet. The default one, beside the
     * control socket, must be a private folder of ours: a link or someone else's entry planted under
     * that name is never written through.
     */
    private void ensureDir() throws IOException {
        if (dir.equals(defaultDir())) {
            Path socketDir = dir.getParent();
            SocketDir.checkPrivateDir(socketDir, "socket directory");
            SocketDir.privateChild(socketDir, dir.getFileName().toString());
            return;
        }
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(SocketDir.OWNER_ONLY_DIR));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // made meanwhile by another JVM
        } catch (UnsupportedOperationException noPosix) {
            Files.createDirectories(dir);
        }
    }

    private Path newFolder(Trigger t) {
        String base = pid + "-" + LocalDateTime.now().format(NameTime.FORMAT) + "-" + t.metric();
        Path p = dir.resolve(base);
        for (int i = 2; Files.exists(p, LinkOption.NOFOLLOW_LINKS); i++) {
            p = dir.resolve(base + "-" + i);
        }
        return p;
    }

    /** Deletes this JVM's oldest trigger snapshots beyond {@code keep}. */
    private void prune() {
        List<Path> mine = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().startsWith(pid + "-") && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(mine::add);
        } catch (IOException e) {
            Log.once("trigger-prune", "cannot list " + dir + " to remove old trigger snapshots: " + e.getMessage());
            return;
        }
        mine.sort(null);
        for (int i = 0; i < mine.size() - keep; i++) {
            // renamed away first, so that a reader sees a whole snapshot or none, never a half-deleted one
            Path old = mine.get(i);
            Path doomed = old.resolveSibling("." + old.getFileName() + ".deleting");
            try {
                Files.move(old, doomed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                doomed = old;
            }
            SnapshotWriter.deleteTree(doomed);
        }
    }

    /** The triggers, where they write, and the last firing (for {@code status}). */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (Trigger t : triggers) {
            b.append(b.length() == 0 ? "" : ", ").append(t.text());
        }
        b.append(" → ").append(dir).append(" (keep ").append(keep).append(", at most one per ")
                .append(Units.span(minIntervalNanos / 1_000_000)).append(")");
        Firing f = last;
        if (f == null) {
            b.append("; not fired yet");
        } else {
            b.append("; fired ").append(fired).append(fired == 1 ? " time" : " times").append(", last at ").append(f.at()).append(": ")
                    .append(f.trigger()).append(" (").append(f.measured()).append(") → ").append(f.folder())
                    .append(f.outcome() == null ? " (writing)" : " (" + f.outcome() + ")");
        }
        return b.toString();
    }

    /** Whether a trigger snapshot is being written now. */
    boolean busy() {
        return writing.get();
    }

    /** The last firing, or null. */
    public Firing last() {
        return last;
    }

    /** The folder trigger snapshots go to. */
    public Path dir() {
        return dir;
    }
}
