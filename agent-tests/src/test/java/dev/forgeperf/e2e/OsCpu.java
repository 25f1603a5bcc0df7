package dev.forgeperf.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ground truth for CPU profiles: the CPU time (user + system) the Linux kernel accounted to a
 * process and to each of its threads, read from {@code /proc/PID/stat} and
 * {@code /proc/PID/task/TID/stat} every few milliseconds by a thread of the test, independently of
 * the agent. {@link #processBetween} and {@link #threadBetween} interpolate linearly between the
 * readings around a window's start and end (wall clock, epoch nanoseconds).
 */
final class OsCpu implements AutoCloseable {
    /** One reading: when, the process's CPU time, and per thread name its CPU time (nanoseconds). */
    private record Reading(long epochNanos, long process, Map<String, Long> threads) {
    }

    private static final long NANOS_PER_TICK = 1_000_000_000L / clockTicks();
    private final long pid;
    private final List<Reading> readings = new ArrayList<>();
    private final Thread poller;
    private volatile boolean stop;

    private OsCpu(long pid) {
        this.pid = pid;
        poller = new Thread(this::poll, "os-cpu-poller");
        poller.setDaemon(true);
        poller.start();
    }

    /** Starts reading the CPU times of {@code pid} every 20 ms. */
    static OsCpu watch(long pid) {
        return new OsCpu(pid);
    }

    private void poll() {
        while (!stop) {
            try {
                long t0 = epochNanos();
                long process = ticks(Path.of("/proc/" + pid + "/stat"));
                Map<String, Long> threads = new HashMap<>();
                try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                    for (Path task : (Iterable<Path>) tasks::iterator) {
                        try {
                            String name = Files.readString(task.resolve("comm")).trim() + "#" + task.getFileName();
                            threads.put(name, ticks(task.resolve("stat")) * NANOS_PER_TICK);
                        } catch (IOException e) {
                            // the thread ended meanwhile
                        }
                    }
                }
                long t1 = epochNanos();
                synchronized (readings) {
                    readings.add(new Reading(t0 + (t1 - t0) / 2, process * NANOS_PER_TICK, threads));
                }
            } catch (IOException e) {
                return; // the process ended
            }
            Env.sleep(20);
        }
    }

    /** The CPU time the OS has accounted to process {@code pid} so far (utime + stime), in nanoseconds. */
    static long processNanos(long pid) {
        try {
            return ticks(Path.of("/proc/" + pid + "/stat")) * NANOS_PER_TICK;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Utime + stime of a stat file, in clock ticks. */
    private static long ticks(Path stat) throws IOException {
        String s = Files.readString(stat);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
    }

    private static long clockTicks() {
        Proc p = Proc.start(List.of("getconf", "CLK_TCK"), null, null);
        p.waitFor(java.time.Duration.ofSeconds(30));
        return Long.parseLong(p.stdout().trim());
    }

    static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The process's CPU time in [start, end]. */
    long processBetween(long start, long end) {
        return at(end, null) - at(start, null);
    }

    /** CPU time in [start, end] of the thread whose comm is {@code name} (exactly one such thread). */
    long threadBetween(String name, long start, long end) {
        return at(end, name) - at(start, name);
    }

    private long at(long t, String thread) {
        synchronized (readings) {
            for (int i = 1; i < readings.size(); i++) {
                Reading a = readings.get(i - 1);
                Reading b = readings.get(i);
                if (a.epochNanos <= t && t <= b.epochNanos) {
                    long va = value(a, thread);
                    long vb = value(b, thread);
                    return va + Math.round((vb - va) * ((t - a.epochNanos) / (double) Math.max(1, b.epochNanos - a.epochNanos)));
                }
            }
        }
        throw new AssertionError("no CPU readings around " + t + " (" + readings.size() + " readings)");
    }

    private static long value(Reading r, String thread) {
        if (thread == null) {
            return r.process;
        }
        Long found = null;
        for (Map.Entry<String, Long> e : r.threads.entrySet()) {
            if (e.getKey().startsWith(thread + "#")) {
                if (found != null) {
                    throw new AssertionError("two threads named " + thread);
                }
                found = e.getValue();
            }
        }
        return found == null ? 0 : found;
    }

    @Override
    public void close() {
        stop = true;
        try {
            poller.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
