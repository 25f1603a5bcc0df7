package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What forge-perf allocates on the application's threads is not the application's: a timed method
 * that allocates nothing ({@code NapCalls.nap}, a 2 ms park) whose every call is a slow-call JFR
 * event (allocated by our recorder) never shows in an allocation profile; the profile says how many
 * samples of ours it left out. (It showed 13.6 KB for such a method before.)
 */
class OwnAllocationsTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void theRecordersAllocationsAreNotChargedToTheTimedMethod(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar() + "=http=0,timed=dev.forgeperf.e2e.fixture.NapCalls#nap,timed.jfrThreshold=1ms",
                    "-cp", Fixtures.testClasses().toString()), "dev.forgeperf.e2e.fixture.NapCalls", "8", "600000");
            String pid = app.awaitOut("naps ready pid=(\\d+)", Duration.ofSeconds(60));
            env.awaitSocket(Long.parseLong(pid));
            boolean leftOutSaid = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!leftOutSaid && System.nanoTime() < deadline) {
                Cli.Result r = env.cli.run("profile", "alloc", pid, "-d", "4s", "--json", "-n", "100000");
                assertEquals(0, r.exit(), r::toString);
                Map<String, Object> doc = RuntimeTest.json(r);
                for (Object row : RuntimeTest.list(doc, "rows")) {
                    assertFalse(row.toString().contains("NapCalls.nap"), () -> "the recorder's allocations charged to the timed method: " + row + "\n" + r.out());
                }
                leftOutSaid = RuntimeTest.list(doc, "comments").stream().anyMatch(c -> c.toString().matches("\\d+ allocation samples in forge-perf's own code .*"));
            }
            assertTrue(leftOutSaid, "no allocation sample of the recorder's events was seen in 2 minutes");
        }
    }
}
