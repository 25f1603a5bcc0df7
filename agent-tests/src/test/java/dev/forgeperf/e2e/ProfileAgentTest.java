package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** `profile` against a live sample-app on each JDK: every kind, every format, read back by real tools. */
class ProfileAgentTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void everyKindAndFormatFromALiveJvm(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-Xmx256m", "-javaagent:" + Fixtures.agentJar() + "=jfr=off"), "-jar",
                    Fixtures.sampleApp().toString(), "--quiet", "--threads", "3");
            String pid = app.awaitOut("sample-app ready pid=(\\d+)", Duration.ofSeconds(60));

            // two profiles at once: JFR runs concurrent recordings, so both complete. Proven to overlap: the alloc
            // profile starts once the cpu one's recording is seen (jcmd JFR.check) and ends while it still runs.
            Proc cpu = env.cli.start("profile", "cpu", pid, "-d", "300s", "-o", "cpu.pb.gz");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!recordings(jdk, pid).contains("forge-perf-cpu") && System.nanoTime() < deadline) {
                Env.sleep(100);
            }
            assertTrue(recordings(jdk, pid).contains("forge-perf-cpu"), "the cpu profile is recording");
            Cli.Result alloc = env.cli.run("profile", "alloc", pid, "-d", "5s", "-o", "alloc.pb.gz");
            assertEquals(0, alloc.exit(), alloc::toString);
            assertTrue(alloc.out().startsWith("wrote "), alloc::toString);
            assertTrue(cpu.process().isAlive() && recordings(jdk, pid).contains("forge-perf-cpu"), "the cpu profile ran all along");
            Proc.start(List.of("kill", "-INT", String.valueOf(cpu.pid())), null, null).waitFor(Duration.ofSeconds(10));
            assertEquals(130, cpu.waitFor(Duration.ofSeconds(120)), cpu::stderr); // 128 + SIGINT, after writing what it has
            assertTrue(cpu.stdout().contains("wrote " + env.work.resolve("cpu.pb.gz")), cpu::stdout);
            GoPprof.assertTop(env, "cpu.pb.gz", "dev.forgeperf.sample.PriceCalculator.computePrice", "Type: cpu");
            GoPprof.assertTop(env, "alloc.pb.gz", "dev.forgeperf.sample.ReportBuilder.buildReport", "Type: alloc_space");

            Cli.Result lock = env.cli.run("profile", "lock", pid, "-d", "3s", "-o", "lock.html");
            assertEquals(0, lock.exit(), lock::toString);
            String html = Files.readString(env.work.resolve("lock.html"));
            assertTrue(html.contains("dev.forgeperf.sample.Inventory.reserve"), "lock flame graph names the contended method");
            assertFalse(html.contains("src=\"http") || html.contains("href=\"http"), "self-contained");

            Cli.Result park = env.cli.run("profile", "park", pid, "-d", "3s", "-o", "park.collapsed");
            assertEquals(0, park.exit(), park::toString);
            String collapsed = Files.readString(env.work.resolve("park.collapsed"));
            assertTrue(collapsed.lines().anyMatch(l -> l.matches(".*dev\\.forgeperf\\.sample\\.EventBus\\..* \\d+")), collapsed);

            Cli.Result wall = env.cli.run("profile", "wall", pid, "-d", "2s", "-n", "10");
            assertEquals(0, wall.exit(), wall::toString);
            // wall time includes threads that wait: the workers queue for the contended monitor; the agent's own threads are left out
            assertTrue(wall.out().contains("dev.forgeperf.sample.Inventory.reserve"), wall::toString);
            assertFalse(wall.out().contains("dev.forgeperf.control"), wall::toString);

            Cli.Result json = env.cli.run("profile", "lock", pid, "-d", "2s", "--json");
            assertEquals(0, json.exit(), json::toString);
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> top = (java.util.Map<String, Object>) dev.forgeperf.util.JsonReader.parse(json.out());
            assertEquals("delay", top.get("sampleType"), json::toString);

            Cli.Result raw = env.cli.run("profile", "cpu", pid, "-d", "2s", "-o", "raw.jfr");
            assertEquals(0, raw.exit(), raw::toString);
            assertTrue(Jdks.tool(jdk, "jfr", "summary", env.work.resolve("raw.jfr").toString()).stdout().contains("jdk.ExecutionSample"));

            Cli.Result text = env.cli.run("profile", "wall", pid, "-d", "2s", "-o", "top.txt", "--threads"); // wall: the workers show up whether they run or wait
            assertEquals(0, text.exit(), text::toString);
            assertTrue(Files.readString(env.work.resolve("top.txt")).contains("order-worker-"), "thread roots");

            Cli.Result badFormat = env.cli.run("profile", "cpu", pid, "-d", "1s", "-o", "x.png");
            assertEquals(2, badFormat.exit(), badFormat::toString);
            Cli.Result jsonToFile = env.cli.run("profile", "cpu", pid, "-d", "1s", "--json", "-o", "x.txt");
            assertEquals(2, jsonToFile.exit(), jsonToFile::toString);
            assertTrue(jsonToFile.err().contains("--json") && jsonToFile.err().lines().count() == 1, jsonToFile::toString);
            assertFalse(Files.exists(env.work.resolve("x.txt")));
            Cli.Result badDir = env.cli.run("profile", "cpu", pid, "-d", "1s", "-o", "/nonexistent/x.pb.gz");
            assertEquals(1, badDir.exit(), badDir::toString);
            assertEquals(1, badDir.err().lines().count(), badDir::toString);
            Cli.Result badKind = env.cli.run("profile", "heat", pid);
            assertEquals(2, badKind.exit(), badKind::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void ctrlCAndAKilledClientStillLeaveACompleteProfile(Path jdk) throws Exception {
        try (Env env = new Env()) {
            // CPU-bound workers: a CPU profile of them has samples however busy the machine is (see awaitRecordingThenSample)
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar() + "=jfr=off"), "-jar", Fixtures.sampleApp().toString(), "--quiet",
                    "--cpu-only", "--threads", "3");
            String pid = app.awaitOut("sample-app ready pid=(\\d+)", Duration.ofSeconds(60));

            Proc interrupted = env.cli.start("profile", "cpu", pid, "-d", "120s", "-o", "cut.pb.gz");
            awaitRecordingThenSample(jdk, pid);
            Proc.start(List.of("kill", "-INT", String.valueOf(interrupted.pid())), null, null).waitFor(Duration.ofSeconds(10));
            interrupted.waitFor(Duration.ofSeconds(60));
            assertTrue(interrupted.stdout().contains("stopped early"), interrupted::stdout);
            assertTrue(interrupted.stdout().contains("wrote " + env.work.resolve("cut.pb.gz")), interrupted::stdout);
            GoPprof.assertTop(env, "cut.pb.gz", "dev.forgeperf.sample", "Type: cpu");

            Proc killed = env.cli.start("profile", "cpu", pid, "-d", "120s", "-o", "killed.pb.gz");
            awaitRecordingThenSample(jdk, pid);
            Proc.start(List.of("kill", "-KILL", String.valueOf(killed.pid())), null, null).waitFor(Duration.ofSeconds(10));
            killed.waitFor(Duration.ofSeconds(60));
            Path out = env.work.resolve("killed.pb.gz");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(out) && System.nanoTime() < deadline) {
                Env.sleep(100);
            }
            assertTrue(Files.exists(out), "the agent finished the profile for a client that died");
            GoPprof.assertTop(env, "killed.pb.gz", "dev.forgeperf.sample", "Type: cpu");
            try (Stream<Path> s = Files.list(env.work)) {
                assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".killed")), "no temp file left");
            }
        }
    }

    /**
     * Waits (60 s bound) until the cpu profile's recording runs in {@code pid}, however slowly the CLI
     * and JFR start on a busy machine, then until the busy workers have had 1.5 s of CPU since (as
     * the OS counts it; 120 s bound): on a saturated machine a fixed 3 s gave them almost none.
     */
    private static void awaitRecordingThenSample(Path jdk, String pid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!recordings(jdk, pid).contains("forge-perf-cpu") && System.nanoTime() < deadline) {
            Env.sleep(100);
        }
        assertTrue(recordings(jdk, pid).contains("forge-perf-cpu"), "the cpu profile is recording");
        long start = OsCpu.processNanos(Long.parseLong(pid));
        deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (OsCpu.processNanos(Long.parseLong(pid)) - start < 1_500_000_000L && System.nanoTime() < deadline) {
            Env.sleep(100);
        }
        assertTrue(OsCpu.processNanos(Long.parseLong(pid)) - start >= 1_500_000_000L, "the workers ran 1.5 s while recording");
    }

    /** The JFR recordings running in {@code pid}, as {@code jcmd PID JFR.check} lists them. */
    private static String recordings(Path jdk, String pid) {
        return Jdks.tool(jdk, "jcmd", pid, "JFR.check").stdout();
    }

}
