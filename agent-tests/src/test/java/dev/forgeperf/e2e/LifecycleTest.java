package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgeperf.util.JsonReader;

/** The agent's lifecycle in a running JVM: detach, attach again, re-attach with options that cannot change live. */
class LifecycleTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    private static final String LIFECYCLE = "dev.forgeperf.e2e.fixture.Lifecycle";
    private static final String FIRST = LIFECYCLE + "#first()";
    private static final String SECOND = LIFECYCLE + "#second()";

    /** Polls {@code condition} every 100 ms until it holds; fails with {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Env.sleep(100);
        }
    }

    /** The JVM's thread names that start with {@code forge-perf-}, from {@code jcmd PID Thread.print}. */
    static List<String> agentThreads(Path jdk, long pid) {
        try (Proc jcmd = Jdks.tool(jdk, "jcmd", String.valueOf(pid), "Thread.print")) {
            assertEquals(0, jcmd.waitFor(Duration.ofSeconds(60)), jcmd::stderr);
            String out = jcmd.stdout();
            assertTrue(out.contains("\"main\""), out); // a real dump
            return out.lines().filter(l -> l.startsWith("\"forge-perf-")).toList();
        }
    }

    static long count(Env env, long pid, String method) {
        Map<String, Object> row = TimingTest.timings(env, pid).get(method);
        return row == null ? 0 : TimingTest.num(row, "count");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void detachRemovesEverythingAndAttachLoadsTheAgentAgain(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-cp", Fixtures.testClasses().toString()), LIFECYCLE, "600000");
            String pid = app.awaitOut("lifecycle ready pid=(\\d+)", Duration.ofSeconds(60));
            long p = Long.parseLong(pid);
            Cli.Result attach = env.cli.run("attach", pid, "--options", "timed=" + LIFECYCLE + "#first,http=127.0.0.1:0,metrics.interval=1s");
            assertEquals(0, attach.exit(), attach::toString);
            assertTrue(attach.out().contains("http://127.0.0.1:"), attach::toString);
            await("first() counted", Duration.ofSeconds(60), () -> count(env, p, FIRST) > 100);
            await("the continuous recording runs", Duration.ofSeconds(60), () -> env.cli.run("status", pid).out().contains("jfr:     recording ("));
            Path socket = env.socketDir.resolve(pid + ".sock");
            assertTrue(Files.exists(env.socketDir.resolve(pid + ".http")), "the HTTP address file while HTTP is on");
            assertFalse(agentThreads(jdk, p).isEmpty(), "agent threads run before detach");

            Cli.Result detach = env.cli.run("detach", pid);
            assertEquals(0, detach.exit(), detach::toString);
            assertTrue(detach.out().contains("instrumentation removed: 1 methods of 1 specs"), detach::toString);
            assertTrue(detach.out().contains("HTTP server at http://127.0.0.1:"), detach::toString);
            assertTrue(detach.out().contains("continuous JFR recording stopped"), detach::toString);
            assertTrue(detach.out().contains("detached from JVM " + pid), detach::toString);
            assertFalse(Files.exists(socket), "the CLI returns once the socket is gone");
            assertFalse(Files.exists(env.socketDir.resolve(pid + ".http")), "the HTTP address file is removed");
            assertTrue(detach.out().contains("JFR deleted its chunk files in " + env.socketDir.resolve("jfr-" + pid)), detach::toString);
            assertFalse(Files.exists(env.socketDir.resolve("jfr-" + pid)), "the recording's folder is removed with it");
            await("no forge-perf-* thread left in JVM " + pid, Duration.ofSeconds(60), () -> agentThreads(jdk, p).isEmpty());
            app.awaitErr("\\[forge-perf\\] agent detached from pid " + pid, Duration.ofSeconds(30));
            assertTrue(app.stderrLines(l -> l.contains("was not sent")).isEmpty(), "the socket went once the answer was sent, not at the 10 s deadline: "
                    + app.stderr());

            Cli.Result status = env.cli.run("status", pid);
            assertEquals(1, status.exit(), status::toString);
            assertTrue(status.err().contains("run `forge-perf attach " + pid + "`"), status::toString);

            // attach again, with options a running agent could not take
            Cli.Result again = env.cli.run("attach", pid, "--options", "timed=" + LIFECYCLE + "#second,jfr=off");
            assertEquals(0, again.exit(), again::toString);
            assertTrue(again.out().contains("forge-perf agent loaded into JVM " + pid), again::toString);
            assertTrue(again.out().lines().anyMatch(l -> l.matches("\\s*jfr:\\s+off")), again::toString);
            assertTrue(again.out().lines().anyMatch(l -> l.matches("\\s*http:\\s+off")), again::toString);
            await("second() counted", Duration.ofSeconds(60), () -> count(env, p, SECOND) > 0);
            // first() no longer runs timed code, and its row left with the detached agent: while second() is called 500 more times, no row comes back
            assertEquals(0, count(env, p, FIRST), "first()'s row is dropped at detach");
            long secondBefore = count(env, p, SECOND);
            await("second() counted 500 more", Duration.ofSeconds(120), () -> count(env, p, SECOND) > secondBefore + 500);
            assertEquals(0, count(env, p, FIRST), "first() is not counted after detach");
            assertTrue(app.stderrLines(l -> l.contains("Exception") || l.contains("Error")).isEmpty(), app::stderr);

            Cli.Result last = env.cli.run("detach", pid);
            assertEquals(0, last.exit(), last::toString);
            assertTrue(last.out().contains("instrumentation removed: 1 methods of 1 specs"), last::toString);
            await("no forge-perf-* thread left after the second detach", Duration.ofSeconds(60), () -> agentThreads(jdk, p).isEmpty());
            assertTrue(app.process().isAlive(), "the application runs on");
        }
    }

    /** The rows of {@code timings --json --all} whose name starts with {@code method}, in order (a name may come twice). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rowsOf(Env env, String pid, String method) {
        Cli.Result r = env.cli.run("timings", pid, "--json", "--all");
        assertEquals(0, r.exit(), r::toString);
        return ((List<Object>) JsonReader.parse(r.out())).stream().map(row -> (Map<String, Object>) row)
                .filter(row -> String.valueOf(row.get("method")).startsWith(method)).toList();
    }

    /** The /metrics lines (series and value) of {@code family} whose method label starts with {@code method}. */
    static List<String> series(String metrics, String family, String method) {
        return metrics.lines().filter(l -> l.startsWith(family + "{method=\"" + method)).toList();
    }

    /**
     * Detach drops the timing rows of the agent that leaves, and a timed method's row after attach
     * again is the only one under its name: in {@code timings} and in /metrics (no frozen row from
     * before the detach beside it, no loader suffix telling the two apart). Also: the detach
     * answer is confirmed sent, so the socket goes at once rather than after 10 s.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void reattachShowsOneRowPerTimedMethod(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-cp", Fixtures.testClasses().toString()), LIFECYCLE, "600000");
            String pid = app.awaitOut("lifecycle ready pid=(\\d+)", Duration.ofSeconds(60));
            Cli.Result attach = env.cli.run("attach", pid, "--options", "timed=" + LIFECYCLE + "#first,http=127.0.0.1:0,jfr=off");
            assertEquals(0, attach.exit(), attach::toString);
            Cli.Result instrument = env.cli.run("instrument", pid, SECOND);
            assertEquals(0, instrument.exit(), instrument::toString);
            await("first() and second() counted", Duration.ofSeconds(60),
                    () -> rowsOf(env, pid, FIRST).size() == 1 && rowsOf(env, pid, SECOND).size() == 1
                            && TimingTest.num(rowsOf(env, pid, SECOND).get(0), "count") > 100);

            Cli.Result detach = env.cli.run("detach", pid);
            assertEquals(0, detach.exit(), detach::toString);
            assertTrue(detach.out().contains("instrumentation removed: 2 methods of 2 specs run their original bytecode again; 2 timing rows dropped"),
                    detach::toString);
            app.awaitErr("\\[forge-perf\\] agent detached from pid " + pid, Duration.ofSeconds(30));
            assertTrue(app.stderrLines(l -> l.contains("was not sent")).isEmpty(), app::stderr);

            Cli.Result again = env.cli.run("attach", pid, "--options", "http=127.0.0.1:0,jfr=off,timed=" + LIFECYCLE + "#second");
            assertEquals(0, again.exit(), again::toString);
            await("second() counted again", Duration.ofSeconds(60), () -> !rowsOf(env, pid, SECOND).isEmpty());
            List<Map<String, Object>> second = rowsOf(env, pid, SECOND);
            assertEquals(1, second.size(), second::toString);
            assertEquals(SECOND, second.get(0).get("method"), "no loader suffix where no other row has the name");
            assertEquals(List.of(), rowsOf(env, pid, FIRST), "first()'s row left with the agent that timed it");

            String url = HttpServerTest.awaitUrl(env, pid);
            HttpServerTest.Response metrics = HttpServerTest.get(url + "metrics");
            assertEquals(200, metrics.status(), metrics::toString);
            List<String> calls = series(metrics.text(), "forgeperf_method_calls_total", LIFECYCLE);
            assertEquals(1, calls.size(), metrics::text);
            assertTrue(calls.get(0).startsWith("forgeperf_method_calls_total{method=\"" + SECOND + "\"} "), calls::toString);
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (String line : metrics.text().split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    String id = line.substring(0, line.lastIndexOf(' '));
                    assertTrue(ids.add(id), "series twice: " + id);
                }
            }
            // the agent that left is still loaded, by a loader that is not the new agent's: never timed all the same
            Cli.Result own = env.cli.run("instrument", pid, "dev.forgeperf.agent.**#*");
            assertTrue(own.exit() != 0 && own.err().contains("matches no method"), own::toString);
            assertTrue(app.process().isAlive(), "the application runs on");
            assertTrue(app.stderrLines(l -> l.contains("Exception") || l.contains("Error")).isEmpty(), app::stderr);
        }
    }

    /**
     * Live instances of the task of the shutdown hook that removes half-written files at exit,
     * counted by the JVM itself ({@code jcmd GC.class_histogram} collects garbage first).
     */
    static int cleanupHooks(Path jdk, long pid) {
        try (Proc jcmd = Jdks.tool(jdk, "jcmd", String.valueOf(pid), "GC.class_histogram")) {
            String out = jcmd.stdout();
            assertTrue(out.contains("java.lang.String"), out); // a real histogram
            Matcher m = Pattern.compile("\\s(\\d+)\\s+\\d+\\s+dev\\.forgeperf\\.util\\.PendingFiles\\$Cleanup\\b").matcher(out);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        }
    }

    /**
     * The shutdown hook registered with the first half-written file (a snapshot's hidden folder)
     * kept its class, and with it the detached agent's class loader, for the JVM's life: detach
     * removes it, and the agent attached again registers its own.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void detachRemovesTheCleanupHookAndAttachRegistersItAgain(Path jdk) {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-cp", Fixtures.testClasses().toString()), LIFECYCLE, "600000");
            String pid = app.awaitOut("lifecycle ready pid=(\\d+)", Duration.ofSeconds(60));
            long p = Long.parseLong(pid);
            for (int round = 1; round <= 2; round++) {
                Cli.Result attach = env.cli.run("attach", pid);
                assertEquals(0, attach.exit(), attach::toString);
                await("the continuous recording runs", Duration.ofSeconds(60), () -> env.cli.run("status", pid).out().contains("jfr:     recording ("));
                assertEquals(0, cleanupHooks(jdk, p), "round " + round + ": no hook before a file was pending");
                Cli.Result snapshot = env.cli.run("snapshot", pid, "-o", "snap" + round);
                assertEquals(0, snapshot.exit(), snapshot::toString);
                assertEquals(1, cleanupHooks(jdk, p), "round " + round + ": the snapshot registered the hook");

                Cli.Result detach = env.cli.run("detach", pid);
                assertEquals(0, detach.exit(), detach::toString);
                await("no forge-perf-* thread left in JVM " + pid, Duration.ofSeconds(60), () -> agentThreads(jdk, p).isEmpty());
                assertEquals(0, cleanupHooks(jdk, p), "round " + round + ": detach removed the hook");
            }
            assertTrue(app.process().isAlive(), "the application runs on");
            assertTrue(app.stderrLines(l -> l.contains("Exception") || l.contains("Error")).isEmpty(), app::stderr);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void reattachNamesWhatItIgnoredAndStatusShowsTheValuesInForce(Path jdk) {
        try (Env env = new Env()) {
            Proc app = env.hello(jdk, "metrics.interval=2s", 600_000);
            long pid = app.pid();
            env.awaitSocket(pid);
            Cli.Result again = env.cli.run("attach", String.valueOf(pid), "--options", "jfr=off,metrics.interval=5s,http=127.0.0.1:0,http.profiles=off");
            assertEquals(0, again.exit(), again::toString);
            assertTrue(again.out().contains("already loaded"), again::toString);
            assertTrue(again.out().contains("ignored jfr=off, metrics.interval=5s (they cannot change while the agent runs: run `forge-perf detach "
                    + pid + "`, then attach with them)"), again::toString);
            assertTrue(again.out().contains("applied http=127.0.0.1:0"), again::toString);
            // the recording in force (JFR may still be starting on a busy machine), not switched off
            assertTrue(again.out().lines().anyMatch(l -> l.matches("\\s*jfr:\\s+(starting|recording \\(default settings.*)")), again::toString);
            assertTrue(again.out().lines().anyMatch(l -> l.matches("\\s*http:\\s+.*http://127\\.0\\.0\\.1:\\d+.*")), again::toString);
            app.awaitErr("\\[forge-perf\\] agent .* already loaded .*ignored jfr=off", Duration.ofSeconds(10));

            Cli.Result json = env.cli.run("status", String.valueOf(pid), "--json");
            assertEquals(0, json.exit(), json::toString);
            @SuppressWarnings("unchecked")
            Map<String, Object> s = (Map<String, Object>) JsonReader.parse(json.out());
            Map<String, Object> features = TimingTest.castMap(s.get("features"));
            String options = String.valueOf(features.get("options"));
            assertTrue(options.contains("metrics.interval=[2s]") && options.contains("http=[127.0.0.1:0]") && !options.contains("jfr="), options);
            assertTrue(options.contains("http.profiles=[off]"), options);
            assertEquals("off", TimingTest.castMap(s.get("http")).get("profiles"), "the HTTP server started by the attach has its http.profiles");
            assertTrue(String.valueOf(features.get("runtime")).startsWith("sampling every 2"), features::toString);
            String url = String.valueOf(TimingTest.castMap(s.get("http")).get("url"));
            assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/?"), url);
            assertTrue(String.valueOf(features.get("http")).contains(url.replaceAll("/$", "")), features::toString);
        }
    }
}
