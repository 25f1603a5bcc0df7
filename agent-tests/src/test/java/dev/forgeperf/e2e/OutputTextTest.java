package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.forgeperf.util.JsonReader;

/** Words the CLI prints: help without warnings or cut sentences, streams scripts can read, true titles and advice. */
class OutputTextTest {
    @Test
    void everyHelpIsCleanAndEverySummaryASentence() {
        try (Env env = new Env()) {
            Cli.Result top = env.cli.run("--help");
            assertEquals(0, top.exit(), top::toString);
            assertEquals("", top.err(), top::toString);
            List<String[]> summaries = summaries(top.out());
            assertTrue(summaries.size() >= 17, top::toString);
            List<List<String>> commands = new ArrayList<>();
            for (String[] s : summaries) {
                commands.add(List.of(s[0]));
            }
            for (String group : List.of("dump", "profile", "session")) {
                Cli.Result r = env.cli.run(group, "--help");
                for (String[] s : summaries(r.out())) {
                    summaries.add(new String[] {group + " " + s[0], s[1]});
                    commands.add(List.of(group, s[0]));
                }
            }
            for (String[] s : summaries) {
                assertTrue(s[1].matches(".*[.)]$"), () -> "the summary of '" + s[0] + "' is cut mid-sentence: " + s[1]);
            }
            for (List<String> c : commands) {
                List<String> args = new ArrayList<>(c);
                args.add("--help");
                Cli.Result r = env.cli.run(args.toArray(new String[0]));
                assertEquals(0, r.exit(), () -> c + ": " + r);
                assertEquals("", r.err(), () -> c + " --help writes nothing on stderr (e.g. a [picocli WARN]): " + r);
                assertTrue(r.out().startsWith("Usage: forge-perf " + String.join(" ", c)), () -> c + ": " + r);
            }
        }
    }

    @Test
    void timingsHelpStatesThePercentileErrorInForce() {
        try (Env env = new Env()) {
            Cli.Result r = env.cli.run("timings", "--help");
            assertEquals(0, r.exit(), r::toString);
            String help = String.join(" ", r.out().lines().map(String::strip).toList());
            int d = dev.forgeperf.bootstrap.Buckets.PERCENTILE_ERROR_DIVISOR;
            assertTrue(help.contains("within 1/" + d + " (" + 100.0 / d + "%) of the true value at that rank."), help);
            assertFalse(help.contains("0.8%"), help);
        }
    }

    /** The "Commands:" list of a help text: name and summary (wrapped lines joined). */
    private static List<String[]> summaries(String help) {
        List<String[]> out = new ArrayList<>();
        boolean in = false;
        for (String line : help.lines().toList()) {
            if (line.equals("Commands:")) {
                in = true;
            } else if (in && line.matches("  \\S.*")) {
                String[] parts = line.strip().split("\\s+", 2);
                out.add(new String[] {parts[0], parts.length > 1 ? parts[1] : ""});
            } else if (in && line.matches("\\s{4,}\\S.*") && !out.isEmpty()) {
                String[] last = out.get(out.size() - 1);
                last[1] = last[1] + " " + line.strip();
            } else if (in) {
                in = false;
            }
        }
        return out;
    }

    @Test
    void metricsWatchJsonIsOneDocumentPerLineAndTitlesNameTheJvm() throws Exception {
        Path jdk = Path.of(System.getProperty("java.home"));
        try (Env env = new Env()) {
            Proc app = env.hello(jdk, "metrics.interval=100ms", 600_000);
            env.awaitSocket(app.pid());
            String pid = String.valueOf(app.pid());
            Cli.Result r = env.cli.run("metrics", pid, "--watch", "100ms", "--count", "3", "--json");
            assertEquals(0, r.exit(), r::toString);
            List<String> lines = r.out().lines().toList();
            assertEquals(3, lines.size(), r::toString);
            for (String line : lines) {
                Map<?, ?> doc = (Map<?, ?>) JsonReader.parse(line);
                assertTrue(doc.containsKey("heap"), line);
            }
            // a single --json answer stays pretty
            r = env.cli.run("metrics", pid, "--json");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().lines().count() > 3, r::toString);

            // a flame graph is titled by the JVM, not by the temporary recording it was made from
            r = env.cli.run("profile", "cpu", pid, "-d", "1s", "-o", "cpu.html");
            assertEquals(0, r.exit(), r::toString);
            String html = Files.readString(env.work.resolve("cpu.html"));
            assertTrue(html.contains("cpu profile of pid " + pid + " (dev.forgeperf.e2e.fixture.Hello)"), "title names pid and main class");
            assertFalse(html.contains("forge-perf-cpu-"), "no temporary file name in the page");
            r = env.cli.run("profile", "cpu", pid, "-d", "1s");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("cpu profile of pid " + pid + " (dev.forgeperf.e2e.fixture.Hello)"), r::toString);
        }
    }

    @Test
    void aProcessThatIsNotAJvmIsNamedSoInsteadOfAdvisingAttach() {
        try (Env env = new Env(); Proc sleep = Proc.start(List.of("sleep", "120"), null, env.work)) {
            for (String cmd : List.of("status", "timings", "metrics")) {
                Cli.Result r = env.cli.run(cmd, String.valueOf(sleep.pid()));
                assertEquals(1, r.exit(), r::toString);
                assertEquals("forge-perf: process " + sleep.pid() + " (sleep 120) is not a JVM; run `forge-perf list --all` to see the JVMs",
                        r.err().strip(), r::toString);
            }
            assertTrue(sleep.process().isAlive(), "a non-JVM target is left alone");
            Cli.Result r = env.cli.run("attach", String.valueOf(sleep.pid()));
            assertEquals(1, r.exit(), r::toString);
            assertEquals("forge-perf: process " + sleep.pid() + " (sleep 120) is not a JVM; run `forge-perf list --all` to see the JVMs",
                    r.err().strip(), r::toString);
            assertTrue(sleep.process().isAlive(), "a non-JVM target is left alone");
        }
    }
}
