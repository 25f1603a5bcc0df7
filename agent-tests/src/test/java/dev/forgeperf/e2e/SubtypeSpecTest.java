package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code Type+#method} specs: an interface's method named without {@code +} is refused in one line
 * that suggests {@code +}; with it, the implementation loaded already and one loaded after
 * {@code instrument} (through an abstract class) are both timed with exact call counts, no row
 * appears for the interface or the abstract class, and {@code uninstrument} stops both.
 */
class SubtypeSpecTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    private static final String PKG = "dev.forgeperf.e2e.fixture.handlers.";
    private static final String FAST = PKG + "FastHandler#handle(long)";
    private static final String LATE = PKG + "LateHandler#handle(long)";

    @ParameterizedTest
    @MethodSource("jdks")
    void everyImplementationIsTimedIncludingOnesLoadedLater(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar(), "-cp", Fixtures.testClasses().toString()), PKG + "HandlerApp",
                    env.work.resolve("commands.txt").toString());
            String pid = app.awaitOut("handlers ready pid=(\\d+)", Duration.ofSeconds(60));
            env.awaitSocket(Long.parseLong(pid));

            Cli.Result r = env.cli.run("instrument", pid, PKG + "Handler#handle");
            assertEquals(1, r.exit(), r::toString);
            assertEquals(1, r.err().lines().count(), r::toString);
            assertTrue(r.err().contains("matched no code") && r.err().contains("'" + PKG + "Handler+#handle'"), r::toString);

            r = env.cli.run("instrument", pid, PKG + "Handler+#handle");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("1 method in 1 class") && r.out().contains("FastHandler#handle(long)"), r::toString);
            assertFalse(r.out().contains("LateHandler"), r::toString);

            send(env, "fast 1000");
            app.awaitOut("fast done 1000", Duration.ofSeconds(60));
            send(env, "late 700");
            app.awaitOut("late done 700 \\(loaded now\\)", Duration.ofSeconds(60));

            Map<String, Map<String, Object>> rows = TimingTest.timings(env, Long.parseLong(pid));
            assertEquals(1000, TimingTest.num(rows.get(FAST), "count"), rows::toString);
            assertEquals(700, TimingTest.num(rows.get(LATE), "count"), rows::toString);
            assertEquals(2, rows.keySet().stream().filter(k -> k.startsWith(PKG)).count(), rows::toString);
            assertEquals(Boolean.TRUE, rows.get(LATE).get("active"), rows::toString);

            r = env.cli.run("uninstrument", pid, PKG + "Handler+#handle");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("2 methods in 2 classes restored"), r::toString);
            send(env, "fast 50");
            app.awaitOut("fast done 50", Duration.ofSeconds(60));
            send(env, "late 50");
            app.awaitOut("late done 50 \\(already loaded\\)", Duration.ofSeconds(60));
            rows = TimingTest.timings(env, Long.parseLong(pid));
            assertEquals(1000, TimingTest.num(rows.get(FAST), "count"), rows::toString);
            assertEquals(700, TimingTest.num(rows.get(LATE), "count"), rows::toString);
            assertEquals(Boolean.FALSE, rows.get(FAST).get("active"), rows::toString);
            assertEquals(Boolean.FALSE, rows.get(LATE).get("active"), rows::toString);
            send(env, "exit");
            assertEquals(0, app.waitFor(Duration.ofSeconds(60)));
        }
    }

    /** Appends a command line for the fixture (it reads complete lines only). */
    private static void send(Env env, String line) throws IOException {
        java.nio.file.Files.writeString(env.work.resolve("commands.txt"), line + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
