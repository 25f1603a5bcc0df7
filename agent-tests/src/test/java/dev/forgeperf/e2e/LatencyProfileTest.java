package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.forgeperf.profile.PprofReader;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.TopTable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * `profile latency` on a handler whose answer is known ({@code SlowRequests}): every 50th call of
 * {@code handle} parks 40–200 ms in {@code slowPath}, the others burn ~1 ms of CPU in
 * {@code fastPath}. The slow calls' profile puts (almost) all of its time in {@code slowPath} and
 * none in {@code fastPath}; the number of slow calls found is at most what the fixture's own
 * counters say it made meanwhile; {@code --above p99} reports the percentile's value; the pprof
 * file reads back in {@code go tool pprof}; {@code --compare} shows slowPath's share growing;
 * bad input is one line and exit 2.
 */
class LatencyProfileTest {
    private static final String FIXTURE = "dev.forgeperf.e2e.fixture.SlowRequests";
    private static final String SPEC = FIXTURE + "#handle";
    private static final Pattern COUNTERS = Pattern.compile("counters slow=(\\d+) fastOver30ms=(\\d+) fastOver30msNanos=(\\d+)");
    private static final Pattern FOUND = Pattern.compile("(\\d+) slow calls found, ");

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void slowCallsSpendTheirTimeInTheSlowPath(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar(), "-cp", Fixtures.testClasses().toString()), FIXTURE);
            String pid = app.awaitOut("slowrequests ready pid=(\\d+)", Duration.ofSeconds(120));
            app.awaitOut("counters slow=(\\d+)", Duration.ofSeconds(120));

            // a fixed threshold, SPEC not timed yet: timed for the profile, then removed
            long[] before = counters(app);
            Cli.Result r = env.cli.run("profile", "latency", pid, SPEC, "--above", "30ms", "-d", "5s", "-o", "slow.pb.gz");
            long[] after = countersAfter(app);
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("timing '" + SPEC + "' for this profile"), r::toString);
            long found = found(r.out());
            long made = after[0] - before[0] + after[1] - before[1];
            assertTrue(found >= 1 && found <= made + 1, () -> "found " + found + ", the fixture made " + made + " calls of 30 ms or more\n" + r);
            Profile p = PprofReader.read(env.work.resolve("slow.pb.gz"));
            String context = String.join("\n", p.comments());
            assertTrue(context.contains("calls of at least 30.00ms"), context);
            assertTrue(context.contains(found + " slow calls found"), context);
            assertTrue(context.contains("estimates"), context);
            int wall = p.typeIndex("wall");
            long slowWall = total(p, wall, "slowPath");
            long fastWall = total(p, wall, "fastPath");
            // a fast call the machine preempted for 30 ms or more is a slow call too: its time may show in fastPath, up to
            // what the fixture measured of such calls (plus sampling error: 5 samples); everything else is slowPath's
            long fastOverNanos = after[2] - before[2];
            assertTrue(fastWall <= 1.5 * fastOverNanos + 50_000_000L, () -> String.format(Locale.ROOT,
                    "fastPath %.1f ms in the slow calls; the fixture's fast calls of 30 ms or more took %.1f ms%n%s", fastWall / 1e6, fastOverNanos / 1e6, context));
            assertTrue(slowWall >= 0.9 * (p.total(wall) - fastWall), () -> String.format(Locale.ROOT,
                    "slowPath %.1f ms of %.1f ms (fastPath %.1f ms)%n%s", slowWall / 1e6, p.total(wall) / 1e6, fastWall / 1e6, context));
            assertTrue(slowWall >= 0.5 * p.total(wall), context);
            String top = GoPprof.top(env, "slow.pb.gz");
            Matcher cum = Pattern.compile("(?m)\\s([0-9.]+)%\\s+dev\\.forgeperf\\.e2e\\.fixture\\.SlowRequests\\.slowPath$").matcher(top);
            assertTrue(cum.find() && Double.parseDouble(cum.group(1)) >= 50, top);

            Cli.Result timings = env.cli.run("timings", pid);
            assertEquals(0, timings.exit(), timings::toString);
            assertFalse(timings.out().contains("SlowRequests#handle") && env.cli.run("instrument", pid, "--json", SPEC).exit() != 0,
                    () -> "the temporary timing was not removed\n" + timings);

            // a percentile: the value reported is among the slow calls' (40–200 ms, 2% of the calls), and only calls above it count
            Cli.Result pr = env.cli.run("profile", "latency", pid, SPEC, "--above", "p99", "-d", "6s");
            assertEquals(0, pr.exit(), pr::toString);
            Matcher v = Pattern.compile("calls of at least p99 of the live histogram: ([0-9.]+)ms").matcher(pr.out());
            assertTrue(v.find(), pr::toString);
            double p99 = Double.parseDouble(v.group(1));
            assertTrue(p99 >= 40 && p99 <= 400, pr::toString); // about the slow calls' median, later on a busy machine
            long above = found(pr.out());
            assertTrue(above >= 1, pr::toString);
            assertTrue(pr.out().lines().anyMatch(l -> l.endsWith("SlowRequests.slowPath")), pr::toString);

            // the same as JSON: the threshold, the slow calls against the fixture's count, the top rows
            long[] jb = counters(app);
            Cli.Result js = env.cli.run("profile", "latency", pid, SPEC, "--above", "30ms", "-d", "4s", "--json");
            long[] ja = countersAfter(app);
            assertEquals(0, js.exit(), js::toString);
            java.util.Map<String, Object> doc = RuntimeTest.json(js);
            assertEquals(Long.parseLong(pid), ((Number) doc.get("pid")).longValue(), js::toString);
            assertEquals(true, doc.get("estimated"), js::toString);
            assertEquals(false, doc.get("stoppedEarly"), js::toString);
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> threshold = (java.util.Map<String, Object>) RuntimeTest.list(doc, "thresholds").get(0);
            assertEquals(30_000_000L, ((Number) threshold.get("nanos")).longValue(), js::toString);
            long jsonFound = ((Number) doc.get("slowCalls")).longValue();
            long jsonMade = ja[0] - jb[0] + ja[1] - jb[1];
            assertTrue(jsonFound >= 1 && jsonFound <= jsonMade + 1, () -> "found " + jsonFound + ", the fixture made " + jsonMade + "\n" + js);
            java.util.Map<String, Object> topJson = RuntimeTest.map(doc, "profile");
            assertEquals("samples", topJson.get("sampleType"), js::toString); // wall profiles lead with samples (waits in periods)
            assertTrue(RuntimeTest.list(topJson, "rows").stream().anyMatch(o -> o.toString().contains("SlowRequests.slowPath")), js::toString);

            // the slow calls against all calls: slowPath's share grows, fastPath's shrinks
            Cli.Result cmp = env.cli.run("profile", "latency", pid, SPEC, "--above", "30ms", "-d", "4s", "--compare", "-n", "50");
            assertEquals(0, cmp.exit(), cmp::toString);
            String hotter = cmp.out().substring(cmp.out().indexOf("HOTTER in B"), cmp.out().indexOf("COLDER in B"));
            String colder = cmp.out().substring(cmp.out().indexOf("COLDER in B"));
            assertTrue(hotter.contains("SlowRequests.slowPath"), cmp::toString);
            assertTrue(colder.contains("SlowRequests.fastPath"), cmp::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void badInputIsOneLineAndExit2(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar(), "-cp", Fixtures.testClasses().toString()), FIXTURE);
            String pid = app.awaitOut("slowrequests ready pid=(\\d+)", Duration.ofSeconds(120));
            Cli.Result unknown = env.cli.run("profile", "latency", pid, FIXTURE + "#noSuchMethod", "--above", "30ms", "-d", "1s");
            assertEquals(2, unknown.exit(), unknown::toString);
            assertEquals(1, unknown.err().lines().count(), unknown::toString);
            assertTrue(unknown.err().contains("matches no method"), unknown::toString);
            assertFalse(unknown.err().contains("--pending"), () -> "advice of an option `profile latency` has not\n" + unknown);
            for (String bad : List.of("fast", "0ms", "p100", "-5ms")) {
                Cli.Result r = env.cli.run("profile", "latency", pid, SPEC, "--above", bad, "-d", "1s");
                assertEquals(2, r.exit(), r::toString);
                assertEquals(1, r.err().lines().count(), r::toString);
                assertTrue(r.err().contains("--above"), r::toString);
            }
            Cli.Result pprofCompare = env.cli.run("profile", "latency", pid, SPEC, "--compare", "-o", "x.pb.gz");
            assertEquals(2, pprofCompare.exit(), pprofCompare::toString);
            assertFalse(Files.exists(env.work.resolve("x.pb.gz")));
            Cli.Result jsonToFile = env.cli.run("profile", "latency", pid, SPEC, "--json", "-o", "x.txt");
            assertEquals(2, jsonToFile.exit(), jsonToFile::toString);
            assertEquals(1, jsonToFile.err().lines().count(), jsonToFile::toString);
            assertTrue(jsonToFile.err().contains("--json"), jsonToFile::toString);
            assertFalse(Files.exists(env.work.resolve("x.txt")));
        }
    }

    private static long total(Profile p, int type, String method) {
        String function = FIXTURE + "." + method;
        return TopTable.of(p, type).rows().stream().filter(row -> row.function().equals(function)).mapToLong(TopTable.Row::total).findFirst().orElse(0);
    }

    private static long found(String out) {
        Matcher m = FOUND.matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    /** The fixture's last counters read so far: slow calls made, fast calls of 30 ms or more. */
    private static long[] counters(Proc app) {
        String[] lines = app.stdout().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            Matcher m = COUNTERS.matcher(lines[i]);
            if (m.find()) {
                return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
            }
        }
        throw new AssertionError("no counters yet:\n" + app.stdout());
    }

    /** Counters printed after now: past the last read by three slow calls, so that any printed before were read. */
    private static long[] countersAfter(Proc app) {
        long last = counters(app)[0];
        app.awaitOut("counters slow=" + (last + 3) + " ", Duration.ofSeconds(120));
        String[] lines = app.stdout().split("\n");
        for (String line : lines) {
            Matcher m = COUNTERS.matcher(line);
            if (m.find() && Long.parseLong(m.group(1)) == last + 3) {
                return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
            }
        }
        throw new AssertionError("no counters line " + (last + 3));
    }
}
