package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.forgeperf.util.JsonReader;

/**
 * Method names in {@code timings} and {@code diff} tables: three methods whose names end alike print
 * as three rows that keep class and method apart; {@code --wide} and {@code --json} give full names.
 */
class NamesTest {
    private static final String PREFIX = "dev.forgeperf.e2e.fixture.LongNames$";
    private static final String PARAMS = "#doFilterInternal(StringBuilder,StringBuilder,AtomicLong)";
    private static final List<String> CLASSES = List.of("CharacterEncodingFilter", "FormContentFilter", "RequestContextFilter");

    @Test
    void namesThatEndAlikeStayApartInTimingsAndDiff() throws Exception {
        Path jdk = Path.of(System.getProperty("java.home"));
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar() + "=jfr=off,timed=" + PREFIX + "*#doFilterInternal", "-cp",
                    Fixtures.testClasses().toString()), "dev.forgeperf.e2e.fixture.LongNames", "120000");
            String pid = app.awaitOut("longnames ready pid=(\\d+)", Duration.ofSeconds(60));
            env.awaitSocket(Long.parseLong(pid));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            List<Object> rows = List.of();
            while (rows.size() < 3 && System.nanoTime() < deadline) {
                Cli.Result json = env.cli.run("timings", pid, "--json");
                assertEquals(0, json.exit(), json::toString);
                rows = (List<Object>) JsonReader.parse(json.out());
                Env.sleep(100);
            }
            List<String> full = new ArrayList<>();
            for (Object row : rows) {
                full.add((String) ((Map<?, ?>) row).get("method"));
            }
            for (String c : CLASSES) {
                assertTrue(full.contains(PREFIX + c + PARAMS), "--json has full names: " + full);
            }

            Cli.Result text = env.cli.run("timings", pid);
            assertEquals(0, text.exit(), text::toString);
            List<String> lines = text.out().lines().skip(1).toList();
            for (String c : CLASSES) {
                long n = lines.stream().filter(l -> l.startsWith("d.f.e.f.LongNames$" + c + "#doFilterInternal(")).count();
                assertEquals(1, n, () -> c + " on exactly one row, class and method kept:\n" + text.out());
            }
            assertTrue(text.out().lines().allMatch(l -> l.indexOf(' ') <= 80), "name column at most 80 wide:\n" + text.out());

            Cli.Result wide = env.cli.run("timings", pid, "--wide");
            assertEquals(0, wide.exit(), wide::toString);
            for (String c : CLASSES) {
                assertTrue(wide.out().lines().anyMatch(l -> l.startsWith(PREFIX + c + PARAMS + " ")), () -> c + " in full:\n" + wide.out());
            }

            // diff of two snapshots of it (a 60-column name): the same rule, --wide for full names
            for (String folder : List.of("a", "b")) {
                Cli.Result snap = env.cli.run("snapshot", pid, "-o", folder);
                assertEquals(0, snap.exit(), snap::toString);
            }
            Cli.Result diff = env.cli.run("diff", "a", "b", "--threshold", "1000000");
            assertEquals(0, diff.exit(), diff::toString);
            for (String c : CLASSES) {
                assertEquals(1, diff.out().lines().filter(l -> l.matches("  (d\\.f\\.e\\.f\\.)?LongNames\\$" + c + "#doFilterInternal\\(.*")).count(),
                        () -> c + " on exactly one row:\n" + diff.out());
            }
            Cli.Result diffWide = env.cli.run("diff", "a", "b", "--threshold", "1000000", "--wide");
            assertEquals(0, diffWide.exit(), diffWide::toString);
            for (String c : CLASSES) {
                assertTrue(diffWide.out().lines().anyMatch(l -> l.startsWith("  " + PREFIX + c + PARAMS + " ")), () -> c + " in full:\n" + diffWide.out());
            }
        }
    }
}
