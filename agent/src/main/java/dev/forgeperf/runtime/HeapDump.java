package dev.forgeperf.runtime;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import com.sun.management.HotSpotDiagnosticMXBean;

import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.DaemonThreads;
import dev.forgeperf.util.Units;

/**
 * An HPROF heap dump through {@link HotSpotDiagnosticMXBean#dumpHeap}, written under a temporary
 * name in the target's directory and renamed into place when complete: the target name never
 * holds half a dump. Refuses up front when the directory is not writable or its file system has
 * less free space than the heap uses.
 */
public final class HeapDump {
    private HeapDump() {
    }

    /** A written dump. */
    public record Result(Path file, long bytes, long durationNanos, boolean live, long heapUsed) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file.toString());
            m.put("bytes", bytes);
            m.put("durationMillis", Units.json(durationNanos / 1e6, 1));
            m.put("live", live);
            m.put("heapUsedBytes", heapUsed);
            return m;
        }
    }

    /**
     * Checks the target before anything is written.
     *
     * @throws IllegalArgumentException when the name does not end with {@code .hprof}
     * @throws IOException with a one-line reason when the directory is missing or not writable, or the disk is too full
     */
    public static void check(Path target, long heapUsed) throws IOException {
        check(target, heapUsed, false);
    }

    /** {@link #check(Path, long)}; an existing file is refused unless {@code force}. */
    public static void check(Path target, long heapUsed, boolean force) throws IOException {
        String name = target.getFileName() == null ? "" : target.getFileName().toString();
        if (!name.endsWith(".hprof") || name.equals(".hprof")) {
            throw new IllegalArgumentException("the heap dump file name must end with .hprof (the JVM requires it): " + target);
        }
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("cannot write " + target + ": directory " + dir + " does not exist");
        }
        AtomicFiles.checkTarget(target, force);
        try {
            Path probe = Files.createTempFile(dir, ".forge-perf-probe-", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new IOException("cannot write " + target + ": directory " + dir + " is not writable (" + reason(e) + ")");
        }
        FileStore store = Files.getFileStore(dir);
        long free = store.getUsableSpace();
        if (free < heapUsed) {
            throw new IOException("not enough disk space for a heap dump: " + Units.bytes(free) + " free in " + dir + " (" + store
                    + "), the heap uses " + Units.bytes(heapUsed) + "; free some space or write the dump elsewhere");
        }
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "cannot create a file there";
        }
        if (e instanceof java.nio.file.FileSystemException && ((java.nio.file.FileSystemException) e).getReason() != null) {
            return ((java.nio.file.FileSystemException) e).getReason();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /**
     * Dumps the heap to {@code target} (the application pauses while the heap is walked).
     *
     * @param live     only objects reachable from GC roots (a full GC runs first)
     * @param progress called about twice a second with the bytes written so far, from a daemon thread; may be null
     */
    public static Result write(Path target, boolean live, LongConsumer progress) throws IOException {
        return write(target, live, false, progress);
    }

    /**
     * {@link #write(Path, boolean, LongConsumer)}; an existing file is refused unless {@code force}.
     * The dump is made 0600 in a private temporary folder beside the target (removed at JVM exit,
     * or by {@code forge-perf list} after a kill, if the JVM dies meanwhile).
     */
    public static Result write(Path target, boolean live, boolean force, LongConsumer progress) throws IOException {
        long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        check(target, heapUsed, force);
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (hs == null) {
            throw new IOException("this JVM has no HotSpotDiagnosticMXBean, so it cannot write heap dumps");
        }
        java.util.concurrent.atomic.AtomicReference<Path> writing = new java.util.concurrent.atomic.AtomicReference<>();
        ScheduledExecutorService ticker = null;
        if (progress != null) {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, DaemonThreads.factory("forge-perf-heapdump-progress"));
            t.scheduleWithFixedDelay(() -> {
                try {
                    Path tmp = writing.get();
                    progress.accept(tmp != null && Files.exists(tmp) ? Files.size(tmp) : 0);
                } catch (IOException | RuntimeException ignored) {
                    // the file is being renamed or the client left: progress is best effort
                }
            }, 500, 500, TimeUnit.MILLISECONDS);
            ticker = t;
        }
        long start = System.nanoTime();
        ScheduledExecutorService progressTicker = ticker;
        try {
            long size = AtomicFiles.writeVia(target, force, tmp -> {
                writing.set(tmp);
                try {
                    hs.dumpHeap(tmp.toString(), live);
                } catch (IOException | RuntimeException e) {
                    throw new IOException("heap dump failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
                } finally {
                    stop(progressTicker);
                }
            });
            return new Result(target, size, System.nanoTime() - start, live, heapUsed);
        } finally {
            stop(ticker);
        }
    }

    /** Stops the progress ticker and waits for a report in flight, so nothing is printed after the answer. */
    private static void stop(ScheduledExecutorService ticker) {
        if (ticker == null || ticker.isTerminated()) {
            return;
        }
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
