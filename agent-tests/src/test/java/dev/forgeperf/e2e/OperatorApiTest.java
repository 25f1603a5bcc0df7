package dev.forgeperf.e2e;

import static dev.forgeperf.e2e.HttpServerTest.awaitUrl;
import static dev.forgeperf.e2e.HttpServerTest.call;
import static dev.forgeperf.e2e.HttpServerTest.get;
import static dev.forgeperf.e2e.HttpServerTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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

/**
 * The operator's HTTP API on each JDK: {@code /api/memory}, {@code GET /api/gc},
 * {@code /api/threads}, {@code /api/runtime}, {@code /api/heap-dump} and {@code /api/profile}
 * checked against the JDK's own MXBeans read inside the target ({@code OperatorApp} prints them),
 * threads the fixture put in known states, an HPROF read back and {@code go tool pprof};
 * {@code /health} answering 200, 202 and 503; {@code http.profiles=off|read|all}.
 */
class OperatorApiTest {
    private static final String APP = "dev.forgeperf.e2e.fixture.OperatorApp";

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    /** What the fixture's MXBeans said, by kind of line: each line's tab-separated fields after the kind. */
    private static Map<String, List<String[]>> truth(Proc app, Path requests, int id) throws IOException {
        Files.createFile(requests.resolve("truth-" + id));
        app.awaitOut("^" + id + " end$", Duration.ofSeconds(60));
        Map<String, List<String[]>> m = new HashMap<>();
        for (String line : app.stdout().lines().toList()) {
            if (line.startsWith(id + " ") && !line.equals(id + " end")) {
                String[] f = line.substring((id + " ").length()).split("\t", -1);
                m.computeIfAbsent(f[0], k -> new ArrayList<>()).add(java.util.Arrays.copyOfRange(f, 1, f.length));
            }
        }
        return m;
    }

    private static String one(Map<String, List<String[]>> truth, String kind) {
        return truth.get(kind).get(0)[0];
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Map<String, Object> m, String key) {
        return (List<Map<String, Object>>) (List<?>) RuntimeTest.list(m, key);
    }

    private static void assertOneLine(int status, Response r, String... words) {
        assertEquals(status, r.status(), r::toString);
        assertEquals(1, r.text().lines().count(), r::toString);
        for (String w : words) {
            assertTrue(r.text().contains(w), () -> "'" + w + "' in " + r);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void apiNumbersAreTheJdksAndHeapDumpsNeedTheTokenAndHttpProfilesAll(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Path tmp = Files.createDirectory(env.work.resolve("target-tmp"));
            Path requests = Files.createDirectory(env.work.resolve("requests"));
            Proc app = env.java(jdk, List.of("-Xmx128m", "-Djava.io.tmpdir=" + tmp, "-javaagent:" + Fixtures.agentJar() + "=http=0,http.profiles=all,jfr=off",
                    "-cp", Fixtures.testClasses().toString()), APP, "deadlock", requests.toString());
            String pid = app.awaitOut("operator ready pid=(\\d+)", Duration.ofSeconds(60));
            String url = app.awaitErr("\\[forge-perf\\] HTTP on (\\S+)$", Duration.ofSeconds(60));
            assertEquals(url, awaitUrl(env, pid));
            Files.createFile(requests.resolve("gc"));
            app.awaitOut("^gc done$", Duration.ofSeconds(60));

            // memory and GC: the same numbers as the MXBeans, read with no collection in between
            int id = 0;
            Map<String, Object> memory = null;
            Map<String, Object> gc = null;
            Map<String, List<String[]>> before = null;
            for (boolean same = false; !same; ) {
                assertTrue(id < 20, "20 tries without a collection between the fixture's reads");
                before = truth(app, requests, ++id);
                memory = json(get(url + "api/memory"));
                gc = json(get(url + "api/gc"));
                Map<String, List<String[]>> after = truth(app, requests, ++id);
                same = counts(before).equals(counts(after));
            }
            assertEquals(Long.parseLong(one(before, "heapMax")), RuntimeTest.num(RuntimeTest.map(memory, "heap"), "max"));
            Map<String, Map<String, Object>> pools = new HashMap<>();
            maps(memory, "pools").forEach(p -> pools.put((String) p.get("name"), p));
            assertEquals(before.get("pool").size(), pools.size(), memory::toString);
            for (String[] p : before.get("pool")) {
                Map<String, Object> api = pools.get(p[0]);
                assertNotNull(api, () -> p[0] + " in " + pools.keySet());
                assertEquals(p[1], api.get("type"), p[0]);
                long max = Long.parseLong(p[2]);
                assertEquals(max < 0 ? null : max, api.get("max") == null ? null : ((Number) api.get("max")).longValue(), p[0]);
                long afterGc = Long.parseLong(p[3]);
                assertEquals(afterGc < 0 ? null : afterGc, api.get("usedAfterLastGc") == null ? null : ((Number) api.get("usedAfterLastGc")).longValue(),
                        p[0] + " used after the last GC");
            }
            Map<String, Map<String, Object>> collectors = new HashMap<>();
            maps(gc, "collectors").forEach(c -> collectors.put((String) c.get("name"), c));
            for (String[] c : before.get("collector")) {
                Map<String, Object> api = collectors.get(c[0]);
                assertNotNull(api, () -> c[0] + " in " + collectors.keySet());
                assertEquals(Long.parseLong(c[1]), RuntimeTest.num(api, "count"), c[0] + " count");
                assertEquals(Long.parseLong(c[2]), RuntimeTest.num(api, "timeMillis"), c[0] + " time");
            }
            Map<String, Object> gcJson = gc;
            long systemGcs = maps(gc, "recent").stream().filter(e -> "System.gc()".equals(e.get("cause"))).count();
            assertEquals(3, systemGcs, () -> "the fixture's 3 System.gc() calls among the recent collections: " + gcJson);
            assertTrue(gc.containsKey("cpuFraction") && RuntimeTest.map(gc, "pauses").containsKey("count"), gc::toString);

            // runtime: the JVM as its RuntimeMXBean tells it
            Map<String, List<String[]>> rtTruth = truth(app, requests, ++id);
            Map<String, Object> runtime = json(get(url + "api/runtime"));
            Map<String, Object> jvm = RuntimeTest.map(runtime, "jvm");
            assertEquals(one(rtTruth, "vendor"), jvm.get("vendor"));
            assertEquals(one(rtTruth, "version"), jvm.get("version"));
            assertEquals(Long.parseLong(one(rtTruth, "cpus")), RuntimeTest.num(runtime, "availableProcessors"));
            assertEquals(Long.parseLong(one(rtTruth, "startTime")), RuntimeTest.num(runtime, "startTimeMillis"));
            assertTrue(RuntimeTest.num(runtime, "uptimeMillis") >= Long.parseLong(one(rtTruth, "uptime")), runtime::toString);
            List<Object> args = new ArrayList<>();
            rtTruth.get("arg").forEach(a -> args.add(a[0]));
            assertEquals(args, RuntimeTest.list(runtime, "inputArguments"));
            Map<String, Object> agent = RuntimeTest.map(runtime, "agent");
            assertEquals(List.of("all"), RuntimeTest.map(agent, "options").get("http.profiles"));
            assertEquals(RuntimeTest.json(env.cli.run("status", pid, "--json")).get("agentVersion"), agent.get("version"));

            // threads: the fixture's, in the states it put them; the deadlock first
            Map<String, Object> threads = json(get(url + "api/threads"));
            Map<String, Object> states = RuntimeTest.map(threads, "states");
            assertTrue(RuntimeTest.num(states, "WAITING") >= 3 && RuntimeTest.num(states, "TIMED_WAITING") >= 2
                    && RuntimeTest.num(states, "BLOCKED") >= 2 && RuntimeTest.num(states, "RUNNABLE") >= 1, threads::toString);
            long total = 0;
            for (Object n : states.values()) {
                total += ((Number) n).longValue();
            }
            assertEquals(RuntimeTest.num(threads, "count"), total, "states add up to the count");
            List<Object> deadlocks = RuntimeTest.list(threads, "deadlocks");
            assertEquals(1, deadlocks.size(), threads::toString);
            assertEquals(2, ((List<?>) deadlocks.get(0)).size(), threads::toString);
            List<Map<String, Object>> groups = maps(threads, "groups");
            assertEquals(true, groups.get(0).get("deadlocked"), "a deadlocked group first: " + groups.get(0));
            assertTrue(groups.get(0).toString().contains("deadlock-"), groups.get(0)::toString);
            Map<String, Object> parked = groups.stream().filter(g -> g.toString().contains("parked-0")).findFirst().orElseThrow();
            assertEquals(3L, RuntimeTest.num(parked, "count"), parked::toString);
            assertTrue(parked.toString().contains("parked-1") && parked.toString().contains("parked-2") && parked.toString().contains("WAITING"));
            assertTrue(RuntimeTest.list(parked, "stack").toString().contains("OperatorApp.lambda$main$"), parked::toString);
            long grouped = groups.stream().mapToLong(g -> RuntimeTest.num(g, "count")).sum();
            assertEquals(RuntimeTest.num(threads, "count"), grouped, "every thread in one group");

            // health: a deadlock is unhealthy, 503
            Response health = get(url + "health");
            assertEquals(503, health.status(), health::toString);
            assertTrue(health.text().startsWith("unhealthy\n") && health.text().contains("deadlock-"), health::toString);

            // heap dump: http.profiles=all, and the token; a complete HPROF, nothing left on disk
            Response noToken = get(url + "api/heap-dump");
            assertOneLine(401, noToken, "Authorization: Bearer");
            String token = Files.readString(env.socketDir.resolve(pid + ".http-token")).trim();
            Response dump = get(url + "api/heap-dump", "Authorization", "Bearer " + token);
            assertEquals(200, dump.status(), () -> "HTTP " + dump.status() + " " + dump.headers().map());
            assertEquals("application/octet-stream", dump.header("Content-Type"));
            assertEquals("attachment; filename=\"pid-" + pid + ".hprof\"", dump.header("Content-Disposition"));
            Path hprof = env.work.resolve("api.hprof");
            Files.write(hprof, dump.body());
            RuntimeTest.assertCompleteHprof(hprof);
            try (Stream<Path> left = Files.list(tmp)) {
                List<Path> files = left.filter(p -> p.getFileName().toString().contains("forge-perf-heapdump")).toList();
                assertEquals(List.of(), files, "no heap dump left in the target's temporary directory");
            }

            // a profile over HTTP, in every format; bad parameters get one line each
            String collapsed = get(url + "api/profile?kind=cpu&seconds=2&format=collapsed").text();
            assertTrue(collapsed.lines().anyMatch(l -> l.contains("OperatorApp.spin")), collapsed);
            Response html = get(url + "api/profile?kind=cpu&seconds=1&format=html");
            assertEquals(200, html.status(), html::toString);
            assertTrue(html.header("Content-Type").startsWith("text/html") && html.text().contains("<html"), html::toString);
            Response txt = get(url + "api/profile?kind=wall&seconds=1&format=txt");
            assertEquals(200, txt.status(), txt::toString);
            assertTrue(txt.text().contains("wall profile of pid " + pid), txt::toString);
            Response pprof = get(url + "api/profile?kind=cpu&seconds=2");
            assertEquals(200, pprof.status(), pprof::toString);
            assertEquals("attachment; filename=\"cpu.pb.gz\"", pprof.header("Content-Disposition"));
            Files.write(env.work.resolve("api-cpu.pb.gz"), pprof.body());
            GoPprof.assertTop(env, "api-cpu.pb.gz", "OperatorApp.spin", "Type: cpu");
            assertOneLine(400, get(url + "api/profile?seconds=1"), "?kind= is missing");
            assertOneLine(400, get(url + "api/profile?kind=heap"), "?kind=heap is not valid");
            assertOneLine(400, get(url + "api/profile?kind=live"), "?kind=live is not valid: expected cpu, wall, alloc, lock or park");
            assertOneLine(400, get(url + "api/profile?kind=cpu&seconds=0"), "?seconds=0");
            assertOneLine(400, get(url + "api/profile?kind=cpu&format=jfr"), "?format=jfr is not valid");
            assertTrue(app.process().isAlive(), "the application still runs");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aHeapDumpThatDoesNotFitIsOneLineAndLeavesNothing(Path jdk) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(SocketDirs.isRoot(), "needs root to mount a tmpfs");
        try (Env env = new Env()) {
            Path full = Files.createDirectories(env.work.resolve("full"));
            Proc mount = Proc.start(List.of("mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", full.toString()), null, null);
            org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor(Duration.ofSeconds(30)) == 0, "cannot mount a tmpfs here: " + mount.stderr());
            try {
                Proc app = env.hello(jdk, "http=0,http.profiles=all,jfr=off", 120_000, "-Djava.io.tmpdir=" + full);
                String url = awaitUrl(env, String.valueOf(app.pid()));
                String token = Files.readString(env.socketDir.resolve(app.pid() + ".http-token")).trim();
                Response r = get(url + "api/heap-dump", "Authorization", "Bearer " + token);
                assertOneLine(503, r, "not enough disk space for a heap dump", full.toString());
                try (Stream<Path> left = Files.list(full)) {
                    List<Path> files = left.toList();
                    assertEquals(List.of(), files, "nothing left in the temporary directory");
                }
                assertTrue(app.process().isAlive(), "the host runs on");
                assertEquals(200, get(url + "api/memory").status());
            } finally {
                Proc.start(List.of("umount", full.toString()), null, null).waitFor(Duration.ofSeconds(30));
            }
        }
    }

    /** The collectors' counts in a truth: equal before and after means no collection happened in between. */
    private static List<String> counts(Map<String, List<String[]>> truth) {
        List<String> out = new ArrayList<>();
        truth.get("collector").forEach(c -> out.add(c[0] + "=" + c[1]));
        return out;
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void healthCodesAndHttpProfilesOffAndRead(Path jdk) throws Exception {
        try (Env env = new Env()) {
            // off: every profile, thread-dump and heap-dump endpoint says 403 naming the option; the rest answers
            Proc off = env.hello(jdk, "http=0,http.profiles=off,jfr=off", 600_000);
            String offUrl = awaitUrl(env, String.valueOf(off.pid()));
            String token = Files.readString(env.socketDir.resolve(off.pid() + ".http-token")).trim();
            for (String path : List.of("debug/pprof/", "debug/pprof/profile?seconds=1", "debug/pprof/goroutine", "debug/pprof/heap",
                    "api/profile?kind=cpu&seconds=1", "api/threads")) {
                assertOneLine(403, get(offUrl + path), "http.profiles=off");
            }
            assertOneLine(403, get(offUrl + "api/heap-dump", "Authorization", "Bearer " + token), "http.profiles=off", "http.profiles=all");
            assertEquals(200, get(offUrl + "api/memory").status());
            Response healthy = get(offUrl + "health");
            assertEquals(200, healthy.status(), healthy::toString);
            assertTrue(healthy.text().startsWith("healthy\n"), healthy::toString);
            Cli.Result status = env.cli.run("status", String.valueOf(off.pid()));
            assertTrue(status.out().contains("http.profiles=off)"), status::toString);

            // a bad value: one line, the default (read): profiles and thread dumps, no heap dumps; degraded is 202
            Proc read = env.hello(jdk, "http=0,http.profiles=maybe,health.threads.degraded=1,jfr=off", 600_000);
            String warning = read.awaitErr("\\[forge-perf\\] (.*http\\.profiles.*)", Duration.ofSeconds(60));
            assertEquals("ignoring http.profiles=maybe (expected off, read, all); using the default", warning);
            String readUrl = awaitUrl(env, String.valueOf(read.pid()));
            String readToken = Files.readString(env.socketDir.resolve(read.pid() + ".http-token")).trim();
            assertEquals(200, get(readUrl + "api/threads").status());
            assertEquals(200, get(readUrl + "debug/pprof/goroutine?debug=1").status());
            assertOneLine(403, get(readUrl + "api/heap-dump", "Authorization", "Bearer " + readToken), "http.profiles=read", "http.profiles=all");
            Response degraded = get(readUrl + "health");
            assertEquals(202, degraded.status(), degraded::toString);
            assertTrue(degraded.text().startsWith("degraded\n"), degraded::toString);
            assertEquals("degraded", degraded.header("X-Forge-Perf-Health"));
            Map<String, Object> httpStatus = RuntimeTest.map(RuntimeTest.json(env.cli.run("status", String.valueOf(read.pid()), "--json")), "http");
            assertEquals("read", httpStatus.get("profiles"));
            assertFalse(off.stderr().contains("ignoring http.profiles"), off::stderr);
        }
    }
}
