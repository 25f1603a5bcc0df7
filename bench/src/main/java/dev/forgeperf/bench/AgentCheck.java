package dev.forgeperf.bench;

import java.util.ArrayList;
import java.util.List;

import dev.forgeperf.bootstrap.MethodStats;
import dev.forgeperf.bootstrap.Recorder;
import dev.forgeperf.bootstrap.TimingSnapshot;

/**
 * Makes sure a benchmark measures the real agent: the method meant to be timed is registered in
 * the bootstrap {@link Recorder} (so the agent loaded and instrumented it), the methods meant to
 * be plain are not, and after the trial the timed method's counters moved. Fails loudly (an
 * exception fails the JMH run) otherwise.
 */
final class AgentCheck {
    private AgentCheck() {
    }

    /** Registered method names; throws when the agent is not loaded. */
    static List<String> registered() {
        try {
            if (!Recorder.isActive()) {
                throw new IllegalStateException("forge-perf is on the boot class path but not active");
            }
            List<String> names = new ArrayList<>();
            for (MethodStats s : Recorder.all()) {
                names.add(s.name());
            }
            return names;
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("forge-perf agent not loaded in this fork: start it with "
                    + "-jvmArgsAppend -javaagent:/abs/path/forge-perf.jar=timed=<spec> (scripts/bench.sh does)", e);
        }
    }

    /** Fails unless a method named {@code timed} is instrumented and none named in {@code plain} is. */
    static void requireInstrumented(String timed, String... plain) {
        List<String> names = registered();
        if (!names.contains(timed)) {
            throw new IllegalStateException("NOT INSTRUMENTED: " + timed + " is not registered with forge-perf; registered: " + names);
        }
        for (String p : plain) {
            if (names.contains(p)) {
                throw new IllegalStateException("unexpectedly instrumented: " + p + "; registered: " + names);
            }
        }
    }

    /** After a trial: the timed method's statistics must show calls; prints them as evidence. */
    static void requireRecorded(String timed, boolean sampled) {
        for (MethodStats s : Recorder.all()) {
            if (s.name().equals(timed)) {
                TimingSnapshot t = s.snapshot();
                if (t.count() == 0) {
                    throw new IllegalStateException("instrumented but nothing recorded for " + timed);
                }
                if (t.sampled() != sampled) {
                    throw new IllegalStateException(timed + " was expected to be timed in " + (sampled ? "sampled" : "exact") + " mode: " + t);
                }
                System.out.println("[forge-perf check] " + timed + ": count=" + t.count() + " timed=" + t.timedCount()
                        + " sampled=" + t.sampled() + " p50=" + t.p50() + "ns p99=" + t.p99() + "ns stripes=" + s.stripesHeld()
                        + " bytes=" + s.bytes());
                return;
            }
        }
        throw new IllegalStateException("NOT INSTRUMENTED: " + timed);
    }

    /**
     * Appends the timed method's memory after a trial to the file named by the system property
     * {@code forgeperf.bench.memory} (set by {@link TimingMain}), one tab-separated line: benchmark,
     * CPUs this JVM sees, benchmark threads, stripes held, bytes held ({@link MethodStats#bytes()}),
     * the most stripes a method may grow to. Nothing without the property.
     */
    static void recordMemory(String benchmark, int threads, String timed) {
        String file = System.getProperty("forgeperf.bench.memory");
        if (file == null) {
            return;
        }
        for (MethodStats s : Recorder.all()) {
            if (s.name().equals(timed)) {
                String line = benchmark + '\t' + Runtime.getRuntime().availableProcessors() + '\t' + threads + '\t' + s.stripesHeld()
                        + '\t' + s.bytes() + '\t' + MethodStats.MAX_STRIPES + '\n';
                try {
                    java.nio.file.Files.writeString(java.nio.file.Path.of(file), line, java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("cannot write " + file, e);
                }
                return;
            }
        }
        throw new IllegalStateException("NOT INSTRUMENTED: " + timed);
    }

    /** Prints the benchmark threads and how many stripes the timed method grew to (at most MAX_STRIPES). */
    static void reportStripes(java.util.Collection<Long> threadIds) {
        StringBuilder b = new StringBuilder("[forge-perf check] worker threads ").append(threadIds)
                .append("; stripes held by the timed methods (max ").append(MethodStats.MAX_STRIPES).append("):");
        for (MethodStats s : Recorder.all()) {
            if (s.stripesHeld() > 0) {
                b.append(' ').append(s.name()).append('=').append(s.stripesHeld()).append(" (").append(s.bytes()).append(" B)");
            }
        }
        System.out.println(b);
    }
}
