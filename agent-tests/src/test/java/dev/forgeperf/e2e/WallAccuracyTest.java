package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import dev.forgeperf.profile.PprofReader;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.TopTable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * `profile wall` gives every thread its share of the window: 1,000 threads parked through the whole
 * window (JFR has no event for them: a park's event is written when it ends) and 1,000 that park
 * 300 ms at a time (their last park still going on at the end) each show ≈ the window's length; and
 * 4 threads that only compute on 2 cores (each runnable all the time, on a CPU about half of it, less
 * when the machine is busy) each show ≈ the window too, not their CPU time.
 */
class WallAccuracyTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aThreadRunnableThroughTheWindowGetsTheWholeWindow(Path jdk) throws Exception {
        try (Env env = new Env()) {
            int threads = 4;
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar(), "-cp", Fixtures.testClasses().toString()),
                    "dev.forgeperf.e2e.fixture.BusyThreads", String.valueOf(threads), "600000");
            String pid = app.awaitOut("busy ready pid=(\\d+)", Duration.ofSeconds(120));
            Cli.Result r = env.cli.run("profile", "wall", pid, "-d", "5s", "--threads", "-o", "busy.pb.gz");
            assertEquals(0, r.exit(), r::toString);
            Profile p = PprofReader.read(env.work.resolve("busy.pb.gz"));
            String context = String.join("\n", p.comments());
            int wall = p.typeIndex("wall");
            List<TopTable.Row> rows = TopTable.of(p, wall).rows();
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < threads; i++) {
                String root = "[busy-" + i + "]";
                long shown = rows.stream().filter(row -> row.function().equals(root)).mapToLong(TopTable.Row::total).findFirst().orElse(0);
                seen.append(String.format(java.util.Locale.ROOT, "%s %.2f s of %.2f s%n", root, shown / 1e9, p.durationNanos() / 1e9));
            }
            for (int i = 0; i < threads; i++) {
                String root = "[busy-" + i + "]";
                long shown = rows.stream().filter(row -> row.function().equals(root)).mapToLong(TopTable.Row::total).findFirst().orElse(0);
                double ratio = shown / (double) p.durationNanos();
                assertTrue(ratio >= 0.85 && ratio <= 1.05, String.format(java.util.Locale.ROOT, "%s: ratio %.3f%n%s%n%s", root, ratio, seen, context));
            }
            assertTrue(context.contains("calibrated: each running thread's samples scaled to the wall time it did not wait"), context);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void everyWaitingThreadGetsTheWholeWindow(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar(), "-cp", Fixtures.testClasses().toString()),
                    "dev.forgeperf.e2e.fixture.ParkedThreads", "1000", "600000");
            String pid = app.awaitOut("parked ready pid=(\\d+)", Duration.ofSeconds(120));
            Cli.Result r = env.cli.run("profile", "wall", pid, "-d", "5s", "-o", "wall.pb.gz");
            assertEquals(0, r.exit(), r::toString);
            Profile p = PprofReader.read(env.work.resolve("wall.pb.gz"));
            String context = String.join("\n", p.comments());
            int wall = p.typeIndex("wall");
            assertTrue(p.durationNanos() >= 4_000_000_000L, context);
            List<TopTable.Row> rows = TopTable.of(p, wall).rows();
            for (String method : List.of("waitForever", "waitInTurns")) {
                String function = "dev.forgeperf.e2e.fixture.ParkedThreads." + method;
                long shown = rows.stream().filter(row -> row.function().equals(function)).mapToLong(TopTable.Row::total).findFirst().orElse(0);
                double ratio = shown / (1000.0 * p.durationNanos());
                assertTrue(ratio >= 0.9 && ratio <= 1.1, String.format(java.util.Locale.ROOT, "%s: %.1f s of wall time for 1000 threads over %.2f s"
                        + " (ratio %.3f)%n%s", method, shown / 1e9, p.durationNanos() / 1e9, ratio, context));
            }
            assertTrue(context.matches("(?s).*\\d+ threads still waiting at the end.*"), context);
            // the running part is scaled to what the threads did not wait, and the profile says so
            assertTrue(context.contains("calibrated: each running thread's samples scaled to the wall time it did not wait"), context);

            Cli.Result text = env.cli.run("profile", "wall", pid, "-d", "2s", "-n", "5");
            assertEquals(0, text.exit(), text::toString);
            assertTrue(text.out().contains("threads still waiting at the end"), text::toString);
        }
    }
}
