package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgeperf.util.JsonReader;

/** Method timing end to end: real JVMs, specs at startup and at runtime, read back through the CLI. */
class TimingTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    private static final String WORKLOAD = "dev.forgeperf.e2e.fixture.Workload";

    private static List<String> workloadClassPath() {
        return List.of("-cp", Fixtures.testClasses() + ":" + Fixtures.agentJar());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> timings(Env env, long pid) {
        Cli.Result r = env.cli.run("timings", String.valueOf(pid), "--json", "--all");
        assertEquals(0, r.exit(), r::toString);
        Map<String, Map<String, Object>> byMethod = new java.util.LinkedHashMap<>();
        for (Object row : (List<Object>) JsonReader.parse(r.out())) {
            Map<String, Object> m = (Map<String, Object>) row;
            byMethod.put((String) m.get("method"), m);
        }
        return byMethod;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    /**
     * The voluntary context switches of the JVM's main thread (the thread named {@code java} that is
     * not the launcher's primordial thread, which only waits for it), from /proc.
     */
    static long mainThreadSleeps(long pid) {
        long n = 0;
        try (var tasks = java.nio.file.Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                if (task.getFileName().toString().equals(String.valueOf(pid))
                        || !java.nio.file.Files.readString(task.resolve("comm")).strip().equals("java")) {
                    continue;
                }
                for (String line : java.nio.file.Files.readAllLines(task.resolve("status"))) {
                    if (line.startsWith("voluntary_ctxt_switches:")) {
                        n += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot read the threads of " + pid, e);
        }
        return n;
    }

    static long num(Map<String, Object> row, String key) {
        assertNotNull(row, "row present");
        return ((Number) row.get(key)).longValue();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void startupSpecsGivePercentilesErrorsAnnotationsTracksAndCustomLoaders(Path jdk) {
        try (Env env = new Env()) {
            List<String> jvm = new ArrayList<>(workloadClassPath());
            jvm.add(0, "-javaagent:" + Fixtures.agentJar() + "=timed=Workload#fast,timed=Workload#slow,timed=Workload#failing(int),"
                    + "timed=@Timed,timed=dev.forgeperf.e2e.fixture.Isolated#work");
            Proc app = env.java(jdk, jvm, WORKLOAD, "60000");
            String pid = app.awaitOut("workload ready pid=(\\d+)", Duration.ofSeconds(60));
            assertTrue(app.stdout().contains("isolated loader parent is bootstrap: true"), app::stdout);

            Map<String, Map<String, Object>> t = timings(env, Long.parseLong(pid));
            Map<String, Object> fast = t.get("dev.forgeperf.e2e.fixture.Workload#fast()");
            assertEquals(200, num(fast, "count"));
            assertTrue(num(fast, "minNanos") >= 1_000_000, fast::toString);
            // a median is at most twice the (exact) mean of non-negative values (Markov), whatever the load did to the calls
            assertTrue(num(fast, "p50Nanos") >= 990_000 && num(fast, "p50Nanos") <= 2.02 * num(fast, "meanNanos"), fast::toString);
            assertTrue(num(fast, "p90Nanos") >= num(fast, "p50Nanos") && num(fast, "p99Nanos") >= num(fast, "p90Nanos"), fast::toString);
            assertTrue(num(fast, "maxNanos") >= num(fast, "p999Nanos"), fast::toString);
            assertTrue(num(fast, "totalNanos") >= 200 * 1_000_000L, fast::toString);

            Map<String, Object> slow = t.get("dev.forgeperf.e2e.fixture.Workload#slow()");
            assertEquals(20, num(slow, "count"));
            assertTrue(num(slow, "p50Nanos") >= 4_950_000 && num(slow, "p50Nanos") <= 2.02 * num(slow, "meanNanos"), slow::toString);

            Map<String, Object> failing = t.get("dev.forgeperf.e2e.fixture.Workload#failing(int)");
            assertEquals(100, num(failing, "count"));
            assertEquals(25, num(failing, "errors"));

            assertEquals(7, num(t.get("dev.forgeperf.e2e.fixture.Workload#annotatedByForgePerf()"), "count"));
            assertEquals(7, num(t.get("dev.forgeperf.e2e.fixture.Workload#annotatedByApp()"), "count"));
            Map<String, Object> track = t.get("track:fixture.block");
            assertEquals(3, num(track, "count"));
            assertTrue(num(track, "minNanos") >= 2_000_000, track::toString);
            assertEquals(500, num(t.get("dev.forgeperf.e2e.fixture.Isolated#work(int)"), "count"));

            Cli.Result table = env.cli.run("timings", pid, "--sort", "p99");
            assertEquals(0, table.exit(), table::toString);
            String[] lines = table.out().split("\n");
            assertTrue(lines[0].startsWith("METHOD") && lines[0].contains("P99.9"), table::toString);
            Cli.Result sorted = env.cli.run("timings", pid, "--sort", "p99", "--json");
            long previous = Long.MAX_VALUE;
            for (Object row : (List<?>) JsonReader.parse(sorted.out())) {
                long p99 = num(castMap(row), "p99Nanos");
                assertTrue(p99 <= previous, "sorted by p99 descending: " + sorted.out());
                previous = p99;
            }

            Cli.Result reset = env.cli.run("timings", pid, "--reset");
            assertEquals(0, reset.exit(), reset::toString);
            assertEquals(0, num(timings(env, Long.parseLong(pid)).get("dev.forgeperf.e2e.fixture.Workload#fast()"), "count"));
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void runtimeInstrumentTimesAndUninstrumentRestoresTheOriginalBytecode(Path jdk) throws Exception {
        try (Env env = new Env()) {
            List<String> jvm = new ArrayList<>(workloadClassPath());
            jvm.add(0, "-javaagent:" + Fixtures.agentJar());
            Proc app = env.java(jdk, jvm, WORKLOAD, "120000");
            String pid = app.awaitOut("workload ready pid=(\\d+)", Duration.ofSeconds(60));

            Cli.Result r = env.cli.run("dump", "class", pid, WORKLOAD, "-o", "before.class");
            assertEquals(0, r.exit(), r::toString);
            r = env.cli.run("instrument", pid, "dev.forgeperf.e2e.fixture.Workload#tick");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("1 method in 1 class") && r.out().contains("Workload#tick()"), r::toString);
            r = env.cli.run("dump", "class", pid, WORKLOAD, "-o", "during.class");
            assertEquals(0, r.exit(), r::toString);

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long count = 0;
            while (count < 50 && System.nanoTime() < deadline) {
                Env.sleep(200);
                count = num(timings(env, Long.parseLong(pid)).get("dev.forgeperf.e2e.fixture.Workload#tick()"), "count");
            }
            assertTrue(count >= 50, "tick is being timed: " + count);

            r = env.cli.run("instrument", pid, "dev.forgeperf.e2e.fixture.Workload#tick");
            assertEquals(1, r.exit(), r::toString);
            assertTrue(r.err().contains("already instrumented"), r::toString);

            r = env.cli.run("uninstrument", pid, "dev.forgeperf.e2e.fixture.Workload#tick");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("restored to their original bytecode"), r::toString);
            r = env.cli.run("dump", "class", pid, WORKLOAD, "-o", "after.class");
            assertEquals(0, r.exit(), r::toString);

            // HotSpot's redefinition merges constant pools, so the class file the JVM hands back
            // after a redefinition may carry extra, unused constant-pool entries: compare every
            // method's instructions (constant-pool indices resolved by javap's comments).
            String before = instructions(jdk, env.work.resolve("before.class"));
            String during = instructions(jdk, env.work.resolve("during.class"));
            String after = instructions(jdk, env.work.resolve("after.class"));
            assertTrue(during.contains("dev/forgeperf/bootstrap/Recorder.record"), during);
            assertFalse(before.contains("dev/forgeperf/bootstrap/Recorder"), before);
            assertEquals(before, after, "original bytecode restored");

            long stopped = num(timings(env, Long.parseLong(pid)).get("dev.forgeperf.e2e.fixture.Workload#tick()"), "count");
            // the loop has gone round (tick, then a 1 ms sleep: a voluntary context switch of the main
            // thread, as the kernel counts them) at least 50 more times: not a fixed 0.5 s, in which a
            // busy machine may not run the loop at all and the check below could not fail
            long switches = mainThreadSleeps(Long.parseLong(pid));
            long deadline2 = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (mainThreadSleeps(Long.parseLong(pid)) < switches + 50 && System.nanoTime() < deadline2) {
                Env.sleep(50);
            }
            assertTrue(mainThreadSleeps(Long.parseLong(pid)) >= switches + 50, "the workload's loop runs on");
            Map<String, Object> row = timings(env, Long.parseLong(pid)).get("dev.forgeperf.e2e.fixture.Workload#tick()");
            assertEquals(stopped, num(row, "count"), "counts stop after uninstrument");
            assertEquals(Boolean.FALSE, row.get("active"));

            r = env.cli.run("uninstrument", pid, "--all");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("nothing was instrumented"), r::toString);
        }
    }

    /** javap's disassembly of every method, with constant-pool indices and alignment removed. */
    static String instructions(Path jdk, Path classFile) {
        return Jdks.tool(jdk, "javap", "-c", "-p", classFile.toString()).stdout().replaceAll("#\\d+(,\\s*\\d+)?", "#").replaceAll("[ \\t]+", " ");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void badSpecsAreRefusedWithOneClearLine(Path jdk) {
        try (Env env = new Env()) {
            Proc app = env.hello(jdk, "", 300_000);
            String pid = String.valueOf(app.pid());
            List<Cli.Result> errors = new ArrayList<>();
            Cli.Result r = env.cli.run("instrument", pid, "com.acme.Foo#ba%r");
            assertEquals(2, r.exit(), r::toString);
            errors.add(r);
            assertTrue(r.err().contains("unexpected character '%' at position 16"), r::toString);
            r = env.cli.run("instrument", pid, "com.acme.Foo");
            assertEquals(2, r.exit(), r::toString);
            errors.add(r);
            assertTrue(r.err().contains("missing '#'"), r::toString);
            r = env.cli.run("instrument", pid, "com.acme.Nothing#here");
            assertEquals(1, r.exit(), r::toString);
            errors.add(r);
            assertTrue(r.err().contains("matches no method") && r.err().contains("--pending"), r::toString);
            r = env.cli.run("instrument", pid, "**#*", "--limit", "0");
            assertEquals(1, r.exit(), r::toString);
            errors.add(r);
            assertTrue(r.err().contains("more than the limit of 0") && r.err().contains("--force"), r::toString);
            r = env.cli.run("instrument", pid, "java.util.ArrayList#add");
            assertEquals(1, r.exit(), r::toString);
            errors.add(r);
            assertTrue(r.err().contains("--allow-jdk"), r::toString);
            r = env.cli.run("uninstrument", pid, "com.acme.Nothing#here");
            assertEquals(1, r.exit(), r::toString);
            assertTrue(r.err().contains("is not instrumented"), r::toString);
            errors.add(r);
            for (Cli.Result each : errors) {
                assertEquals(1, each.err().lines().count(), each::toString);
            }
            r = env.cli.run("instrument", pid, "com.acme.Later#run", "--pending");
            assertEquals(0, r.exit(), r::toString);
            r = env.cli.run("status", pid);
            assertTrue(r.out().contains("com.acme.Later#run"), r::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void snapshotOnExitTimesAShortProgramAndSlowCallsReachJfr(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Path out = env.work.resolve("exit-snapshots");
            Path jfr = env.work.resolve("run.jfr");
            List<String> jvm = new ArrayList<>(workloadClassPath());
            jvm.add(0, "-XX:StartFlightRecording=filename=" + jfr + ",settings=default");
            jvm.add(0, "-javaagent:" + Fixtures.agentJar() + "=timed=Workload#slow*,snapshotOnExit=" + out);
            Proc app = env.java(jdk, jvm, WORKLOAD, "0");
            assertEquals(0, app.waitFor(Duration.ofSeconds(90)), app::stderr);
            assertTrue(app.stdout().contains("workload done"), app::stdout);
            List<Path> dirs;
            try (Stream<Path> s = Files.list(out)) {
                dirs = s.toList();
            }
            assertEquals(1, dirs.size(), dirs::toString);
            assertTrue(dirs.get(0).getFileName().toString().startsWith(app.pid() + "-"), dirs::toString);
            @SuppressWarnings("unchecked")
            List<Object> rows = (List<Object>) JsonReader.parse(Files.readString(dirs.get(0).resolve("timings.json")));
            String text = Files.readString(dirs.get(0).resolve("timings.txt"));
            assertTrue(text.contains("Workload#slow()"), text);
            boolean found = false;
            for (Object o : rows) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) o;
                if (m.get("method").equals("dev.forgeperf.e2e.fixture.Workload#slow()")) {
                    assertEquals(20, num(m, "count"));
                    found = true;
                }
            }
            assertTrue(found, rows::toString);

            String events = Jdks.tool(jdk, "jfr", "print", "--events", "forge.MethodTiming", jfr.toString()).stdout();
            assertTrue(events.contains("Workload#slowForJfr()") && events.contains("Workload.slowForJfr"), events);
            // the rule, not the machine's speed: every event is a call of 10 ms or more (the threshold), the two
            // 30 ms calls always are; 5 ms calls (and 2 ms tracks) appear only when a loaded machine stretched them past 10 ms
            String json = Jdks.tool(jdk, "jfr", "print", "--json", "--events", "forge.MethodTiming", jfr.toString()).stdout();
            int slowForJfr = 0;
            for (Object e : (List<?>) ((Map<?, ?>) ((Map<?, ?>) JsonReader.parse(json)).get("recording")).get("events")) {
                Map<?, ?> values = (Map<?, ?>) ((Map<?, ?>) e).get("values");
                Object elapsed = values.get("elapsed");
                long nanos = elapsed instanceof Number ? ((Number) elapsed).longValue() : Duration.parse(elapsed.toString()).toNanos();
                assertTrue(nanos >= 10_000_000L, "only calls over the 10 ms threshold: " + values);
                String method = String.valueOf(values.get("method"));
                assertTrue(method.endsWith("Workload#slowForJfr()") || method.endsWith("Workload#slow()") || method.equals("track:fixture.block"),
                        method);
                slowForJfr += method.endsWith("Workload#slowForJfr()") ? 1 : 0;
            }
            assertEquals(2, slowForJfr, events);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void anAppWithItsOwnByteBuddyKeepsWorking(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Path bb = Path.of(net.bytebuddy.ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            List<String> jvm = List.of("-javaagent:" + Fixtures.agentJar() + "=timed=OwnByteBuddy#greet",
                    "-cp", Fixtures.testClasses() + ":" + bb);
            Proc app = env.java(jdk, jvm, "dev.forgeperf.e2e.fixture.OwnByteBuddy", "60000");
            String pid = app.awaitOut("own ready pid=(\\d+)", Duration.ofSeconds(60));
            assertTrue(app.stdout().contains("greeting: hello from the app's Byte Buddy"), app::stdout);
            assertEquals(11, num(timings(env, Long.parseLong(pid)).get("dev.forgeperf.e2e.fixture.OwnByteBuddy#greet(Object)"), "count"));
        }
    }

    /**
     * A class whose method is 65,498 bytes long cannot take the advice (the JVM's limit is
     * 65,535): instrument reports that class and still times the other class of the spec.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void aClassThatCannotBeTransformedIsReportedAndTheRestAreTimed(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Path src = Files.createDirectories(env.work.resolve("src/gen"));
            StringBuilder huge = new StringBuilder("package gen;\npublic class Huge {\n    public static long big(long s) {\n");
            for (int i = 0; i < 6576; i++) {
                huge.append("        s = s * 31 + ").append(i % 100).append(";\n");
            }
            huge.append("        return s;\n    }\n}\n");
            Files.writeString(src.resolve("Huge.java"), huge);
            Files.writeString(src.resolve("Small.java"), "package gen;\npublic class Small {\n    public static long work(long s) { return s * 7 + 1; }\n}\n");
            Files.writeString(src.resolve("Main.java"), "package gen;\npublic class Main {\n    public static void main(String[] a) throws Exception {\n"
                    + "        System.out.println(\"gen ready pid=\" + ProcessHandle.current().pid());\n"
                    + "        long s = 0;\n        for (int i = 0; i < 600; i++) { s = Huge.big(s) + Small.work(s); Thread.sleep(100); }\n"
                    + "        System.out.println(\"gen done \" + s);\n    }\n}\n");
            Path classes = env.work.resolve("classes");
            Jdks.tool(jdk, "javac", "--release", "17", "-d", classes.toString(), src.resolve("Huge.java").toString(),
                    src.resolve("Small.java").toString(), src.resolve("Main.java").toString());
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar() + "=jfr=off", "-cp", classes.toString()), "gen.Main");
            String pid = app.awaitOut("gen ready pid=(\\d+)", Duration.ofSeconds(60));

            Cli.Result r = env.cli.run("instrument", pid, "gen.*#*");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("2 methods in 2 classes") && r.out().contains("gen.Small#work(long)"), r::toString);
            assertTrue(r.out().contains("failed: gen.Huge: MethodTooLargeException"), r::toString);
            assertTrue(r.out().contains("failed: gen.Huge"), r::toString);
            assertFalse(r.out().contains("gen.Huge#big"), r::toString);
            // the generated loop calls work every 100 ms: poll until a call was timed (not a fixed 0.5 s)
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Map<String, Map<String, Object>> t = timings(env, Long.parseLong(pid));
            while ((t.get("gen.Small#work(long)") == null || num(t.get("gen.Small#work(long)"), "count") == 0) && System.nanoTime() < deadline) {
                Env.sleep(100);
                t = timings(env, Long.parseLong(pid));
            }
            assertTrue(num(t.get("gen.Small#work(long)"), "count") > 0, t::toString);
            assertTrue(app.process().isAlive(), "the host runs on");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void sampledModeCountsEveryCallAndTimesOneInN(Path jdk) {
        try (Env env = new Env()) {
            List<String> jvm = new ArrayList<>(workloadClassPath());
            jvm.add(0, "-javaagent:" + Fixtures.agentJar() + "=timed=Workload#fast,timed=Workload#failing(int),timed.sample=4");
            Proc app = env.java(jdk, jvm, WORKLOAD, "60000");
            String pid = app.awaitOut("workload ready pid=(\\d+)", Duration.ofSeconds(60));
            Map<String, Map<String, Object>> t = timings(env, Long.parseLong(pid));
            Map<String, Object> fast = t.get("dev.forgeperf.e2e.fixture.Workload#fast()");
            assertEquals(200, num(fast, "count"), "every call counted");
            assertEquals(Boolean.TRUE, fast.get("sampled"));
            assertTrue(num(fast, "timedCount") >= 50 && num(fast, "timedCount") <= 52, fast::toString);
            assertTrue(num(fast, "minNanos") >= 1_000_000, fast::toString);
            assertTrue(num(fast, "totalNanos") >= 190 * 1_000_000L, "total estimated from the timed calls: " + fast);
            Map<String, Object> failing = t.get("dev.forgeperf.e2e.fixture.Workload#failing(int)");
            assertEquals(100, num(failing, "count"));
            assertEquals(25, num(failing, "errors"), "errors exact in sampled mode");
        }
    }

    /**
     * A method whose calls take a few clock reads is timed mostly by the timer itself: timings says
     * so (text mark and legend, JSON nearClock), with the cost of a read it measured, which the
     * test checks against its own measurement on the same machine.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void timingsMarksMethodsWhoseCallsTakeAFewClockReads(Path jdk) throws Exception {
        try (Env env = new Env()) {
            List<String> jvm = new ArrayList<>(workloadClassPath());
            jvm.add(0, "-javaagent:" + Fixtures.agentJar() + "=timed=Workload#tick,timed=Workload#fast");
            Proc app = env.java(jdk, jvm, WORKLOAD, "600000");
            long pid = Long.parseLong(app.awaitOut("workload ready pid=(\\d+)", Duration.ofSeconds(60)));
            String tick = "dev.forgeperf.e2e.fixture.Workload#tick()";
            long deadline = System.nanoTime() + 120_000_000_000L;
            Map<String, Map<String, Object>> t = timings(env, pid);
            while ((t.get(tick) == null || num(t.get(tick), "count") < 3000) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                t = timings(env, pid);
            }
            assertTrue(num(t.get(tick), "count") >= 3000, () -> "tick ran: " + env.cli.run("timings", String.valueOf(pid)));
            Map<String, Object> tiny = t.get(tick);
            Map<String, Object> fast = t.get("dev.forgeperf.e2e.fixture.Workload#fast()");
            assertEquals(Boolean.TRUE, tiny.get("nearClock"), tiny::toString);
            assertEquals(Boolean.FALSE, fast.get("nearClock"), fast::toString);
            long read = num(tiny, "clockReadNanos");
            long ours = ownClockRead();
            assertTrue(read >= ours / 4 && read <= ours * 4 + 50, "the agent measured " + read + " ns a clock read, this test " + ours);

            Cli.Result text = env.cli.run("timings", String.valueOf(pid));
            assertEquals(0, text.exit(), text::toString);
            String tickLine = text.out().lines().filter(l -> l.contains("Workload#tick")).findFirst().orElseThrow();
            String fastLine = text.out().lines().filter(l -> l.contains("Workload#fast")).findFirst().orElseThrow();
            assertTrue(tickLine.contains("^"), text::toString);
            assertFalse(fastLine.contains("^"), text::toString);
            assertTrue(text.out().contains("^ median under 10 clock reads"), text::toString);
        }
    }

    private static volatile long clockSink;

    /** What a System.nanoTime() read costs in this JVM: the cheapest of 200 batches of 1,000. */
    private static long ownClockRead() {
        double best = Double.MAX_VALUE;
        long sink = 0;
        for (int b = 0; b < 200; b++) {
            long start = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                sink += System.nanoTime();
            }
            best = Math.min(best, (System.nanoTime() - start) / 1001.0);
        }
        clockSink = sink;
        return Math.max(1, Math.round(best));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void theLibraryFaceIsANoOpWithoutTheAgent(Path jdk) {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, workloadClassPath(), WORKLOAD, "0");
            assertEquals(0, app.waitFor(Duration.ofSeconds(90)), app::stderr);
            assertTrue(app.stdout().contains("failures=25") && app.stdout().contains("workload done"), app::stdout);
            assertFalse(app.stderr().contains("forge-perf"), app::stderr);
        }
    }
}
