package dev.forgeperf.e2e;

import static dev.forgeperf.e2e.HttpServerTest.get;
import static dev.forgeperf.e2e.HttpServerTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgeperf.e2e.HttpServerTest.Response;
import dev.forgeperf.util.JsonReader;

/**
 * {@code /api/timings/history} on each JDK against a workload with a known answer
 * ({@code PhaseLatency}: calls of 1 ms, then of 20 ms, counted by the fixture itself): the points
 * of the slow phase say ~20 ms while the earlier ones still say ~1 ms and the cumulative p50 of
 * {@code /api/timings} still says ~1 ms; the points' calls add up to the fixture's own count.
 * And the cap on {@code /api/threads/cpu}: with two measurements running (seen in the JVM's own
 * thread dump), a third gets 429 and one line, the two complete.
 */
class IntervalTimingsTest {
    private static final String APP = "dev.forgeperf.e2e.fixture.PhaseLatency";
    private static final long MS = 1_000_000L;

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> points(Map<String, Object> history) {
        return (List<Map<String, Object>>) (List<?>) RuntimeTest.list(history, "points");
    }

    private static long deadline(int seconds) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @MethodSource("jdks")
    void pointsShowEachIntervalsOwnPercentilesAndCallsAddUpAndThreadCpuIsCapped(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Path phases = Files.createDirectory(env.work.resolve("phases"));
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar() + "=http=0,jfr=off,metrics.interval=250ms,timed=" + APP + "#call",
                    "-cp", Fixtures.testClasses().toString()), APP, phases.toString());
            String pid = app.awaitOut("phases ready pid=(\\d+)", Duration.ofSeconds(60));
            String url = app.awaitErr("\\[forge-perf\\] HTTP on (\\S+)$", Duration.ofSeconds(60));
            // the history has read the counts once (points start at the next sample): every call from now on is in a point
            for (long end = deadline(60); RuntimeTest.num(json(get(url + "api/timings/history")), "samplesRead") < 1; Env.sleep(50)) {
                assertTrue(System.nanoTime() < end, "the timing history read no sample in 60 s");
            }
            Files.createFile(phases.resolve("start"));

            // the fast phase: wait for the method's series and enough 1 ms calls
            String method = null;
            long fastCalls = 0;
            for (long end = deadline(120); method == null || fastCalls < 2000; Env.sleep(100)) {
                assertTrue(System.nanoTime() < end, () -> "no series with 2000 calls in 120 s: " + app.stderr());
                Map<String, Object> list = json(get(url + "api/timings/history"));
                assertEquals(16L, RuntimeTest.num(list, "topPerSample"));
                assertEquals(1000L * (32 * 14 + 24), RuntimeTest.num(list, "maxBytes"), list::toString);
                for (Object o : RuntimeTest.list(list, "methods")) {
                    Map<?, ?> m = (Map<?, ?>) o;
                    if (((String) m.get("method")).contains("PhaseLatency")) {
                        method = (String) m.get("method");
                        fastCalls = ((Number) m.get("calls")).longValue();
                    }
                }
            }
            String query = url + "api/timings/history?method=" + URLEncoder.encode(method, StandardCharsets.UTF_8);
            long switchedAt = System.currentTimeMillis();
            Files.createFile(phases.resolve("slow"));

            // the slow phase: poll until the newest points with calls say ~20 ms
            Map<String, Object> history = null;
            for (long end = deadline(120); ; Env.sleep(100)) {
                assertTrue(System.nanoTime() < end, "no 20 ms points in 120 s: " + history);
                history = json(get(query));
                List<Map<String, Object>> p = points(history);
                List<Map<String, Object>> busy = p.stream().filter(x -> RuntimeTest.num(x, "calls") > 0).toList();
                if (busy.size() >= 2 && busy.subList(busy.size() - 2, busy.size()).stream().allMatch(x -> RuntimeTest.num(x, "p50Nanos") >= 15 * MS)) {
                    break;
                }
            }
            Map<String, Object> cumulative = null;
            for (Object o : (List<?>) JsonReader.parse(get(url + "api/timings").text())) {
                Map<String, Object> row = (Map<String, Object>) o;
                if (method.equals(row.get("method"))) {
                    cumulative = row;
                }
            }
            assertNotNull(cumulative, "the method in api/timings");
            Map<String, Object> row = cumulative;
            assertTrue(RuntimeTest.num(row, "p50Nanos") <= 5 * MS, () -> "the cumulative p50 is still the fast phase's: " + row);
            Map<String, Object> seen = history;
            List<Map<String, Object>> early = points(history).stream()
                    .filter(x -> RuntimeTest.num(x, "timeMillis") < switchedAt && RuntimeTest.num(x, "calls") > 0).toList();
            assertTrue(early.size() >= 3, () -> "points before the switch: " + seen);
            // ~1 ms calls: a loaded machine may stretch the sleeps of an interval or two, not of most of them
            long[] earlyP50 = early.stream().mapToLong(x -> RuntimeTest.num(x, "p50Nanos")).sorted().toArray();
            assertTrue(earlyP50[earlyP50.length / 2] <= 5 * MS, () -> "the fast phase's points: " + early);
            for (Map<String, Object> x : early) {
                assertTrue(RuntimeTest.num(x, "p99Nanos") >= RuntimeTest.num(x, "p50Nanos"), x::toString);
                long calls = RuntimeTest.num(x, "calls");
                long interval = RuntimeTest.num(x, "intervalMillis");
                assertEquals(Math.round(calls * 10000.0 / interval) / 10.0, ((Number) x.get("callsPerSecond")).doubleValue(), 1e-9, x::toString);
            }
            for (Map<String, Object> x : points(history)) {
                if (RuntimeTest.num(x, "calls") > 0) {
                    assertTrue(RuntimeTest.num(x, "maxBucketNanos") >= RuntimeTest.num(x, "p99Nanos"), x::toString);
                }
            }

            // the points' calls add up to the calls the fixture counted
            Files.createFile(phases.resolve("stop"));
            long made = Long.parseLong(app.awaitOut("stopped calls=(\\d+)", Duration.ofSeconds(60)));
            long sum = -1;
            for (long end = deadline(60); sum != made; Env.sleep(100)) {
                long s = sum;
                assertTrue(System.nanoTime() < end, () -> "the points' calls " + s + " never reached the fixture's " + made);
                sum = points(json(get(query))).stream().mapToLong(x -> RuntimeTest.num(x, "calls")).sum();
                assertTrue(sum <= made, "the points count more calls than were made: " + sum + " > " + made);
            }
            assertEquals(3, points(json(get(query + "&count=3"))).size());

            // an unknown method: 404, one line of JSON
            Response unknown = get(url + "api/timings/history?method=no.Such%23method");
            assertEquals(404, unknown.status(), unknown::toString);
            assertEquals(1, unknown.text().lines().count(), unknown::toString);
            assertTrue(((String) json(unknown).get("error")).contains("no.Such#method"), unknown::toString);

            threadCpuIsCapped(jdk, pid, url);
        }
    }

    /** Two measurements running (in the JVM's thread dump): a third gets 429 and one line; the two answer 200. */
    private static void threadCpuIsCapped(Path jdk, String pid, String url) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<Response>> running = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                running.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return get(url + "api/threads/cpu?seconds=30");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            for (long end = deadline(60); ; Env.sleep(200)) {
                String dump = Jdks.tool(jdk, "jcmd", pid, "Thread.print").stdout();
                long measuring = dump.lines().filter(l -> l.contains("ApiEndpoints.measureThreadCpu")).count();
                if (measuring == 2) {
                    break;
                }
                assertTrue(System.nanoTime() < end && running.stream().noneMatch(CompletableFuture::isDone),
                        () -> "two measurements never ran at once: " + running);
            }
            Response third = get(url + "api/threads/cpu?seconds=1");
            assertEquals(429, third.status(), third::toString);
            assertEquals(1, third.text().lines().count(), third::toString);
            assertTrue(third.text().contains("retry"), third::toString);
            for (CompletableFuture<Response> f : running) {
                Response r = f.get(120, TimeUnit.SECONDS);
                assertEquals(200, r.status(), r::toString);
                assertNotNull(json(r).get("threads"), r::toString);
            }
            Response after = get(url + "api/threads/cpu?seconds=1");
            assertEquals(200, after.status(), after::toString);
        } finally {
            pool.shutdownNow();
        }
    }
}
