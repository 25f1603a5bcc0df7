package dev.forgeperf.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The CPU-bound workload of the profiler comparison ({@code scripts/bench.sh peers}):
 * {@code threads} threads spin in {@link #spin} until standard input ends. Prints "burn ready
 * pid=N"; for each line read prints "mark ops=N nanos=T" (operations so far, monotonic clock), so
 * that a harness measures the rate over a window of its choice; at the end prints the process's
 * CPU time as the OS counts it.
 */
public final class Burn {
    private static volatile boolean stop;

    private Burn() {
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        int threads = Integer.parseInt(args[0]);
        AtomicLongArray ops = new AtomicLongArray(threads * 16);
        Thread[] t = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int slot = i * 16;
            t[i] = new Thread(() -> {
                long x = slot + 1;
                long n = 0;
                while (!stop) {
                    x = spin(x);
                    ops.lazySet(slot, ++n);
                }
                ops.set(slot + 1, x);
            }, "burn-" + i);
            t[i].start();
        }
        System.out.println("burn ready pid=" + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            long total = 0;
            for (int i = 0; i < threads; i++) {
                total += ops.get(i * 16);
            }
            System.out.println("mark ops=" + total + " nanos=" + System.nanoTime());
            System.out.flush();
        }
        stop = true;
        for (Thread x : t) {
            x.join();
        }
        long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        System.out.println("end processCpuNanos=" + cpu);
    }

    static long spin(long x) {
        for (int i = 0; i < 10_000; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }
}
