package dev.forgeperf.profile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * One real JFR recording made inside the test JVM (once per JVM, about 3 s), with a uniquely named
 * method per profile kind: CPU, allocation, a contended monitor, parking.
 */
final class Recorded {
    private static Path file;

    private Recorded() {
    }

    static synchronized Path jfr() throws Exception {
        if (file == null) {
            Path dir = Files.createTempDirectory("forge-perf-profile-test");
            dir.toFile().deleteOnExit();
            file = dir.resolve("test.jfr");
            record(file);
            file.toFile().deleteOnExit();
        }
        return file;
    }

    private static volatile long sink;
    private static volatile boolean stop;
    private static final Object LOCK = new Object();

    private static void record(Path out) throws Exception {
        // a wait that begins (at least) 1 s before the recording and ends 0.5 s after it started: a wall
        // profile counts only the part inside. Ordered by handshakes, not by timing, so a busy machine
        // cannot move the wait out of place. JFR emits a wait only if its event was on when the wait
        // began: another recording (as the agent's continuous one) has it on.
        try (Recording outer = new Recording()) {
            outer.enable("jdk.JavaMonitorWait").withThreshold(Duration.ZERO).withStackTrace();
            outer.start();
            recordingStartedAt = 0;
            Thread early = new Thread(Recorded::waitAcrossTheStartForForgePerfTest, "test-wait-across-start");
            early.start();
            long deadline = System.nanoTime() + 60_000_000_000L; // a hang bound
            while (early.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            Thread.sleep(1000);
            record(out, early);
        }
    }

    private static void record(Path out, Thread early) throws Exception {
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            r.enable("jdk.ActiveSetting");
            r.enable("jdk.ThreadStart").withStackTrace();
            r.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ZERO).withStackTrace();
            r.enable("jdk.ThreadPark").withThreshold(Duration.ZERO).withStackTrace();
            r.enable("jdk.ThreadSleep").withThreshold(Duration.ZERO).withStackTrace();
            r.enable("jdk.JavaMonitorWait").withThreshold(Duration.ZERO).withStackTrace();
            r.enable("jdk.ObjectAllocationSample").with("throttle", "1000/s").withStackTrace();
            r.start();
            synchronized (ACROSS) {
                recordingStartedAt = System.currentTimeMillis();
                ACROSS.notifyAll();
            }
            stop = false;
            List<Thread> threads = new ArrayList<>();
            threads.add(new Thread(Recorded::burnCpuForForgePerfTest, "test-cpu"));
            threads.add(new Thread(Recorded::allocateForForgePerfTest, "test-alloc"));
            threads.add(new Thread(Recorded::contendForForgePerfTest, "test-lock-1"));
            threads.add(new Thread(Recorded::contendForForgePerfTest, "test-lock-2"));
            threads.add(new Thread(Recorded::parkForForgePerfTest, "test-park"));
            // stands for one of the agent's own threads, which every profile leaves out
            threads.add(new Thread(Recorded::agentNoiseForForgePerfTest, JfrReader.AGENT_THREAD_PREFIX + "test-noise"));
            threads.forEach(Thread::start);
            // at least 2.5 s, and on until the test threads were sampled enough: a busy machine thins
            // the sampling out (seen: 15 samples in 2.5 s under load 30 on 2 cores), so run longer
            // rather than assert on a thin recording (60 s bound)
            long begun = System.nanoTime();
            Thread.sleep(2500);
            Path probe = out.resolveSibling("probe.jfr");
            while (System.nanoTime() - begun < 60_000_000_000L) {
                r.dump(probe);
                long samples = events(probe, "jdk.ExecutionSample").stream()
                        .filter(e -> e.getThread("sampledThread").getJavaName().equals("test-cpu")).count();
                if (samples >= 100) {
                    break;
                }
                Thread.sleep(500);
            }
            Files.deleteIfExists(probe);
            stop = true;
            for (Thread t : threads) {
                t.join();
            }
            early.join();
            r.stop();
            r.dump(out);
        }
    }

    static void burnCpuForForgePerfTest() {
        long h = 1;
        while (!stop) {
            for (int i = 0; i < 1_000_000; i++) {
                h = h * 0x9E3779B97F4A7C15L + i;
            }
            sink = h;
        }
    }

    /** How long the wait across the recording's start goes on after the recording started. */
    static final long WAIT_AFTER_START_MILLIS = 500;
    private static final Object ACROSS = new Object();
    /** When the recording started (currentTimeMillis), 0 before; guarded by {@link #ACROSS}. */
    private static long recordingStartedAt;

    static void waitAcrossTheStartForForgePerfTest() {
        synchronized (ACROSS) {
            while (true) {
                long left = recordingStartedAt == 0 ? 60_000 : recordingStartedAt + WAIT_AFTER_START_MILLIS - System.currentTimeMillis();
                if (left <= 0) {
                    return;
                }
                try {
                    ACROSS.wait(left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    static void agentNoiseForForgePerfTest() {
        long h = 7;
        while (!stop) {
            for (int i = 0; i < 100_000; i++) {
                h = h * 31 + i;
            }
            sink = h;
            sleep(1);
        }
    }

    static void allocateForForgePerfTest() {
        while (!stop) {
            for (int i = 0; i < 1000; i++) {
                sink += new byte[1024 + i].length;
            }
            sleep(1);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void contendForForgePerfTest() {
        while (!stop) {
            synchronized (LOCK) {
                sleep(2);
            }
        }
    }

    static void parkForForgePerfTest() {
        while (!stop) {
            LockSupport.parkNanos(3_000_000);
        }
    }

    /** Number of events of one type, counted with the JDK's own reader, leaving out those of the agent's threads as profiles do. */
    static long count(Path jfr, String eventType) throws Exception {
        return events(jfr, eventType).size();
    }

    /** Events of one type, read with the JDK's own reader, leaving out those of the agent's threads as profiles do. */
    static List<RecordedEvent> events(Path jfr, String eventType) throws Exception {
        List<RecordedEvent> out = new ArrayList<>();
        try (RecordingFile f = new RecordingFile(jfr)) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                if (e.getEventType().getName().equals(eventType) && !onAgentThread(e)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** Whether an event happened on (or sampled) a thread named like the agent's own. */
    static boolean onAgentThread(RecordedEvent e) {
        String field = e.hasField("sampledThread") ? "sampledThread" : "eventThread";
        jdk.jfr.consumer.RecordedThread t = e.hasField(field) ? e.getThread(field) : null;
        String name = t == null ? null : t.getJavaName() != null ? t.getJavaName() : t.getOSName();
        return name != null && name.startsWith(JfrReader.AGENT_THREAD_PREFIX);
    }
}
