package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgeperf.e2e.HttpServerTest.Response;
import dev.forgeperf.profile.PprofReader;
import dev.forgeperf.profile.Profile;

/**
 * What a fleet scraper sees on {@code /debug/pprof/}, on each JDK: the CPU profile has Go's sample
 * types in Go's order and {@code go tool pprof} shows CPU time by default; a burst of scrapes
 * arriving together makes JFR finish one chunk of the continuous recording, not one per request
 * (chunk files counted in the recording's repository); a focused {@code profile park} (no
 * threshold) does not leak its short parks into the cumulative {@code block} table.
 */
class FleetPprofTest {
    private static final String SHORT = "dev.forgeperf.e2e.fixture.FleetWorkload.shortPark";
    private static final String LONG = "dev.forgeperf.e2e.fixture.FleetWorkload.longPark";

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void scrapesSeeCpuByDefaultShareChunksAndOnlyTheContinuousRecording(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-Xmx128m", "-javaagent:" + Fixtures.agentJar() + "=http=0", "-cp", Fixtures.testClasses().toString()),
                    "dev.forgeperf.e2e.fixture.FleetWorkload");
            String pid = app.awaitOut("fleet-workload ready pid=(\\d+)", Duration.ofSeconds(60));
            String url = HttpServerTest.awaitUrl(env, pid);
            PprofCumulativeTest.awaitRecording(url);
            String pprof = url + "debug/pprof/";

            // CPU: Go's sample types (samples/count, cpu/nanoseconds) and period type; pprof shows cpu without -sample_index
            Response cpu = HttpServerTest.get(pprof + "profile?seconds=2");
            assertEquals(200, cpu.status(), cpu::toString);
            Files.write(env.work.resolve("cpu.pb.gz"), cpu.body());
            String raw = GoPprof.raw(env, "cpu.pb.gz");
            assertTrue(raw.contains("PeriodType: cpu nanoseconds"), raw);
            assertTrue(raw.lines().anyMatch(l -> l.trim().equals("samples/count cpu/nanoseconds[dflt]")), raw); // Go's order; cpu the default
            String top = GoPprof.top(env, "cpu.pb.gz");
            assertTrue(top.contains("Type: cpu") && top.contains("FleetWorkload.spin"), top);
            String topRows = String.join("\n", top.lines().dropWhile(l -> !l.trim().startsWith("flat")).skip(1).limit(3).toList());
            assertTrue(topRows.contains("FleetWorkload.spin") && topRows.contains("s "), "rows in (milli)seconds of CPU time, spin at the top: " + top);

            // a burst of scrapes (as Alloy asks for several profiles at once): one chunk finished for it, not one each
            HttpServerTest.get(pprof + "block"); // the tables are made and the chunks so far read
            Path repository = env.socketDir.resolve("jfr-" + pid);
            long before = chunks(repository);
            List<String> burst = List.of("allocs", "block", "mutex", "threadcreate", "allocs", "block", "mutex", "threadcreate");
            ExecutorService pool = Executors.newFixedThreadPool(burst.size());
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Response>> answers = new ArrayList<>();
                Env.sleep(1500); // beyond the 1 s a finished chunk is shared
                for (String name : burst) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return HttpServerTest.get(pprof + name);
                    }));
                }
                go.countDown();
                for (Future<Response> f : answers) {
                    Response r = f.get();
                    assertEquals(200, r.status(), r::toString);
                }
            } finally {
                pool.shutdownNow();
            }
            long made = chunks(repository) - before;
            System.out.printf("fleet pprof %s: %d scrapes at once made %d chunk files%n", jdk.getFileName(), burst.size(), made);
            assertTrue(made >= 1 && made <= 3, burst.size() + " scrapes at once made " + made + " new chunk files in " + repository);

            // a focused park profile (no threshold) records the 2 ms parks; the cumulative block table counts only the continuous recording's (20 ms threshold)
            long asked0 = System.currentTimeMillis();
            long[] b0 = parks(env, pprof, "block-0");
            Cli.Result focused = env.cli.run("profile", "park", pid, "-d", "3s", "-o", "park.pb.gz");
            assertEquals(0, focused.exit(), focused::toString);
            long[] inFocused = parks(PprofReader.read(env.work.resolve("park.pb.gz")));
            assertTrue(inFocused[0] > 100, "the focused profile saw the short parks: " + inFocused[0]);
            long[] b1 = parks(env, pprof, "block-1");
            long answered1 = System.currentTimeMillis();
            // the machine's load can stretch a 2 ms park past 20 ms: the continuous recording records those too, and the fixture counts them.
            // The table's data ends at most 1 s before a request (a shared chunk), so parks counted by a report 1.5 s before the first
            // request are in it, and every park in the difference was counted by the first report after the second answer.
            long slowBefore = slowShortParks(app, asked0 - 1500);
            long slowAfter = awaitSlowShortParks(app, answered1);
            System.out.printf("fleet pprof %s: focused profile %d short parks; block table short %d -> %d (slow ones meanwhile: at most %d), long %d -> %d%n",
                    jdk.getFileName(), inFocused[0], b0[0], b1[0], slowAfter - slowBefore, b0[1], b1[1]);
            assertTrue(b1[0] - b0[0] <= slowAfter - slowBefore, "short parks (under the continuous recording's 20 ms threshold) added to the cumulative "
                    + "block table: " + (b1[0] - b0[0]) + ", while at most " + (slowAfter - slowBefore) + " short parks took 20 ms or more");
            assertTrue(b1[1] > b0[1], "long parks keep being counted: " + b0[1] + " -> " + b1[1]);
            assertTrue(app.process().isAlive(), "the application still runs");
        }
    }

    /** The fixture's count of slow short parks in its last report at or before {@code epochMillis}. */
    private static long slowShortParks(Proc app, long epochMillis) {
        long count = 0;
        for (String line : app.stdout().lines().filter(l -> l.startsWith("slow-short-parks ")).toList()) {
            String[] f = line.split(" ");
            if (Long.parseLong(f[1]) <= epochMillis) {
                count = Long.parseLong(f[2]);
            }
        }
        return count;
    }

    /** The fixture's count of slow short parks in its first report after {@code epochMillis}, waiting for it. */
    private static long awaitSlowShortParks(Proc app, long epochMillis) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            for (String line : app.stdout().lines().filter(l -> l.startsWith("slow-short-parks ")).toList()) {
                String[] f = line.split(" ");
                if (Long.parseLong(f[1]) > epochMillis) {
                    return Long.parseLong(f[2]);
                }
            }
            assertTrue(System.nanoTime() < deadline, "the fixture reports its slow short parks");
            Env.sleep(50);
        }
    }

    /** Chunk files in the recording's repository (JFR keeps them in a folder per JVM inside it). */
    private static long chunks(Path repository) throws Exception {
        try (Stream<Path> s = Files.walk(repository)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jfr")).count();
        }
    }

    private static long[] parks(Env env, String pprof, String file) throws Exception {
        Response r = HttpServerTest.get(pprof + "block");
        assertEquals(200, r.status(), r::toString);
        Files.write(env.work.resolve(file + ".pb.gz"), r.body());
        return parks(PprofReader.read(env.work.resolve(file + ".pb.gz")));
    }

    /** Contentions whose leaf-most fixture frame is shortPark, and longPark. */
    private static long[] parks(Profile p) {
        int type = p.typeIndex("contentions");
        assertTrue(type >= 0, "contentions in " + p.sampleTypes());
        long[] counts = new long[2];
        for (int n = 0; n < p.nodeCount(); n++) {
            if (!p.hasSamples(n)) {
                continue;
            }
            for (int f : p.stack(n)) {
                String name = p.frameName(f);
                if (name.equals(SHORT)) {
                    counts[0] += p.value(n, type);
                } else if (name.equals(LONG)) {
                    counts[1] += p.value(n, type);
                }
            }
        }
        return counts;
    }
}
