package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgeperf.util.JsonReader;

/**
 * What method timing costs the host, bounded: memory per method independent of the core count,
 * classes generated at run time folded, rows of collected class loaders released, a cap on rows,
 * one row per method (class loader and parameter packages told apart), and the stack a timed
 * frame adds.
 */
class TimingBoundsTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    private static final String GENERATED = "dev.forgeperf.e2e.fixture.Generated";
    private static final String GEN = "dev.forgeperf.e2e.fixture.gen.";

    private static List<String> jvm(String agentOptions, String... more) {
        List<String> args = new ArrayList<>(List.of(more));
        if (agentOptions != null) {
            args.add("-javaagent:" + Fixtures.agentJar() + "=jfr=off" + (agentOptions.isEmpty() ? "" : "," + agentOptions));
        }
        args.add("-cp");
        args.add(Fixtures.testClasses() + ":" + Fixtures.agentJar());
        return args;
    }

    private static long calls(Proc app) {
        return Long.parseLong(app.awaitOut("generated done calls=(\\d+)", Duration.ofSeconds(240)));
    }

    /** Rows whose method name contains {@code part}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> rows(Env env, String pid, String part) {
        env.awaitSocket(Long.parseLong(pid)); // the agent opens its socket after premain, off the host's main thread
        Cli.Result r = env.cli.run("timings", pid, "--json", "--all");
        assertEquals(0, r.exit(), r::toString);
        assertFalse(r.out().isBlank(), () -> "an answer: " + r);
        Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
        for (Object row : (List<Object>) JsonReader.parse(r.out())) {
            Map<String, Object> m = (Map<String, Object>) row;
            if (((String) m.get("method")).contains(part)) {
                out.put((String) m.get("method"), m);
            }
        }
        return out;
    }

    private static long sum(Map<String, Map<String, Object>> rows, String key) {
        return rows.values().stream().mapToLong(r -> TimingTest.num(r, key)).sum();
    }

    /**
     * With 64 CPUs as far as the JVM knows, a method called from one thread holds one stripe and
     * the groups it uses: at most 8 KiB (it was 291 KiB). Read through `timings --json` and
     * `status`; the JVM's class histogram counts the stripes independently.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void bytesPerMethodStayUnder8KiBWith64Cpus(Path jdk) {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, jvm("timed=Workload#fast,timed=Workload#slow,timed=Workload#failing(int),timed=Workload#tick",
                    "-XX:ActiveProcessorCount=64"), "dev.forgeperf.e2e.fixture.Workload", "60000");
            String pid = app.awaitOut("workload ready pid=(\\d+)", Duration.ofSeconds(60));
            Map<String, Map<String, Object>> rows = rows(env, pid, "Workload#");
            int called = 0;
            long bytes = 0;
            StringBuilder each = new StringBuilder();
            for (Map<String, Object> r : rows.values()) {
                if (TimingTest.num(r, "count") > 0) {
                    called++;
                    long b = TimingTest.num(r, "bytes");
                    bytes += b;
                    each.append(' ').append(b);
                    assertTrue(b > 0 && b <= 8 * 1024, "bytes of " + r);
                }
            }
            System.out.printf("%s, 64 CPUs: bytes of each called method:%s%n", jdk.getFileName(), each);
            assertTrue(called >= 3, rows::toString);

            Cli.Result status = env.cli.run("status", pid);
            assertEquals(0, status.exit(), status::toString);
            Matcher m = Pattern.compile("timing memory: .* for (\\d+) called methods, (\\d+) B each").matcher(status.out());
            assertTrue(m.find(), status::toString);
            assertTrue(Long.parseLong(m.group(2)) <= 8 * 1024, status::toString);

            String histogram = Jdks.tool(jdk, "jcmd", pid, "GC.class_histogram").stdout();
            Matcher stripes = Pattern.compile("\\s(\\d+)\\s+(\\d+)\\s+dev\\.forgeperf\\.bootstrap\\.MethodStats\\$Stripe\\b").matcher(histogram);
            assertTrue(stripes.find(), histogram);
            int perMethod = Integer.parseInt(stripes.group(1));
            int calledNow = Integer.parseInt(m.group(1));
            assertTrue(perMethod <= calledNow, perMethod + " stripes for " + calledNow + " called methods, single-threaded: one each");
        }
    }

    /**
     * 5,000 classes made at run time ({@code Svc$$EnhancerByForge$$<hex>}, each in its own class
     * loader) under a spec that matches them all, in a 32 MB heap: one folded row with every call,
     * and the host does not run out of memory (it did in 20 s at 256 MB).
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void generatedClassesFoldIntoOneRowInASmallHeap(Path jdk) {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, jvm("timed=" + GEN + "*#applyAsInt", "-Xmx32m"), GENERATED, "fold", "5000", "60000");
            String pid = app.awaitOut("generated ready pid=(\\d+)", Duration.ofSeconds(60));
            long calls = calls(app);
            assertEquals(15_000, calls);
            // the calls are counted before the fixture prints its total; polled all the same, and a
            // failure says what the agent said (a saturated CI run once read no row at all here)
            Map<String, Map<String, Object>> rows = rows(env, pid, "EnhancerByForge");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((rows.size() != 1 || sum(rows, "count") != calls) && System.nanoTime() < deadline) {
                Env.sleep(500);
                rows = rows(env, pid, "EnhancerByForge");
            }
            Map<String, Map<String, Object>> seen = rows;
            java.util.function.Supplier<String> why = () -> seen + "\nstatus: " + env.cli.run("status", pid) + "\napp stderr: " + app.stderr();
            assertEquals(Set.of(GEN + "Svc$$EnhancerByForge$$*#applyAsInt(int)"), rows.keySet(), why);
            assertEquals(calls, sum(rows, "count"), why);
            assertFalse(app.stderr().contains("OutOfMemoryError"), app::stderr);
            assertTrue(app.process().isAlive(), app::stderr);
        }
    }

    /**
     * The same class name in 3,000 class loaders that are dropped (redeployments): rows of
     * collected loaders are folded into one "[unloaded]" row, their memory freed; every call is
     * still counted.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void rowsOfCollectedClassLoadersAreFoldedAndFreed(Path jdk) {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, jvm("timed=" + GEN + "Plugin#applyAsInt", "-Xmx32m"), GENERATED, "plain", "3000", "60000");
            String pid = app.awaitOut("generated ready pid=(\\d+)", Duration.ofSeconds(60));
            long calls = calls(app);
            assertEquals(9_000, calls);
            Map<String, Map<String, Object>> rows = rows(env, pid, "Plugin#applyAsInt");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (rows.size() > 20 && System.nanoTime() < deadline) {
                Env.sleep(500);
                rows = rows(env, pid, "Plugin#applyAsInt");
            }
            Map<String, Map<String, Object>> last = rows;
            assertTrue(last.size() <= 20, last.size() + " rows: " + last.keySet());
            // the row of the collected loaders: no longer instrumented, named plainly when alone and
            // "[unloaded]" beside rows of live loaders
            assertTrue(last.entrySet().stream().anyMatch(e -> e.getValue().get("active") == Boolean.FALSE
                    && (last.size() == 1 || e.getKey().endsWith(" [unloaded]"))), last::toString);
            assertTrue(last.keySet().stream().allMatch(k -> k.startsWith(GEN + "Plugin#applyAsInt(int)")), last::toString);
            assertEquals(calls, sum(last, "count"), "no call lost in folding");
            Cli.Result status = env.cli.run("status", pid);
            Matcher m = Pattern.compile("; (\\d+) of (\\d+) rows \\(timed.maxMethods\\)").matcher(status.out());
            assertTrue(m.find(), status::toString);
            assertTrue(Integer.parseInt(m.group(1)) <= 20, status::toString);
            assertFalse(app.stderr().contains("OutOfMemoryError"), app::stderr);
        }
    }

    /** The same class in two class loaders: two rows, told apart by the loader. */
    @ParameterizedTest
    @MethodSource("jdks")
    void twoClassLoadersGiveTwoRows(Path jdk) {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, jvm("timed=" + GEN + "Plugin#applyAsInt"), GENERATED, "twoLoaders", "0", "60000");
            String pid = app.awaitOut("generated ready pid=(\\d+)", Duration.ofSeconds(60));
            calls(app);
            Map<String, Map<String, Object>> rows = rows(env, pid, "Plugin#applyAsInt");
            assertEquals(2, rows.size(), rows::toString);
            for (Map.Entry<String, Map<String, Object>> e : rows.entrySet()) {
                if (e.getKey().startsWith(GEN + "Plugin#applyAsInt(int) [webapp-a@")) {
                    assertEquals(3, TimingTest.num(e.getValue(), "count"));
                } else {
                    assertTrue(e.getKey().startsWith(GEN + "Plugin#applyAsInt(int) [webapp-b@"), rows::toString);
                    assertEquals(5, TimingTest.num(e.getValue(), "count"));
                }
            }
        }
    }

    /**
     * Overloads whose parameter types differ only by package: two rows with full parameter
     * types, and two distinct /metrics series (promtool-clean, no sample line twice).
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void overloadsDifferingByPackageGetDistinctSeries(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, jvm("http=0,timed=" + GEN + "Overloads#handle"), GENERATED, "overloads", "0", "60000");
            String pid = app.awaitOut("generated ready pid=(\\d+)", Duration.ofSeconds(60));
            calls(app);
            Map<String, Map<String, Object>> rows = rows(env, pid, "Overloads#handle");
            assertEquals(3, TimingTest.num(rows.get(GEN + "Overloads#handle(" + GEN + "a.Order)"), "count"), rows::toString);
            assertEquals(5, TimingTest.num(rows.get(GEN + "Overloads#handle(" + GEN + "b.Order)"), "count"), rows::toString);

            String url = HttpServerTest.awaitUrl(env, pid);
            HttpServerTest.Response metrics = HttpServerTest.get(url + "metrics");
            assertEquals(200, metrics.status(), metrics::toString);
            Path file = env.work.resolve("metrics.txt");
            Files.writeString(file, metrics.text());
            Promtool.assertClean(file);
            Set<String> series = new HashSet<>();
            for (String line : metrics.text().split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    String id = line.substring(0, line.lastIndexOf(' '));
                    assertTrue(series.add(id), "series twice: " + id);
                }
            }
            assertTrue(series.contains("forgeperf_method_duration_seconds_count{method=\"" + GEN + "Overloads#handle(" + GEN + "a.Order)\"}"),
                    metrics::text);
            assertTrue(series.contains("forgeperf_method_duration_seconds_count{method=\"" + GEN + "Overloads#handle(" + GEN + "b.Order)\"}"),
                    metrics::text);
        }
    }

    /**
     * {@code timed.maxMethods} caps rows: ever-new track names past it are not timed, said once
     * in the agent log and counted by status. A spent {@code timed.maxMemory} is said once too,
     * and the rows past it are marked.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void maxMethodsAndMaxMemoryAreSaidOnceAndShown(Path jdk) {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, jvm("timed.maxMethods=100,timed.maxMemory=64KB"), GENERATED, "tracks", "500", "60000");
            String pid = app.awaitOut("generated ready pid=(\\d+)", Duration.ofSeconds(60));
            assertEquals(500, calls(app));
            Map<String, Map<String, Object>> rows = rows(env, pid, "track:t");
            assertEquals(100, rows.size(), rows::toString);
            assertEquals(100, sum(rows, "count"), "each kept name counted once");
            assertTrue(sum(rows, "unbucketed") > 0, "64 KB holds some histograms, not 100: " + rows);
            assertEquals(1, app.stderrLines(l -> l.contains("timed.maxMethods=100 reached")).size(), app::stderr);
            assertEquals(1, app.stderrLines(l -> l.contains("timed.maxMemory=64.0 KB spent")).size(), app::stderr);

            Cli.Result status = env.cli.run("status", pid);
            assertTrue(status.out().contains("400 methods or track names not timed: timed.maxMethods reached"), status::toString);
            assertTrue(status.out().contains("budget spent"), status::toString);
            Cli.Result table = env.cli.run("timings", pid);
            assertTrue(table.out().contains("! timed.maxMemory spent:"), table::toString);
            assertTrue(table.out().contains("timing memory: "), table::toString);
        }
    }

    /**
     * The stack a timed frame adds: the depth a recursive method reaches on a 1 MB stack (best of
     * 10 threads), timed and untimed. Interpreted, a timed frame holds 4-5 more slots (the start
     * time, the return value, the throwable): at most 48 bytes more per frame (measured 35.5).
     * Compiled, the same bound holds (measured +12.3 bytes on JDK 17, +1.4 on JDK 25). Compiled
     * runs use {@code -Xbatch}: with background compilation how many frames were interpreted and
     * whether C2 inlined a recursion level depended on when the compiler got to the method
     * (JDK 17 untimed: 59,027 or 23,611), and a busy machine moved the timed depth under a third.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void aTimedRecursiveMethodReachesNearlyTheSameDepth(Path jdk) {
        try (Env env = new Env()) {
            for (String mode : List.of("-Xint", "-Xbatch")) {
                Proc plain = env.java(jdk, jvm(null, mode), GENERATED, "deep", "0", "0");
                assertEquals(0, plain.waitFor(Duration.ofSeconds(240)), plain::stderr);
                Proc timed = env.java(jdk, jvm("timed=" + GEN + "Deep#recurse", mode), GENERATED, "deep", "0", "0");
                assertEquals(0, timed.waitFor(Duration.ofSeconds(240)), timed::stderr);
                long without = Long.parseLong(plain.awaitOut("depth (\\d+)", Duration.ofSeconds(5)));
                long with = Long.parseLong(timed.awaitOut("depth (\\d+)", Duration.ofSeconds(5)));
                assertTrue(without > 1000, plain::stdout);
                double extra = (1 << 20) / (double) with - (1 << 20) / (double) without;
                assertTrue(extra <= 48, mode + ": " + extra + " more bytes per frame; depth " + with + " timed vs " + without + " untimed");
                System.out.printf("%s %s: depth %d untimed, %d timed (%.1f vs %.1f bytes per frame)%n", jdk.getFileName(), mode, without, with,
                        (1 << 20) / (double) without, (1 << 20) / (double) with);
            }
        }
    }
}
