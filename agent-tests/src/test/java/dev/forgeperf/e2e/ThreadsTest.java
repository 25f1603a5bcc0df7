package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.forgeperf.util.JsonReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * `threads` on a program with a known answer (one thread burning CPU in a distinctly named method,
 * one allocating 1 MiB arrays and counting them, four parked): the busy thread is first, its CPU
 * time over the interval is within ±15% of what the kernel accounted to it (/proc, read by the
 * test), its stack samples name the method; the allocating thread has the highest allocation rate,
 * within ±25% of the fixture's own count; parked threads show no CPU; forge-perf's own threads are
 * never ranked.
 */
class ThreadsTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void theBusyThreadIsFirstWithItsSampledMethodAndTheAllocatorHasTheHighestRate(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar(), "-cp", Fixtures.testClasses().toString()),
                    "dev.forgeperf.e2e.fixture.ThreadMix", "600000");
            String pid = app.awaitOut("mix ready pid=(\\d+)", Duration.ofSeconds(60));
            env.awaitSocket(Long.parseLong(pid));
            Map<String, Object> answer;
            long start;
            long end;
            try (OsCpu os = OsCpu.watch(Long.parseLong(pid))) {
                Env.sleep(300); // the poller's first readings, before the interval starts
                Cli.Result r = env.cli.run("threads", pid, "-i", "2s", "--top", "50", "--json");
                assertEquals(0, r.exit(), r::toString);
                answer = TimingTest.castMap(JsonReader.parse(r.out()));
                start = ((Number) answer.get("startEpochNanos")).longValue();
                end = start + ((Number) answer.get("intervalNanos")).longValue();
                List<Map<String, Object>> threads = threads(answer);
                String context = r.out();
                assertTrue(((Number) answer.get("intervalNanos")).longValue() >= 2_000_000_000L, context);
                assertTrue(((Number) answer.get("sampleRounds")).intValue() >= 10, context);

                Map<String, Object> busy = threads.get(0);
                assertEquals("busy-worker", busy.get("name"), context);
                long truth = os.threadBetween("busy-worker", start, end);
                long shown = ((Number) busy.get("cpuNanos")).longValue();
                assertWithin(truth, shown, 0.15, "busy-worker CPU time", context);
                double share = ((Number) busy.get("cpuShare")).doubleValue();
                assertWithin(truth, Math.round(share * (end - start)), 0.15, "busy-worker CPU share", context);
                Map<String, Object> topFrame = TimingTest.castMap(((List<?>) busy.get("topFrames")).get(0));
                assertTrue(topFrame.get("frame").toString().startsWith("dev.forgeperf.e2e.fixture.ThreadMix.spinInDistinctlyNamedLoop("), context);
                int samples = ((Number) busy.get("samples")).intValue();
                assertTrue(((Number) topFrame.get("count")).intValue() * 2 > samples, context);

                Map<String, Object> alloc = threads.stream().filter(t -> "alloc-worker".equals(t.get("name"))).findFirst().orElseThrow();
                double highest = threads.stream().mapToDouble(t -> ((Number) t.get("allocationBytesPerSecond")).doubleValue()).max().orElse(0);
                assertEquals(highest, ((Number) alloc.get("allocationBytesPerSecond")).doubleValue(), context);
                long counted = allocatedAt(app.stdout(), end) - allocatedAt(app.stdout(), start);
                assertWithin(counted, ((Number) alloc.get("allocatedBytes")).longValue(), 0.25, "alloc-worker bytes", context);

                for (Map<String, Object> t : threads) {
                    String name = t.get("name").toString();
                    assertFalse(name.startsWith("forge-perf-"), context);
                    if (name.startsWith("idle-")) {
                        assertTrue(((Number) t.get("cpuNanos")).longValue() < 20_000_000L, context);
                        assertEquals("WAITING", t.get("state"), context);
                    }
                }
                assertTrue(((Number) answer.get("forgePerfThreads")).intValue() >= 1, context);
            }
            Cli.Result text = env.cli.run("threads", pid, "-i", "500ms", "--top", "3");
            assertEquals(0, text.exit(), text::toString);
            List<String> lines = text.out().lines().toList();
            assertTrue(lines.get(2).startsWith("1 ") && lines.get(2).contains("\"busy-worker\""), text::toString);
            assertTrue(text.out().contains("on top: dev.forgeperf.e2e.fixture.ThreadMix.spinInDistinctlyNamedLoop("), text::toString);
            assertTrue(text.out().contains("forge-perf's own threads (not ranked)"), text::toString);
        }
    }

    /**
     * Threads that start and end during the interval (a new one every 500 ms, each spinning for
     * 250 ms of CPU) are in the answer, marked, with the CPU time they used while measured.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void threadsStartedOrEndedDuringTheIntervalAreCounted(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar(), "-cp", Fixtures.testClasses().toString()),
                    "dev.forgeperf.e2e.fixture.ThreadMix", "600000", "churn");
            String pid = app.awaitOut("mix ready pid=(\\d+)", Duration.ofSeconds(60));
            env.awaitSocket(Long.parseLong(pid));
            Cli.Result r = env.cli.run("threads", pid, "-i", "3s", "--top", "100", "--json");
            assertEquals(0, r.exit(), r::toString);
            List<Map<String, Object>> threads = threads(TimingTest.castMap(JsonReader.parse(r.out())));
            List<Map<String, Object>> started = threads.stream()
                    .filter(t -> t.get("name").toString().startsWith("short-") && Boolean.TRUE.equals(t.get("startedDuringInterval"))).toList();
            List<Map<String, Object>> ended = threads.stream()
                    .filter(t -> t.get("name").toString().startsWith("short-") && Boolean.TRUE.equals(t.get("endedDuringInterval"))).toList();
            assertFalse(started.isEmpty(), r::toString);
            assertFalse(ended.isEmpty(), r::toString);
            for (Map<String, Object> t : started) {
                long cpu = ((Number) t.get("cpuNanos")).longValue();
                assertTrue(cpu > 0 && cpu <= 260_000_000L, "a short thread spins 250 ms of CPU at most: " + t);
            }
            for (Map<String, Object> t : threads) {
                if (t.get("name").toString().startsWith("short-") && !Boolean.TRUE.equals(t.get("startedDuringInterval"))) {
                    assertTrue(Boolean.TRUE.equals(t.get("endedDuringInterval")) || ((Number) t.get("cpuNanos")).longValue() > 0, r::toString);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void badOptionsAreOneLineUsageErrors(Path jdk) {
        try (Env env = new Env()) {
            Proc app = env.hello(jdk, "", 600_000);
            String pid = String.valueOf(app.pid());
            env.awaitSocket(app.pid());
            for (String[] args : List.of(new String[] {"-i", "10ms"}, new String[] {"-i", "soon"}, new String[] {"--top", "0"})) {
                List<String> line = new ArrayList<>(List.of("threads", pid));
                line.addAll(List.of(args));
                Cli.Result r = env.cli.run(line.toArray(String[]::new));
                assertEquals(2, r.exit(), r::toString);
                assertEquals(1, r.err().lines().filter(l -> l.startsWith("forge-perf: ")).count(), r::toString);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> threads(Map<String, Object> answer) {
        return (List<Map<String, Object>>) answer.get("threads");
    }

    /** The fixture's own allocation count at {@code epochNanos}, interpolated between its reports. */
    private static long allocatedAt(String stdout, long epochNanos) {
        Matcher m = Pattern.compile("allocated (\\d+) (\\d+)").matcher(stdout);
        long prevBytes = -1;
        long prevAt = 0;
        while (m.find()) {
            long bytes = Long.parseLong(m.group(1));
            long at = Long.parseLong(m.group(2));
            if (at >= epochNanos && prevBytes >= 0) {
                return prevBytes + Math.round((bytes - prevBytes) * ((epochNanos - prevAt) / (double) Math.max(1, at - prevAt)));
            }
            prevBytes = bytes;
            prevAt = at;
        }
        throw new AssertionError("no allocation report around " + epochNanos);
    }

    private static void assertWithin(long truth, long shown, double tolerance, String what, String context) {
        assertTrue(truth > 0, what + ": the ground truth is zero\n" + context);
        double ratio = shown / (double) truth;
        assertTrue(Math.abs(ratio - 1) <= tolerance, String.format(Locale.ROOT, "%s: shown %d, truth %d (ratio %.3f)%n%s", what, shown, truth,
                ratio, context));
    }
}
