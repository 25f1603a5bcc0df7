package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgeperf.util.JsonReader;

/** The host's heap is not the agent's scratch space: heavy work in a nearly full heap is refused in one line. */
class HeapGuardTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    /**
     * A heavy {@code /metrics} (1 500 timed names: about 8 MB of heap at its peak, over the 4 MB a
     * scrape may always take) in a nearly full heap is refused with 503, {@code Retry-After} and one
     * line saying what to do; a light endpoint still answers and the application sees no
     * {@link OutOfMemoryError}.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void aHeavyMetricsScrapeInANearlyFullHeapIsRefusedInOneLine(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-Xmx48m", "-javaagent:" + Fixtures.agentJar() + "=http=127.0.0.1:0", "-cp", Fixtures.testClasses().toString()),
                    "dev.forgeperf.e2e.fixture.FullHeap", "8", "600000", env.socketDir.toString(), "1500");
            String pid = app.awaitOut("full heap ready pid=(\\d+)", Duration.ofSeconds(120));
            String url = HttpServerTest.awaitUrl(env, pid).replaceAll("/$", "");

            HttpServerTest.Response metrics = HttpServerTest.get(url + "/metrics");
            assertEquals(503, metrics.status(), metrics::toString);
            assertEquals("60", metrics.header("Retry-After"), metrics::toString);
            assertTrue(metrics.header("Content-Type").startsWith("text/plain"), metrics::toString);
            assertEquals(1, metrics.text().strip().lines().count(), metrics::toString);
            assertTrue(metrics.text().matches("forge-perf: refused the /metrics text of 1500 timed methods: it needs about \\d+ MB of heap, but only \\d+ MB "
                    + "of the JVM's \\d+ MB are free after GC and \\d+ MB stay reserved for the application; retry when the heap is less full, "
                    + "or time fewer methods \\(timed\\.maxMethods\\)\\s*"), metrics::toString);

            // a light endpoint answers, and the host goes on without an OutOfMemoryError
            HttpServerTest.Response health = HttpServerTest.get(url + "/health");
            assertTrue(health.status() == 200 || health.status() == 202 || health.status() == 503, health::toString);
            assertFalse(health.text().isBlank(), health::toString);
            assertTrue(app.process().isAlive(), "the application still runs");
            assertFalse(app.stdout().contains("APP OOM"), app::stdout);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void analysisInANearlyFullHeapIsRefusedAndTheApplicationSeesNoOutOfMemoryError(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-Xmx48m", "-javaagent:" + Fixtures.agentJar() + "=http=127.0.0.1:0,trigger=heap>70%:snapshot,trigger.dir=" + env.work.resolve("triggered") + ",metrics.interval=500ms",
                    "-cp", Fixtures.testClasses().toString()), "dev.forgeperf.e2e.fixture.FullHeap", "8", "600000", env.socketDir.toString());
            String pid = app.awaitOut("full heap ready pid=(\\d+)", Duration.ofSeconds(120));
            String url = HttpServerTest.awaitUrl(env, pid).replaceAll("/$", "");

            Cli.Result snapshot = env.cli.run("snapshot", pid, "-o", "snap");
            assertEquals(1, snapshot.exit(), snapshot::toString);
            assertTrue(snapshot.err().startsWith("forge-perf: refused the snapshot: it needs about 16 MB of heap, but only "), snapshot::toString);
            assertTrue(snapshot.err().contains("MB stay reserved for the application; retry when the heap is less full"), snapshot::toString);
            assertEquals(1, snapshot.err().lines().count(), snapshot::toString);
            assertFalse(Files.exists(env.work.resolve("snap")), "no snapshot folder");

            Cli.Result profile = env.cli.run("profile", "cpu", pid, "--duration", "1s");
            assertEquals(1, profile.exit(), profile::toString);
            assertTrue(profile.err().startsWith("forge-perf: refused a cpu profile: it needs about 8 MB of heap"), profile::toString);
            assertTrue(profile.err().contains("`forge-perf convert FILE.jfr`"), profile::toString);
            assertEquals(1, profile.err().lines().count(), profile::toString);

            Cli.Result histogram = env.cli.run("dump", "histogram", pid);
            assertEquals(1, histogram.exit(), histogram::toString);
            assertTrue(histogram.err().startsWith("forge-perf: refused the class histogram"), histogram::toString);

            Cli.Result session = env.cli.run("session", "start", pid, "load");
            assertEquals(1, session.exit(), session::toString);
            assertTrue(session.err().startsWith("forge-perf: refused starting a session: it needs about 8 MB of heap"), session::toString);
            assertEquals(1, session.err().lines().count(), session::toString);
            assertTrue(env.cli.run("session", "list", pid).out().startsWith("no sessions in pid " + pid), "nothing started");

            HttpServerTest.Response pprof = HttpServerTest.get(url + "/debug/pprof/profile?seconds=1");
            assertEquals(503, pprof.status(), pprof::toString);
            assertTrue(pprof.text().contains("refused a cpu profile: it needs about 8 MB of heap"), pprof::toString);

            // a light /metrics scrape is not refused: it is what monitors the full heap
            HttpServerTest.Response metrics = HttpServerTest.get(url + "/metrics");
            assertEquals(200, metrics.status(), metrics::toString);
            assertTrue(metrics.text().contains("jvm_memory_used_bytes{area=\"heap\"} "), metrics::toString);

            // the heap trigger fires in the full heap: its snapshot has the light parts, the heavy ones are refused
            Path triggered = env.work.resolve("triggered");
            LifecycleTest.await("a trigger snapshot", Duration.ofSeconds(60), () -> {
                try (Stream<Path> s = Files.exists(triggered) ? Files.list(triggered) : Stream.empty()) {
                    return s.anyMatch(p -> !p.getFileName().toString().startsWith(".") && Files.exists(p.resolve("manifest.json")));
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            Path snap;
            try (Stream<Path> s = Files.list(triggered)) {
                snap = s.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
            }
            Map<String, Object> parts = TimingTest.castMap(TimingTest.castMap(JsonReader.parse(Files.readString(snap.resolve("manifest.json")))).get("parts"));
            assertEquals("ok", parts.get("metrics"), parts::toString);
            assertEquals("ok", parts.get("threads"), parts::toString);
            assertTrue(String.valueOf(parts.get("histogram")).startsWith("refused the class histogram: it needs about 8 MB"), parts::toString);
            assertTrue(String.valueOf(parts.get("profiles")).startsWith("refused the profiles: it needs about "), parts::toString);
            assertTrue(String.valueOf(parts.get("reports")).startsWith("refused the reports: it needs about 8 MB"), parts::toString);

            // the application allocated all along and keeps going: none of its allocations failed
            Cli.Result status = env.cli.run("status", pid);
            assertEquals(0, status.exit(), status::toString);
            assertFalse(app.stdout().contains("APP OOM"), app::stdout);
            assertFalse(app.stderr().contains("OutOfMemoryError"), app::stderr);
            assertTrue(app.process().isAlive(), app::stderr);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void withRoomTheSameWorkRuns(Path jdk) {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-Xmx256m", "-javaagent:" + Fixtures.agentJar(), "-cp", Fixtures.testClasses().toString()),
                    "dev.forgeperf.e2e.fixture.FullHeap", "200", "600000");
            String pid = app.awaitOut("full heap ready pid=(\\d+)", Duration.ofSeconds(120));
            env.awaitSocket(Long.parseLong(pid));
            Cli.Result profile = env.cli.run("profile", "cpu", pid, "--duration", "1s");
            assertEquals(0, profile.exit(), profile::toString);
            assertTrue(profile.out().contains("cpu profile of pid " + pid), profile::toString);
            assertFalse(app.stdout().contains("APP OOM"), app::stdout);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void anApplicationThatFillsItsHeapAtStartGetsTheAgentOnceItLetsGo(Path jdk) {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-Xmx32m", "-javaagent:" + Fixtures.agentJar(), "-cp", Fixtures.testClasses().toString()),
                    "dev.forgeperf.e2e.fixture.FillsHeapAtStart", "5000", "600000", env.socketDir.toString());
            String pid = app.awaitOut("released pid=(\\d+)", Duration.ofSeconds(120));
            // the start-up steps that met the full heap are retried, and what became of them is in status: the sampler
            // samples, and the recording runs or status names why not (a JFR start the full heap cut short can leave a JDK class
            // unusable for good; the agent waits for room before each step, but the application may fill the heap meanwhile)
            Cli.Result[] status = new Cli.Result[1];
            try {
                LifecycleTest.await("the agent up in JVM " + pid + " after the heap was let go", Duration.ofSeconds(240), () -> {
                    status[0] = env.cli.run("status", pid);
                    return status[0].exit() == 0 && (status[0].out().contains("jfr:     recording (") || status[0].out().contains("jfr:     failed: "))
                            && status[0].out().contains("runtime: sampling every");
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nlast status: " + status[0] + "\napp stderr:\n" + app.stderr(), e);
            }
            assertTrue(app.stderrLines(l -> l.contains("thread \"forge-perf-")).isEmpty(), app::stderr); // no agent thread died
            List<String> metFullHeap = app.stderrLines(l -> l.startsWith("[forge-perf]") && (l.contains("heap was full") || l.contains("heap is full")
                    || l.contains("OutOfMemoryError")));
            // the agent met the full heap whenever its start was not done before the application filled it (on JDK 17 here
            // every time: its JFR start is the slower); then status and list say which step waited and when it started
            if (!metFullHeap.isEmpty()) {
                String start = status[0].out().lines().filter(l -> l.startsWith("  start:")).findFirst().orElse("");
                assertTrue(start.contains("started on attempt "), status[0] + "\n" + app.stderr());
                Cli.Result list = env.cli.run("list");
                assertEquals(0, list.exit(), list::toString);
                assertTrue(list.out().lines().anyMatch(l -> l.startsWith(pid + " ") && l.contains("(agent start: ") && l.contains("started on attempt ")),
                        list::toString);
            }
        }
    }
}
