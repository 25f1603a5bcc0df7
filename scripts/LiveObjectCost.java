import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * What sampling live objects (JFR's jdk.OldObjectSample) costs an allocating workload: one JVM per
 * run, the JDK's "default" JFR settings with the event off, as the JDK ships it (on, no stacks),
 * or as forge-perf's continuous recording has it (on, with allocation stacks). The workload
 * allocates arrays of 16 B to 4 KB on two threads and keeps one in 500 in a ring of 200,000 (so
 * objects live long enough to be sampled); it prints, over {@code seconds} after a warm-up of the
 * same length, the process's CPU time per allocation (all threads: the workload's, GC's, JFR's),
 * which a busy machine disturbs less than throughput does, and the allocations per second.
 *
 * <pre>java scripts/LiveObjectCost.java off|nostack|stack SECONDS</pre>
 * scripts/live-cost.sh runs the three interleaved, several rounds, on each JDK.
 */
public final class LiveObjectCost {
    static final Object[] RING = new Object[200_000];
    static volatile Object sink;
    static volatile boolean stop;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        long seconds = Long.parseLong(args[1]);
        Recording r = new Recording(Configuration.getConfiguration("default"));
        Map<String, String> s = new java.util.HashMap<>(r.getSettings());
        switch (mode) {
            case "off" -> s.put("jdk.OldObjectSample#enabled", "false");
            case "nostack" -> s.put("jdk.OldObjectSample#enabled", "true");
            case "stack" -> {
                s.put("jdk.OldObjectSample#enabled", "true");
                s.put("jdk.OldObjectSample#stackTrace", "true");
            }
            default -> throw new IllegalArgumentException("off, nostack or stack");
        }
        r.setSettings(s);
        r.setToDisk(true);
        r.start();
        long[] counts = new long[2];
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                long n = 0;
                while (!stop) {
                    byte[] b = new byte[16 + rnd.nextInt(4080)];
                    if (rnd.nextInt(500) == 0) {
                        RING[rnd.nextInt(RING.length)] = b;
                    } else {
                        sink = b;
                    }
                    if ((++n & 1023) == 0) {
                        counts[id] = n;
                    }
                }
                counts[id] = n;
            });
            threads[t].setDaemon(true);
            threads[t].start();
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Thread.sleep(seconds * 1000);
        long before = counts[0] + counts[1];
        long cpuBefore = os.getProcessCpuTime();
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000);
        long after = counts[0] + counts[1];
        long cpu = os.getProcessCpuTime() - cpuBefore;
        double perSecond = (after - before) * 1e9 / (System.nanoTime() - start);
        stop = true;
        r.close();
        System.out.printf(java.util.Locale.ROOT, "%s %.1f %.0f%n", mode, (double) cpu / (after - before), perSecond);
    }
}
