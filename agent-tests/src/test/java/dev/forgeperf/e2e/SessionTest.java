package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgeperf.util.JsonReader;

/**
 * Profiling sessions across two commands ({@code session start|stop|list}), on every JDK: a
 * session around a workload that runs a distinctively named method only between start and stop
 * (after seconds of another hot method before the start), concurrent sessions and the cap, a
 * session ending itself at {@code --max}, the refusals, and detach removing the sessions' files.
 */
class SessionTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    private static final String WORK = "dev.forgeperf.e2e.fixture.SessionWork";
    private static final String HOT = "sessionOnlyHotLoop";
    private static final String OUTSIDE = "outsideSpin";

    private static Proc work(Env env, Path jdk) {
        Path control = env.work.resolve("control");
        try {
            Files.createDirectories(control);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar() + "=timed=" + WORK + "#" + HOT + ",timed=" + WORK + "#" + OUTSIDE
                + ",metrics.interval=200ms",
                "-cp", Fixtures.testClasses().toString()), WORK, control.toString(), "600000");
        app.awaitOut("sessionwork ready pid=(\\d+)", Duration.ofSeconds(60));
        env.awaitSocket(app.pid());
        return app;
    }

    private static void touch(Env env, String name) throws Exception {
        Files.writeString(env.work.resolve("control").resolve(name), "");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Path file) throws Exception {
        return (Map<String, Object>) JsonReader.parse(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> sessions(Env env, String pid) {
        Cli.Result r = env.cli.run("session", "list", pid, "--json");
        assertEquals(0, r.exit(), r::toString);
        return (List<Map<String, Object>>) (List<?>) JsonReader.parse(r.out());
    }

    /** The calls of {@code method} in a snapshot folder's timings.json. */
    @SuppressWarnings("unchecked")
    private static long count(Path timingsJson, String method) throws Exception {
        for (Object row : (List<Object>) JsonReader.parse(Files.readString(timingsJson))) {
            Map<String, Object> m = (Map<String, Object>) row;
            if (((String) m.get("method")).contains("#" + method + "(")) {
                return ((Number) m.get("count")).longValue();
            }
        }
        throw new AssertionError("no " + method + " row in " + timingsJson);
    }

    /** The flat share (0..1) of {@code function} in {@code go tool pprof -top} output; 0 when absent. */
    private static double flatShare(String top, String function) {
        return top.lines().dropWhile(l -> !l.trim().startsWith("flat")).skip(1).filter(l -> l.trim().endsWith("." + function)).findFirst()
                .map(l -> flatPercent(l) / 100).orElse(0.0);
    }

    private static void assertOneLine(Cli.Result r, int exit, String text) {
        assertEquals(exit, r.exit(), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
        assertTrue(r.err().contains(text), r::toString);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    @SuppressWarnings("unchecked")
    void aSessionHoldsExactlyWhatHappenedBetweenStartAndStop(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = work(env, jdk);
            String pid = String.valueOf(app.pid());
            // seconds of another hot method before the session: a profile that leaked past its start would show it on top
            app.awaitOut("outside calls=3000", Duration.ofSeconds(300));

            Cli.Result start = env.cli.run("session", "start", pid, "load-test", "--kinds", "cpu,alloc");
            assertEquals(0, start.exit(), start::toString);
            assertTrue(start.out().contains("started session load-test in pid " + pid + ": cpu, alloc"), start::toString);
            touch(env, "hot");
            long hotFrom = Long.parseLong(app.awaitOut("hot from calls=(\\d+)", Duration.ofSeconds(60)));

            Map<String, Object> listed = sessions(env, pid).get(0);
            assertEquals("load-test", listed.get("name"));
            assertEquals(List.of("cpu", "alloc"), listed.get("kinds"));
            assertEquals("running", listed.get("state"));
            Cli.Result table = env.cli.run("session", "list", pid);
            assertTrue(table.out().contains("load-test") && table.out().contains("cpu,alloc") && table.out().contains("running"), table::toString);

            app.awaitOut("hot calls=2500", Duration.ofSeconds(300));
            touch(env, "cool");
            long hotTo = Long.parseLong(app.awaitOut("cool at calls=(\\d+)", Duration.ofSeconds(60)));

            Cli.Result stop = env.cli.run("session", "stop", pid, "load-test", "-o", "lt");
            assertEquals(0, stop.exit(), stop::toString);
            assertTrue(stop.out().contains("wrote session load-test"), stop::toString);
            Path dir = env.work.resolve("lt");

            // every profile of the session, in three forms, plus the recording, metrics, both ends, the difference, reports
            for (String f : List.of("cpu.pb.gz", "cpu.html", "cpu.txt", "alloc.pb.gz", "alloc.html", "alloc.txt", "recording.jfr", "metrics.json",
                    "timings.json", "start/timings.json", "end/timings.json", "diff.txt", "diff.json", "session.json", "report.html", "manifest.json")) {
                assertTrue(Files.isRegularFile(dir.resolve(f)), () -> f + " missing: " + stop);
            }
            assertFalse(Files.exists(dir.resolve("lock.pb.gz")), "only the kinds asked for");
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.toList()) {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                    assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", mode, p::toString);
                }
            }

            // the cpu profile's top Java function (go tool pprof, self time) is the method that ran only during the
            // session; on a saturated machine the row of the JVM's own threads ([JVM threads …]: GC, JIT) may lead
            String top = GoPprof.top(env, "lt/cpu.pb.gz");
            List<String> rows = top.lines().dropWhile(l -> !l.trim().startsWith("flat")).skip(1)
                    .filter(l -> !l.trim().split("\\s+", 6)[5].startsWith("[")).toList();
            assertTrue(rows.get(0).contains(HOT), () -> "top function:\n" + top);

            // timings: the counts at both ends and their difference are the fixture's own counts
            assertEquals(hotFrom, count(dir.resolve("start/timings.json"), HOT));
            assertEquals(hotTo, count(dir.resolve("end/timings.json"), HOT));

            // the other method ran for seconds before the session and on until the fixture switched (while `start` wrote its
            // files): its share of the samples is its share of the calls made during the session (the two cost alike), not more
            long outsideIn = count(dir.resolve("end/timings.json"), OUTSIDE) - count(dir.resolve("start/timings.json"), OUTSIDE);
            assertTrue(count(dir.resolve("start/timings.json"), OUTSIDE) >= 3000);
            double callShare = (double) outsideIn / (outsideIn + hotTo - hotFrom);
            assertTrue(flatShare(top, OUTSIDE) <= callShare + 0.15, () -> OUTSIDE + ": " + outsideIn + " calls in the session, a share of " + callShare
                    + ", but more samples:\n" + top);
            Map<String, Object> diff = json(dir.resolve("diff.json"));
            assertEquals(Boolean.TRUE, diff.get("sameJvm"), diff::toString);
            Map<String, Object> row = ((List<Map<String, Object>>) diff.get("timings")).stream()
                    .filter(r -> ((String) r.get("method")).contains(HOT)).findFirst().orElseThrow();
            assertEquals(hotTo - hotFrom, ((Number) row.get("callsBetween")).longValue(), row::toString);
            assertTrue(Files.readString(dir.resolve("diff.txt")).contains(HOT));

            // the metrics history covers the session's span only
            Map<String, Object> session = json(dir.resolve("session.json"));
            long started = Instant.parse((String) session.get("startedAt")).toEpochMilli();
            long ended = Instant.parse((String) session.get("endedAt")).toEpochMilli();
            Map<String, Object> history = (Map<String, Object>) json(dir.resolve("metrics.json")).get("history");
            List<Map<String, Object>> samples = (List<Map<String, Object>>) history.get("samples");
            assertFalse(samples.isEmpty(), history::toString);
            for (Map<String, Object> s : samples) {
                long t = ((Number) s.get("timeMillis")).longValue();
                assertTrue(t >= started && t <= ended, () -> t + " outside " + started + ".." + ended);
            }

            // collected: gone from the agent and from its folder
            assertTrue(sessions(env, pid).isEmpty());
            assertOneLine(env.cli.run("session", "stop", pid, "load-test", "-o", "again"), 1, "no session named 'load-test'");
            assertFalse(Files.exists(env.work.resolve("again")));
        }
    }

    private static double flatPercent(String pprofRow) {
        String[] cols = pprofRow.trim().split("\\s+");
        return Double.parseDouble(cols[1].replace("%", ""));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void sessionsRunSideBySideEndByThemselvesAndAreRefusedInOneLine(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = work(env, jdk);
            String pid = String.valueOf(app.pid());
            assertEquals(0, env.cli.run("session", "start", pid, "a", "--kinds", "cpu").exit());
            Cli.Result b = env.cli.run("session", "start", pid, "b", "--kinds", "wall,lock,park", "--max", "2s");
            assertEquals(0, b.exit(), b::toString);

            // refusals: a bad name and a taken one are usage errors; unknown sessions and an existing folder are errors
            assertOneLine(env.cli.run("session", "start", pid, "../x"), 2, "bad session name '../x'");
            assertOneLine(env.cli.run("session", "start", pid, "a"), 2, "a session named 'a' exists already (running)");
            assertOneLine(env.cli.run("session", "start", pid, "c", "--kinds", "cpu,heap"), 2, "--kinds: unknown profile kind 'heap'");
            assertOneLine(env.cli.run("session", "start", pid, "c", "--kinds", "cpu,live"), 2, "--kinds: live is not a session kind");
            assertOneLine(env.cli.run("session", "start", pid, "c", "--max", "soon"), 2, "--max:");
            assertOneLine(env.cli.run("session", "stop", pid, "nope", "-o", "n"), 1, "no session named 'nope' in pid " + pid + " (there are: a, b)");
            Files.createDirectories(env.work.resolve("taken"));
            Files.writeString(env.work.resolve("taken/keep.txt"), "mine");
            assertOneLine(env.cli.run("session", "stop", pid, "a", "-o", "taken"), 1, "already exists and is not empty");
            assertEquals("mine", Files.readString(env.work.resolve("taken/keep.txt")));

            // the cap: four at once, the fifth refused
            assertEquals(0, env.cli.run("session", "start", pid, "c", "--kinds", "alloc").exit());
            assertEquals(0, env.cli.run("session", "start", pid, "d", "--kinds", "alloc").exit());
            assertOneLine(env.cli.run("session", "start", pid, "e"), 1, "refused: 4 sessions exist already");

            // b ends by itself at --max and is kept until collected
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            Map<String, Object> bRow = null;
            while (System.nanoTime() < deadline) {
                bRow = sessions(env, pid).stream().filter(s -> "b".equals(s.get("name"))).findFirst().orElseThrow();
                if ("ended".equals(bRow.get("state"))) {
                    break;
                }
                Env.sleep(200);
            }
            assertNotNull(bRow);
            assertEquals("ended", bRow.get("state"), bRow::toString);
            assertTrue(String.valueOf(bRow.get("endedBecause")).contains("--max of 2.00s"), bRow::toString);
            assertTrue(((Number) bRow.get("bytesOnDisk")).longValue() > 0, bRow::toString);
            Cli.Result table = env.cli.run("session", "list", pid);
            assertTrue(table.out().lines().anyMatch(l -> l.startsWith("b ") && l.contains("kept until `session stop` collects it")), table::toString);
            Map<String, Object> aRow = sessions(env, pid).get(0);
            assertEquals("running", aRow.get("state"), aRow::toString);

            Cli.Result stopB = env.cli.run("session", "stop", pid, "b", "-o", "b-out");
            assertEquals(0, stopB.exit(), stopB::toString);
            for (String f : List.of("wall.pb.gz", "lock.pb.gz", "park.pb.gz", "wall.html", "park.txt", "recording.jfr")) {
                assertTrue(Files.isRegularFile(env.work.resolve("b-out").resolve(f)), () -> f + " missing: " + stopB);
            }
            // its recording ended at --max: recorded until then, not until the stop
            Map<String, Object> bSession = json(env.work.resolve("b-out/session.json"));
            assertTrue(((Number) bSession.get("elapsedMillis")).longValue() < ((Number) aRow.get("elapsedMillis")).longValue(), bSession::toString);

            Cli.Result stopA = env.cli.run("session", "stop", pid, "a", "-o", "a-out");
            assertEquals(0, stopA.exit(), stopA::toString);
            assertTrue(Files.isRegularFile(env.work.resolve("a-out/cpu.pb.gz")));
            assertEquals(2, sessions(env, pid).size());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void detachEndsEverySessionAndDeletesItsFiles(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = work(env, jdk);
            String pid = String.valueOf(app.pid());
            assertEquals(0, env.cli.run("session", "start", pid, "one").exit());
            assertEquals(0, env.cli.run("session", "start", pid, "two", "--max", "1s").exit());
            Path folder = env.socketDir.resolve("sessions-" + pid);
            assertTrue(Files.isDirectory(folder.resolve("one/start")), "the session's files live beside the socket");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!Files.exists(folder.resolve("two/recording.jfr"))) {
                assertTrue(System.nanoTime() < deadline, "session two did not end by itself at --max");
                Env.sleep(200);
            }
            try (Proc jcmd = Jdks.tool(jdk, "jcmd", pid, "JFR.check")) {
                assertTrue(jcmd.stdout().contains("forge-perf-session-one"), jcmd::stdout);
            }

            Cli.Result detach = env.cli.run("detach", pid);
            assertEquals(0, detach.exit(), detach::toString);
            assertTrue(detach.out().contains("2 profiling sessions ended; their recordings and files deleted"), detach::toString);
            assertFalse(Files.exists(folder), "detach deletes the sessions' folder");
            try (Proc jcmd = Jdks.tool(jdk, "jcmd", pid, "JFR.check")) {
                assertFalse(jcmd.stdout().contains("forge-perf-session"), jcmd::stdout);
            }
            LifecycleTest.await("no forge-perf thread after detach (the sessions' timer too)", Duration.ofSeconds(60),
                    () -> LifecycleTest.agentThreads(jdk, app.pid()).isEmpty());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void theFolderOfAKilledJvmsSessionsIsRemovedByList(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = work(env, jdk);
            String pid = String.valueOf(app.pid());
            assertEquals(0, env.cli.run("session", "start", pid, "doomed").exit());
            Path folder = env.socketDir.resolve("sessions-" + pid);
            assertTrue(Files.isDirectory(folder.resolve("doomed/start")));
            app.process().destroyForcibly();
            assertTrue(app.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            Cli.Result list = env.cli.run("list");
            assertEquals(0, list.exit(), list::toString);
            assertFalse(Files.exists(folder), "list removes a dead JVM's sessions folder");
        }
    }
}
