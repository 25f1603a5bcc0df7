package dev.forgeperf.profile;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * Benchmark harness for JFR → profile conversion (run by {@code scripts/bench.sh profiles}).
 * <ul>
 *   <li>{@code record OUT.jfr SECONDS}: records a synthetic workload (many threads, deep and varied
 *       stacks, CPU, allocation, contended monitors, parking) with JFR's {@code profile} settings and
 *       1 ms sampling, zero lock thresholds: a large recording fast;</li>
 *   <li>{@code convert IN.jfr OUT KIND [REPEAT]}: converts with {@link ProfileOutput} and prints MB/s,
 *       events/s and the peak heap (sum of the heap pools' peaks).</li>
 * </ul>
 */
public final class ConvertBench {
    private ConvertBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "record" -> record(Path.of(args[1]), Integer.parseInt(args[2]));
            case "convert" -> convert(Path.of(args[1]), Path.of(args[2]), Kind.of(args[3]), args.length > 4 ? Integer.parseInt(args[4]) : 1);
            default -> {
                System.err.println("usage: ConvertBench record OUT.jfr SECONDS | convert IN.jfr OUT KIND [REPEAT]");
                System.exit(2);
            }
        }
    }

    static void convert(Path in, Path out, Kind kind, int repeat) throws Exception {
        long size = Files.size(in);
        for (int i = 0; i < repeat; i++) {
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            long t0 = System.nanoTime();
            JfrReader reader = new JfrReader(kind, ProfileOptions.DEFAULT);
            Profile p = reader.read(in);
            long t1 = System.nanoTime();
            ProfileOutput.write(p, out, OutputFormat.forPath(out), kind.id() + " profile of " + in.getFileName());
            long t2 = System.nanoTime();
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            double secs = (t2 - t0) / 1e9;
            System.out.printf(Locale.ROOT, "forge-perf %s: %.1f MB in %.2fs (read %.2fs, write %.2fs): %.1f MB/s, %.0f events/s"
                            + " (%d events, %d %s), %d stacks, %d frames, peak heap %.0f MB%n",
                    kind.id(), size / 1e6, secs, (t1 - t0) / 1e9, (t2 - t1) / 1e9, size / 1e6 / secs, reader.events() / secs,
                    reader.events(), reader.matched(), kind.id() + " events", p.stackCount(), p.frameCount(), peak / 1e6);
        }
    }

    // ---- the synthetic workload

    private static final Object[] LOCKS = {new Object(), new Object(), new Object()};
    private static volatile long sink;
    private static volatile boolean stop;

    static void record(Path out, int seconds) throws Exception {
        Configuration profile = Configuration.getConfiguration("profile");
        try (Recording r = new Recording(profile)) {
            r.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(1));
            r.enable("jdk.NativeMethodSample").withPeriod(java.time.Duration.ofMillis(5));
            r.enable("jdk.JavaMonitorEnter").withThreshold(java.time.Duration.ZERO).withStackTrace();
            r.enable("jdk.ThreadPark").withThreshold(java.time.Duration.ZERO).withStackTrace();
            r.enable("jdk.ObjectAllocationSample").with("throttle", "10000/s");
            r.start();
            Thread[] threads = new Thread[8];
            for (int i = 0; i < threads.length; i++) {
                threads[i] = new Thread(ConvertBench::work, "bench-worker-" + i);
                threads[i].setDaemon(true);
                threads[i].start();
            }
            Thread.sleep(seconds * 1000L);
            stop = true;
            for (Thread t : threads) {
                t.join();
            }
            r.stop();
            r.dump(out);
        }
        System.out.printf(Locale.ROOT, "recorded %s: %.1f MB%n", out, Files.size(out) / 1e6);
    }

    private static void work() {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        while (!stop) {
            // one of PATHS call paths, each a fixed walk through the 16 methods: a realistic number of distinct stacks
            Walk walk = new Walk(rnd.nextInt(PATHS), rnd);
            call(walk.next(16), 4 + walk.next(36), walk);
        }
    }

    /** Recurses through 16 distinct methods in a random order: many distinct stacks. */
    static void call(int which, int depth, Walk rnd) {
        switch (which) {
            case 0 -> m0(depth, rnd);
            case 1 -> m1(depth, rnd);
            case 2 -> m2(depth, rnd);
            case 3 -> m3(depth, rnd);
            case 4 -> m4(depth, rnd);
            case 5 -> m5(depth, rnd);
            case 6 -> m6(depth, rnd);
            case 7 -> m7(depth, rnd);
            case 8 -> m8(depth, rnd);
            case 9 -> m9(depth, rnd);
            case 10 -> m10(depth, rnd);
            case 11 -> m11(depth, rnd);
            case 12 -> m12(depth, rnd);
            case 13 -> m13(depth, rnd);
            case 14 -> m14(depth, rnd);
            default -> m15(depth, rnd);
        }
    }

    private static void next(int depth, Walk rnd) {
        if (depth <= 0) {
            leaf(rnd);
        } else {
            call(rnd.nextInt(16), depth - 1, rnd);
        }
    }

    private static void leaf(Walk walk) {
        ThreadLocalRandom rnd = walk.random;
        switch (walk.next(4)) {
            case 0 -> {
                long h = rnd.nextLong();
                for (int i = 0; i < 20_000; i++) {
                    h = h * 0x9E3779B97F4A7C15L + i;
                }
                sink = h;
            }
            case 1 -> sink = new byte[64 + rnd.nextInt(8192)].length;
            case 2 -> {
                synchronized (LOCKS[rnd.nextInt(LOCKS.length)]) {
                    long h = 1;
                    for (int i = 0; i < 2_000; i++) {
                        h = h * 31 + i;
                    }
                    sink = h;
                }
            }
            default -> LockSupport.parkNanos(20_000);
        }
    }

    static final int PATHS = Integer.getInteger("bench.paths", 2000);

    /** A deterministic choice sequence per path; the leaf's own choices stay random. */
    static final class Walk {
        private long state;
        final ThreadLocalRandom random;

        Walk(int path, ThreadLocalRandom random) {
            this.state = path * 0x9E3779B97F4A7C15L + 1;
            this.random = random;
        }

        int next(int bound) {
            state ^= state << 13;
            state ^= state >>> 7;
            state ^= state << 17;
            return (int) Long.remainderUnsigned(state, bound);
        }

        int nextInt(int bound) {
            return next(bound);
        }
    }

    static void m0(int d, Walk r) {
        next(d, r);
    }

    static void m1(int d, Walk r) {
        next(d, r);
    }

    static void m2(int d, Walk r) {
        next(d, r);
    }

    static void m3(int d, Walk r) {
        next(d, r);
    }

    static void m4(int d, Walk r) {
        next(d, r);
    }

    static void m5(int d, Walk r) {
        next(d, r);
    }

    static void m6(int d, Walk r) {
        next(d, r);
    }

    static void m7(int d, Walk r) {
        next(d, r);
    }

    static void m8(int d, Walk r) {
        next(d, r);
    }

    static void m9(int d, Walk r) {
        next(d, r);
    }

    static void m10(int d, Walk r) {
        next(d, r);
    }

    static void m11(int d, Walk r) {
        next(d, r);
    }

    static void m12(int d, Walk r) {
        next(d, r);
    }

    static void m13(int d, Walk r) {
        next(d, r);
    }

    static void m14(int d, Walk r) {
        next(d, r);
    }

    static void m15(int d, Walk r) {
        next(d, r);
    }
}
