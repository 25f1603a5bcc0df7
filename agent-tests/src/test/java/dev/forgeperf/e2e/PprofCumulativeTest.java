package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgeperf.e2e.HttpServerTest.Response;
import dev.forgeperf.profile.PprofReader;
import dev.forgeperf.profile.Profile;

/**
 * {@code /debug/pprof/allocs}, {@code heap}, {@code block}, {@code mutex} with Go's semantics, as
 * Grafana Alloy's {@code pyroscope.scrape} uses them, on each JDK: the answers are cumulative
 * since the agent started and monotonic per stack; {@code ?seconds=N} is a delta that fits inside
 * the difference of two scrapes around it; Alloy's own delta computation (drop the first scrape,
 * subtract per stack) gives non-negative rates whose total matches the JVM's own count of the
 * bytes the workload's threads allocated; headers and errors are Go's; {@code go tool pprof} reads
 * every endpoint. The continuous recording keeps only 10 s ({@code jfr.maxage=10s}) while the test
 * spans more than 20 s: a profile of the recording's window instead of a cumulative table fails.
 */
class PprofCumulativeTest {
    private static final String SECRET = "0123456789abcdefCmdlineSecret";

    private static final String SITE = "dev.forgeperf.e2e.fixture.AllocWorkload.allocate";
    private static final long STEP_BYTES = 40L << 20;

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    /** One scrape: the stacks' alloc_space, and when it was asked for and answered (epoch ms). */
    private record Scrape(Map<String, Long> bytes, Profile profile, long askedMillis, long answeredMillis) {
        long total() {
            return bytes.values().stream().mapToLong(Long::longValue).sum();
        }

        long at(String site) {
            return bytes.entrySet().stream().filter(e -> e.getKey().contains(site)).mapToLong(Map.Entry::getValue).sum();
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void cumulativeProfilesAreMonotonicAndTheirDeltasMatchTheJvmsCount(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-Xmx256m", "-javaagent:" + Fixtures.agentJar() + "=http=0,jfr.maxage=10s,http.token=" + SECRET, "-cp", Fixtures.testClasses().toString()),
                    "dev.forgeperf.e2e.fixture.AllocWorkload");
            String pid = app.awaitOut("alloc-workload ready pid=(\\d+)", Duration.ofSeconds(60));
            String url = HttpServerTest.awaitUrl(env, pid);
            awaitRecording(url);
            String pprof = url + "debug/pprof/";

            // answers as Go's net/http/pprof gives them
            for (String name : List.of("allocs", "heap", "block", "mutex")) {
                Response r = HttpServerTest.get(pprof + name);
                assertEquals(200, r.status(), r::toString);
                assertEquals("application/octet-stream", r.header("Content-Type"), r::toString);
                assertEquals("attachment; filename=\"" + name + "\"", r.header("Content-Disposition"), r::toString);
                assertEquals("nosniff", r.header("X-Content-Type-Options"), r::toString);
            }
            for (String bad : List.of("allocs?seconds=0", "allocs?seconds=-3", "allocs?seconds=abc", "block?seconds=1&debug=1", "mutex?debug=3")) {
                Response r = HttpServerTest.get(pprof + bad);
                assertEquals(400, r.status(), () -> bad + ": " + r);
                assertEquals("text/plain; charset=utf-8", r.header("Content-Type"), () -> bad + ": " + r);
                assertEquals("1", r.header("X-Go-Pprof"), () -> bad + ": " + r);
                assertEquals(null, r.header("Content-Disposition"), () -> bad + ": " + r);
                assertEquals(1, r.text().lines().count(), () -> bad + ": " + r);
            }
            Response unknown = HttpServerTest.get(pprof + "nosuchprofile");
            assertEquals(404, unknown.status(), unknown::toString);
            assertTrue(unknown.text().contains("unknown profile: nosuchprofile"), unknown::toString);
            assertEquals("1", unknown.header("X-Go-Pprof"), unknown::toString);

            // Alloy's delta computation over five scrapes: the first is dropped (it is the baseline),
            // each later one minus the one before, per stack
            List<Scrape> scrapes = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                if (i > 0) {
                    awaitAllocated(app, allocated(app, scrapes.get(i - 1).answeredMillis()) + STEP_BYTES);
                }
                scrapes.add(scrape(env, pprof + "allocs", "scrape-" + i));
            }
            for (int i = 1; i < scrapes.size(); i++) {
                Scrape before = scrapes.get(i - 1);
                Scrape after = scrapes.get(i);
                for (Map.Entry<String, Long> e : before.bytes().entrySet()) {
                    long now = after.bytes().getOrDefault(e.getKey(), -1L);
                    assertTrue(now >= e.getValue(), "scrape " + i + " has less for a stack than scrape " + (i - 1) + " (" + now + " < " + e.getValue()
                            + "): " + e.getKey());
                }
                assertTrue(after.at(SITE) > before.at(SITE), "the workload's site grows between scrapes " + (i - 1) + " and " + i);
            }
            Scrape first = scrapes.get(0);
            Scrape last = scrapes.get(scrapes.size() - 1);
            long profiled = last.total() - first.total();
            // the scrape's data ends where the agent finished the recording's chunk, early in its request: taken at the request's midpoint
            long truth = allocated(app, (last.askedMillis() + last.answeredMillis()) / 2) - allocated(app, (first.askedMillis() + first.answeredMillis()) / 2);
            double ratio = (double) profiled / truth;
            assertTrue(ratio > 0.7 && ratio < 1.3, "allocated per the deltas " + profiled + " B vs the JVM's count for the workload's threads " + truth
                    + " B: ratio " + ratio);
            long atSite = last.at(SITE) - first.at(SITE);
            assertTrue(atSite > 0.8 * profiled, "the known site has " + atSite + " of " + profiled + " B");

            // ?seconds=N: a delta, inside the difference of two scrapes around it
            int seconds = 8;
            Scrape a = scrape(env, pprof + "allocs", "around-a");
            Response d = HttpServerTest.get(pprof + "allocs?seconds=" + seconds);
            Scrape b = scrape(env, pprof + "allocs", "around-b");
            assertEquals(200, d.status(), d::toString);
            assertEquals("attachment; filename=\"allocs-delta\"", d.header("Content-Disposition"), d::toString);
            Files.write(env.work.resolve("delta.pb.gz"), d.body());
            Profile deltaProfile = PprofReader.read(env.work.resolve("delta.pb.gz"));
            assertTrue(deltaProfile.durationNanos() >= seconds * 1_000_000_000L
                    && deltaProfile.durationNanos() <= (b.answeredMillis() - a.askedMillis()) * 1_000_000L, "DurationNanos " + deltaProfile.durationNanos());
            Map<String, Long> delta = bytes(deltaProfile);
            long deltaTotal = 0;
            for (Map.Entry<String, Long> e : delta.entrySet()) {
                long around = b.bytes().getOrDefault(e.getKey(), 0L) - a.bytes().getOrDefault(e.getKey(), 0L);
                // exact: both are sums of the same chunks' samples, and the delta's chunks are among those between the scrapes
                assertTrue(e.getValue() >= 0 && e.getValue() <= around, "delta " + e.getValue() + " vs scrapes' difference " + around + ": " + e.getKey());
                deltaTotal += e.getValue();
            }
            long aroundTotal = b.total() - a.total();
            double expected = (double) seconds * 1000 / (b.answeredMillis() - a.askedMillis()); // the smallest share the delta's span can have
            assertTrue(deltaTotal >= 0.8 * expected * aroundTotal, "delta " + deltaTotal + " B over " + seconds + " s vs " + aroundTotal + " B over "
                    + (b.answeredMillis() - a.askedMillis()) + " ms around it");

            Scrape start = scrapes.get(0);
            for (Map.Entry<String, Long> e : start.bytes().entrySet()) {
                assertTrue(b.bytes().getOrDefault(e.getKey(), -1L) >= e.getValue(), "still there " + (b.askedMillis() - start.askedMillis())
                        + " ms later, beyond the recording's 10 s: " + e.getKey());
            }
            System.out.printf("pprof %s: alloc deltas %d B vs JVM count %d B (ratio %.3f), site share %.3f; ?seconds=%d delta %d B vs %d B around it"
                    + " over %d ms; scrape answered in %d ms%n", jdk.getFileName(), profiled, truth, ratio, (double) atSite / profiled, seconds, deltaTotal,
                    aroundTotal, b.answeredMillis() - a.askedMillis(), last.answeredMillis() - last.askedMillis());

            // trace: a JFR recording the JDK's jfr tool reads; cmdline: NUL-separated; the index lists every endpoint
            Response trace = HttpServerTest.get(pprof + "trace?seconds=1.5");
            assertEquals(200, trace.status(), trace::toString);
            assertEquals("application/octet-stream", trace.header("Content-Type"), trace::toString);
            assertEquals("attachment; filename=\"trace\"", trace.header("Content-Disposition"), trace::toString);
            Files.write(env.work.resolve("trace.jfr"), trace.body());
            Proc summary = Jdks.tool(jdk, "jfr", "summary", env.work.resolve("trace.jfr").toString());
            assertEquals(0, summary.waitFor(Duration.ofSeconds(120)), summary::stderr);
            assertTrue(summary.stdout().contains("jdk.ExecutionSample") && summary.stdout().contains("jdk.ObjectAllocationSample"), summary::stdout);
            for (String bad : List.of("trace?seconds=0", "trace?seconds=x", "trace?seconds=301")) {
                Response r = HttpServerTest.get(pprof + bad);
                assertEquals(400, r.status(), () -> bad + ": " + r);
            }
            Response cmdline = HttpServerTest.get(pprof + "cmdline");
            assertEquals(200, cmdline.status(), cmdline::toString);
            // with the token hidden: anyone who may read profiles may read this
            assertTrue(cmdline.text().contains("\0-javaagent:" + Fixtures.agentJar() + "=http=0,jfr.maxage=10s,http.token=(hidden)\0")
                    && !cmdline.text().contains(SECRET)
                    && cmdline.text().endsWith("\0dev.forgeperf.e2e.fixture.AllocWorkload"), cmdline::toString);
            String index = HttpServerTest.get(pprof).text();
            for (String link : List.of("profile?seconds=30", "allocs", "heap", "block", "mutex", "goroutine", "trace?seconds=1", "cmdline")) {
                assertTrue(index.contains("<a href=\"" + link + "\">"), () -> link + " in " + index);
            }

            // threadcreate: every thread start at its starting stack, cumulative (from when the recording started: compared as a difference)
            long[][] seen = new long[2][];
            for (int i = 0; i < 2; i++) {
                long asked = System.currentTimeMillis();
                Response r = HttpServerTest.get(pprof + "threadcreate");
                long answered = System.currentTimeMillis();
                assertEquals(200, r.status(), r::toString);
                Files.write(env.work.resolve("threadcreate.pb.gz"), r.body());
                Profile p = PprofReader.read(env.work.resolve("threadcreate.pb.gz"));
                int type = p.typeIndex("threadcreate");
                long atSpawn = 0;
                for (int n = 0; n < p.nodeCount(); n++) {
                    int[] stack = p.stack(n);
                    if (p.hasSamples(n) && stack.length > 0 && p.frameName(stack[stack.length - 1]).equals("dev.forgeperf.e2e.fixture.AllocWorkload.spawn")) {
                        atSpawn += p.value(n, type);
                    }
                }
                // spawned and ended before the request: in it; reported after the answer: not (one may be started before and reported after)
                seen[i] = new long[] {atSpawn, spawned(app, asked), spawned(app, answered) + 1};
                if (i == 0) {
                    awaitSpawned(app, seen[0][2] + 4);
                }
            }
            long counted = seen[1][0] - seen[0][0];
            assertTrue(counted >= seen[1][1] - seen[0][2] && counted <= seen[1][2] - seen[0][1],
                    "threads started at AllocWorkload.spawn between two scrapes: " + counted + ", spawned " + (seen[1][1] - seen[0][2]) + ".."
                            + (seen[1][2] - seen[0][1]));
            assertTrue(counted >= 3, "threads counted between the scrapes: " + counted);

            // go tool pprof reads every endpoint, live
            for (String name : List.of("allocs", "heap", "block", "mutex", "allocs?seconds=2", "goroutine", "threadcreate")) {
                String top = GoPprof.top(env, pprof + name);
                assertTrue(top.contains("Type: "), top);
                if (name.startsWith("allocs")) {
                    assertTrue(top.contains("Type: alloc_space") && top.contains(SITE), top);
                }
            }
            assertTrue(app.process().isAlive(), "the application still runs");
        }
    }

    private static Scrape scrape(Env env, String url, String file) throws Exception {
        long asked = System.currentTimeMillis();
        Response r = HttpServerTest.get(url);
        long answered = System.currentTimeMillis();
        assertEquals(200, r.status(), r::toString);
        Path saved = env.work.resolve(file + ".pb.gz");
        Files.write(saved, r.body());
        Profile p = PprofReader.read(saved);
        return new Scrape(bytes(p), p, asked, answered);
    }

    /** alloc_space per stack (frames root first, with lines). */
    static Map<String, Long> bytes(Profile p) {
        int type = p.typeIndex("alloc_space");
        assertTrue(type >= 0, "alloc_space in " + p.sampleTypes());
        Map<String, Long> m = new HashMap<>();
        for (int n = 0; n < p.nodeCount(); n++) {
            if (!p.hasSamples(n)) {
                continue;
            }
            StringBuilder key = new StringBuilder();
            for (int f : p.stack(n)) {
                key.append(p.frameName(f)).append(':').append(p.frameLine(f)).append(';');
            }
            m.merge(key.toString(), p.value(n, type), Long::sum);
        }
        return m;
    }

    /** The workload threads' allocated bytes at {@code epochMillis}, interpolated between the fixture's 100 ms reports. */
    static long allocated(Proc app, long epochMillis) {
        long[] prev = null;
        for (String line : app.stdout().lines().filter(l -> l.startsWith("allocated ")).toList()) {
            String[] f = line.split(" ");
            long[] cur = {Long.parseLong(f[1]), Long.parseLong(f[2])};
            if (cur[0] >= epochMillis) {
                if (prev == null || cur[0] == prev[0]) {
                    return cur[1];
                }
                return prev[1] + (cur[1] - prev[1]) * (epochMillis - prev[0]) / (cur[0] - prev[0]);
            }
            prev = cur;
        }
        // not reported yet: wait for the next report
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Env.sleep(50);
            if (app.stdout().lines().filter(l -> l.startsWith("allocated ")).anyMatch(l -> Long.parseLong(l.split(" ")[1]) >= epochMillis)) {
                return allocated(app, epochMillis);
            }
        }
        throw new AssertionError("no allocation report after " + epochMillis);
    }

    /** Threads the fixture reported spawned (started and ended) by {@code epochMillis}. */
    private static long spawned(Proc app, long epochMillis) {
        return app.stdout().lines().filter(l -> l.startsWith("spawned ")).filter(l -> Long.parseLong(l.split(" ")[1]) <= epochMillis).count();
    }

    private static void awaitSpawned(Proc app, long count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (app.stdout().lines().filter(l -> l.startsWith("spawned ")).count() < count) {
            assertTrue(System.nanoTime() < deadline, "the workload spawned " + count + " threads");
            Env.sleep(50);
        }
    }

    private static void awaitAllocated(Proc app, long bytes) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            List<String> lines = app.stdout().lines().filter(l -> l.startsWith("allocated ")).toList();
            if (!lines.isEmpty() && Long.parseLong(lines.get(lines.size() - 1).split(" ")[2]) >= bytes) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the workload allocated " + bytes + " B");
            Env.sleep(50);
        }
    }

    static void awaitRecording(String url) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!String.valueOf(RuntimeTest.map(HttpServerTest.json(HttpServerTest.get(url + "api/status")), "features").get("jfr")).startsWith("recording")) {
            assertTrue(System.nanoTime() < deadline, "the continuous recording started");
            Env.sleep(100);
        }
    }
}
