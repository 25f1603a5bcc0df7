package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.forgeperf.bootstrap.MethodStats;
import dev.forgeperf.profile.PprofReader;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.util.JsonReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Virtual threads (JDK 21+) on a program with a known census ({@code VirtualParked}: 10,000 virtual
 * threads parked in one distinctly named method, 3 parked platform threads, 1,000 virtual threads
 * that called a timed method 20 times each and ended): `dump threads` shows one group of exactly
 * 10,000 at that method (10,001 virtual threads in all with the fixture's CPU burner) and still
 * lists the platform threads; {@code /debug/pprof/goroutine} read
 * back by {@code go tool pprof -top} counts 10,000 there; `metrics` counts 10,001 virtual threads;
 * the timed method's count is exactly the 20,000 calls the fixture counted and its memory stays
 * within the stated bound (stripes are picked by a hash of the thread id, so 1,000 sparse
 * virtual-thread ids cannot grow it). On JDK 17 the same commands say "not available" and the
 * platform-thread dump is as before.
 */
class VirtualThreadsTest {
    private static final int PARKED = 10_000;
    private static final int CALLERS = 1_000;
    private static final int EACH = 20;
    private static final String SPOT = "dev.forgeperf.e2e.fixture.VirtualParked.parkInDistinctlyNamedVirtualSpot";

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void virtualThreadsAreDumpedGroupedCountedAndTimed(Path jdk) throws Exception {
        boolean virtual = Jdks.feature(jdk) >= 21;
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-Xmx512m", "-XX:ActiveProcessorCount=2",
                    "-javaagent:" + Fixtures.agentJar() + "=http=0,jfr=off,timed=VirtualParked#timedOnVirtualThread",
                    "-cp", Fixtures.testClasses().toString()),
                    "dev.forgeperf.e2e.fixture.VirtualParked", Integer.toString(PARKED), Integer.toString(CALLERS), Integer.toString(EACH), "600000");
            Matcher ready = Pattern.compile("virtual ready pid=(\\d+) calls=(\\d+)").matcher(app.awaitOut("(virtual ready pid=\\d+ calls=\\d+)",
                    Duration.ofSeconds(180)));
            assertTrue(ready.matches());
            String pid = ready.group(1);
            long calls = Long.parseLong(ready.group(2));
            env.awaitSocket(Long.parseLong(pid));

            // dump threads: the platform threads as before, then the virtual ones grouped by stack
            Cli.Result dump = env.cli.run("dump", "threads", pid);
            assertEquals(0, dump.exit(), dump::toString);
            String text = dump.out();
            for (int i = 0; i < 3; i++) {
                assertTrue(text.contains("\"platform-parked-" + i + "\" #"), text);
            }
            assertTrue(text.contains("No deadlocks found."), text);
            if (virtual) {
                assertTrue(text.contains("\n" + (PARKED + 1) + " virtual threads, grouped by stack after the platform threads\n"), text);
                assertTrue(text.contains("Virtual threads: " + (PARKED + 1) + " in "), text);
                String group = groupAt(text, SPOT);
                assertTrue(group.startsWith(PARKED + " virtual threads (WAITING " + PARKED + "): \"parked-v-"), group);
                assertTrue(group.contains("java.util.concurrent.locks.LockSupport.park("), group);
                assertFalse(text.contains("caller-v-"), "the callers have ended: " + text);
            } else {
                assertFalse(text.contains("Virtual threads") || text.contains("virtual thread"), text);
                assertEquals(0, calls);
            }

            // the JDK's dump went to a private temporary folder that is gone with the answer
            try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                List<Path> left = tmp.filter(p -> p.getFileName().toString().startsWith(".forge-perf-threads." + pid + ".")).toList();
                assertTrue(left.isEmpty(), left::toString);
            }

            // the same to a file: the summary line counts them
            Cli.Result toFile = env.cli.run("dump", "threads", pid, "-o", env.work.resolve("threads.txt").toString());
            assertEquals(0, toFile.exit(), toFile::toString);
            assertTrue(toFile.out().contains(virtual ? ", " + (PARKED + 1) + " virtual in " : "no deadlock"), toFile::toString);
            assertEquals(virtual, Files.readString(env.work.resolve("threads.txt")).contains(SPOT));

            // /debug/pprof/goroutine, read back by go tool pprof
            String url = HttpServerTest.awaitUrl(env, pid);
            String top = GoPprof.top(env, url + "debug/pprof/goroutine");
            assertTrue(top.contains("Type: threads"), top);
            long atSpot = cum(top, SPOT);
            assertEquals(virtual ? PARKED : -1, atSpot, top);
            assertEquals(virtual ? PARKED + 1 : -1, cum(top, "[virtual threads]"), top);
            String grouped = HttpServerTest.get(url + "debug/pprof/goroutine?debug=1").text();
            assertTrue(grouped.contains("3 threads: \"platform-parked-"), grouped);
            assertEquals(virtual, grouped.contains("Virtual threads: " + (PARKED + 1) + " in "), grouped);

            // metrics: the count, or "not available" (never 0)
            Cli.Result metrics = env.cli.run("metrics", pid);
            assertEquals(0, metrics.exit(), metrics::toString);
            Matcher vt = Pattern.compile("(?m)^virtual    (.*)$").matcher(metrics.out());
            assertTrue(vt.find(), metrics::toString);
            if (virtual) {
                assertTrue(vt.group(1).startsWith((PARKED + 1) + "  mounted "), vt.group(1));
            } else {
                assertEquals("not available (virtual threads need JDK 21+; this JVM is 17)", vt.group(1));
            }
            Cli.Result json = env.cli.run("metrics", pid, "--json");
            assertEquals(0, json.exit(), json::toString);
            Map<String, Object> v = TimingTest.castMap(TimingTest.castMap(TimingTest.castMap(JsonReader.parse(json.out())).get("threads")).get("virtual"));
            if (virtual) {
                assertEquals(PARKED + 1, ((Number) v.get("count")).intValue(), v::toString);
                assertNull(v.get("unavailable"), v::toString);
            } else {
                assertNull(v.get("count"), v::toString);
                assertTrue(v.get("unavailable").toString().startsWith("not available"), v::toString);
            }

            // timing on virtual threads: exact counts, memory within the bound of nextPow2(2 x 2 CPUs) = 4 stripes
            if (virtual) {
                assertEquals((long) CALLERS * EACH, calls);
                Cli.Result timings = env.cli.run("timings", pid, "--json", "--all");
                assertEquals(0, timings.exit(), timings::toString);
                Map<String, Object> row = null;
                for (Object o : (List<?>) JsonReader.parse(timings.out())) {
                    Map<String, Object> m = TimingTest.castMap(o);
                    if (m.get("method").toString().contains("VirtualParked#timedOnVirtualThread(")) {
                        row = m;
                    }
                }
                assertTrue(row != null, timings::toString);
                assertEquals(calls, TimingTest.num(row, "count"), row::toString);
                assertEquals(0, TimingTest.num(row, "unbucketed"), row::toString);
                long bound = 4L * MethodStats.CEILING_BYTES;
                long bytes = TimingTest.num(row, "bytes");
                assertTrue(bytes > 0 && bytes <= bound, bytes + " bytes, bound " + bound + ": " + row);
                System.out.printf("%s: %d calls from %d virtual threads, %d bytes (bound %d)%n", jdk.getFileName(), calls, CALLERS, bytes, bound);

                // profiles: the burner's samples sit under its own name, marked virtual, with its own stack; its carrier's CPU is not added again
                Cli.Result cpu = env.cli.run("profile", "cpu", pid, "-d", "4s", "--threads", "-o", "cpu.pb.gz");
                assertEquals(0, cpu.exit(), cpu::toString);
                Profile p = PprofReader.read(env.work.resolve("cpu.pb.gz"));
                int cpuType = p.typeIndex("cpu");
                long burning = 0;
                StringBuilder seen = new StringBuilder();
                for (int n = 0; n < p.nodeCount(); n++) {
                    int[] stack = p.stack(n);
                    if (!p.hasSamples(n) || stack.length == 0) {
                        continue;
                    }
                    String root = p.frameName(stack[0]);
                    String leaf = p.frameName(stack[stack.length - 1]);
                    seen.append(root).append(" .. ").append(leaf).append(' ').append(p.value(n, cpuType)).append('\n');
                    for (int f : stack) {
                        if (p.frameName(f).equals("dev.forgeperf.e2e.fixture.VirtualParked.burnOnVirtualThread")) {
                            assertEquals("[vt-burner (virtual)]", root, seen::toString);
                            burning += p.value(n, 0);
                        }
                    }
                    assertFalse(root.matches("\\[ForkJoinPool-\\d+-worker-\\d+\\]") && leaf.equals("[CPU time without samples]") && p.value(n, cpuType) > 0,
                            () -> "a carrier's CPU counted again:\n" + seen);
                }
                assertTrue(burning > 0, seen::toString);
            }
        }
    }

    /**
     * A snapshot's {@code threads.txt} counts and groups the virtual threads too (500 parked in one
     * method: one group of exactly 500 with that method's stack), and {@code threads PID} (which
     * ranks platform threads by CPU) says under its table how many virtual threads are alive and why
     * they are not ranked. On JDK 17 both are as before: no word of virtual threads.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void snapshotThreadsAndTheThreadsCommandCountVirtualThreads(Path jdk) throws Exception {
        boolean virtual = Jdks.feature(jdk) >= 21;
        int parked = 500;
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-Xmx256m", "-XX:ActiveProcessorCount=2", "-javaagent:" + Fixtures.agentJar() + "=jfr=off",
                    "-cp", Fixtures.testClasses().toString()), "dev.forgeperf.e2e.fixture.VirtualParked", Integer.toString(parked), "0", "0", "600000");
            String pid = app.awaitOut("virtual ready pid=(\\d+) calls=", Duration.ofSeconds(180));
            env.awaitSocket(Long.parseLong(pid));

            Cli.Result snap = env.cli.run("snapshot", pid, "-o", "snap");
            assertEquals(0, snap.exit(), snap::toString);
            String threads = Files.readString(env.work.resolve("snap").resolve("threads.txt"));
            assertTrue(threads.startsWith("Full thread dump"), threads);
            assertTrue(threads.contains("\"platform-parked-0\" #"), threads);
            if (virtual) {
                // the parked ones and the fixture's CPU burner
                assertTrue(threads.contains("\n" + (parked + 1) + " virtual threads, grouped by stack after the platform threads\n"), threads);
                assertTrue(threads.contains("Virtual threads: " + (parked + 1) + " in 2 distinct stacks"), threads);
                String group = groupAt(threads, SPOT);
                assertTrue(group.startsWith(parked + " virtual threads (WAITING " + parked + "): \"parked-v-"), group);
                assertTrue(group.contains("java.util.concurrent.locks.LockSupport.park("), group);
                assertTrue(groupAt(threads, "dev.forgeperf.e2e.fixture.VirtualParked.burnOnVirtualThread").startsWith("1 virtual thread"), threads);
                assertFalse(threads.contains("not listed here"), "2 stacks: all listed");
            } else {
                assertFalse(threads.contains("irtual thread"), threads);
            }

            Cli.Result text = env.cli.run("threads", pid, "-i", "500ms");
            assertEquals(0, text.exit(), text::toString);
            String line = text.out().lines().filter(l -> l.startsWith("virtual threads: ")).findFirst().orElse(null);
            if (virtual) {
                assertEquals("virtual threads: " + (parked + 1) + " alive, not ranked (the JDK keeps no CPU time per virtual thread; what they use"
                        + " counts on the carrier threads they ran on); `forge-perf dump threads " + pid + "` shows their stacks", line, text::toString);
            } else {
                assertNull(line, text::toString);
            }
            Cli.Result json = env.cli.run("threads", pid, "-i", "500ms", "--json");
            assertEquals(0, json.exit(), json::toString);
            Map<String, Object> answer = TimingTest.castMap(JsonReader.parse(json.out()));
            assertEquals(virtual ? (Object) (long) (parked + 1) : null, answer.get("virtualThreads") == null ? null
                    : ((Number) answer.get("virtualThreads")).longValue(), answer::toString);
        }
    }

    /** The group (header line and frames) of the virtual-thread section whose stack holds {@code method}. */
    static String groupAt(String dump, String method) {
        String section = dump.substring(dump.indexOf("Virtual threads: "));
        for (String group : section.split("\n\n")) {
            if (group.contains("\tat " + method + "(")) {
                return group;
            }
        }
        throw new AssertionError("no group at " + method + ":\n" + section);
    }

    /** The cum column of {@code go tool pprof -top}'s row for {@code function}, -1 when absent. */
    static long cum(String top, String function) {
        for (String line : top.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && String.join(" ", List.of(f).subList(5, f.length)).equals(function)) {
                return Long.parseLong(f[3]);
            }
        }
        return -1;
    }
}
