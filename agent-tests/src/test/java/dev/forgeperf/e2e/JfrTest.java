package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The continuous recording, dumped through the real CLI and read back by the JDK's own `jfr` tool. */
class JfrTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    static Cli.Result awaitRecording(Env env, String pid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Cli.Result status = env.cli.run("status", pid);
            if (status.out().contains("jfr:     recording") || System.nanoTime() > deadline) {
                return status;
            }
            Env.sleep(200);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void continuousRecordingDumpsToAFileJfrCanRead(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar() + "=jfr.maxage=10m,jfr.maxsize=50MB"),
                    "-jar", Fixtures.sampleApp().toString(), "--quiet");
            String pid = app.awaitOut("sample-app ready pid=(\\d+)", Duration.ofSeconds(60));
            Cli.Result status = awaitRecording(env, pid);
            assertTrue(status.out().contains("recording (default settings, maxage 10m 0s, maxsize 50.0 MB)"), status::toString);
            // wait (polling, 60 s bound) until the recording holds periodic events, however slow the machine is
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (int i = 0; ; i++) {
                Cli.Result probe = env.cli.run("dump", "jfr", pid, "-o", "probe-" + i + ".jfr");
                assertEquals(0, probe.exit(), probe::toString);
                String events = Jdks.tool(jdk, "jfr", "summary", env.work.resolve("probe-" + i + ".jfr").toString()).stdout();
                Files.delete(env.work.resolve("probe-" + i + ".jfr"));
                if (hasSamples(events) || System.nanoTime() > deadline) {
                    break;
                }
                Env.sleep(500);
            }

            Cli.Result dump = env.cli.run("dump", "jfr", pid, "-o", "all.jfr");
            assertEquals(0, dump.exit(), dump::toString);
            Cli.Result last = env.cli.run("dump", "jfr", pid, "-o", "last.jfr", "--last", "1m");
            assertEquals(0, last.exit(), last::toString);
            for (String f : List.of("all.jfr", "last.jfr")) {
                Proc summary = Jdks.tool(jdk, "jfr", "summary", env.work.resolve(f).toString());
                assertTrue(hasSamples(summary.stdout()), summary::stdout);
            }

            Cli.Result bad = env.cli.run("dump", "jfr", pid, "-o", "/nonexistent-dir/x.jfr");
            assertEquals(1, bad.exit(), bad::toString);
            assertTrue(bad.err().contains("/nonexistent-dir does not exist"), bad::toString);
            try (Stream<Path> s = Files.list(env.work)) {
                assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".")), "no temp files left");
            }
        }
    }

    /** Whether {@code jfr summary} output shows samples or periodic events (not just the recording's header events). */
    private static boolean hasSamples(String summary) {
        return summary.contains("jdk.ExecutionSample") && summary.contains("jdk.GarbageCollection") || summary.contains("jdk.CPULoad");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void jfrOffIsRespectedAndSaidPlainly(Path jdk) {
        try (Env env = new Env()) {
            Proc app = env.hello(jdk, "jfr=off", 600_000);
            String pid = String.valueOf(app.pid());
            Cli.Result status = env.cli.run("status", pid);
            assertTrue(status.out().contains("jfr:     off"), status::toString);
            Cli.Result dump = env.cli.run("dump", "jfr", pid, "-o", "x.jfr");
            assertEquals(1, dump.exit(), dump::toString);
            assertTrue(dump.err().contains("jfr=off"), dump::toString);
            assertFalse(Files.exists(env.work.resolve("x.jfr")));
        }
    }
}
