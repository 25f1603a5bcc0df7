package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import dev.forgeperf.util.JsonReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code profile cpu} top table leads with calibrated CPU time: against {@code fixture.TwoMethods}
 * (two busy methods, each alone on its own thread, so each method's self CPU time is its thread's
 * CPU time as the OS accounted it, read by the test from /proc), each method's row is within ±10%
 * of that, the rows are sorted by it, all rows add up to the header's total exactly, and the total
 * is within ±10% of the process's CPU time.
 */
class CpuTopTableTest {
    private static final String A = "dev.forgeperf.e2e.fixture.TwoMethods.a";
    private static final String B = "dev.forgeperf.e2e.fixture.TwoMethods.b";

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void rowsAreCalibratedCpuTimeSortedByItAndAddUpToTheTotal(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar(), "-cp", Fixtures.testClasses().toString()),
                    "dev.forgeperf.e2e.fixture.TwoMethods", "600000");
            String pid = app.awaitOut("two-methods ready pid=(\\d+)", Duration.ofSeconds(60));
            env.awaitSocket(Long.parseLong(pid));
            try (OsCpu os = OsCpu.watch(Long.parseLong(pid))) {
                Cli.Result r = env.cli.run("profile", "cpu", pid, "-d", "5s", "--json", "-n", "100000");
                assertEquals(0, r.exit(), r::toString);
                @SuppressWarnings("unchecked")
                Map<String, Object> doc = (Map<String, Object>) JsonReader.parse(r.out());
                String context = r.out();
                assertEquals("cpu", doc.get("sampleType"), context);
                assertEquals("nanoseconds", doc.get("unit"), context);
                long start = ((Number) doc.get("startEpochNanos")).longValue();
                long end = start + ((Number) doc.get("durationNanos")).longValue();
                long total = ((Number) doc.get("total")).longValue();
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> rows = (List<Map<String, Object>>) doc.get("rows");
                long sum = 0;
                long previous = Long.MAX_VALUE;
                for (Map<String, Object> row : rows) {
                    long self = ((Number) row.get("self")).longValue();
                    assertTrue(self <= previous, () -> "rows not sorted by CPU time: " + row + "\n" + context);
                    previous = self;
                    sum += self;
                }
                assertEquals(total, sum, () -> "the rows do not add up to the header's total\n" + context);
                long process = os.processBetween(start, end);
                assertWithin(process, total, "process CPU time", context);
                long a = os.threadBetween("hot-a", start, end);
                long b = os.threadBetween("hot-b", start, end);
                assertWithin(a, self(rows, A), "self CPU time of a()", context);
                assertWithin(b, self(rows, B), "self CPU time of b()", context);
                int ia = index(rows, A);
                int ib = index(rows, B);
                assertTrue(a > b * 1.2 ? ia < ib : true, () -> "a() used more CPU than b() but is listed after it\n" + context);
                System.out.printf(Locale.ROOT, "JDK %d: a() %.3f s (OS %.3f s), b() %.3f s (OS %.3f s), total %.3f s (OS %.3f s), %d rows%n",
                        Jdks.feature(jdk), self(rows, A) / 1e9, a / 1e9, self(rows, B) / 1e9, b / 1e9, total / 1e9, process / 1e9, rows.size());
            }
            // the text table: CPU time in the header and in the rows, sorted by it, a() or b() among the top 3
            // (which leads is the machine's choice: beside stress-ng the scheduler gave both the same time, and
            // the JVM's own threads' row has led; the JSON run above checked the rows against the OS)
            Cli.Result text = env.cli.run("profile", "cpu", pid, "-d", "3s", "-n", "3");
            assertEquals(0, text.exit(), text::toString);
            List<String> lines = text.out().lines().toList();
            assertTrue(lines.get(0).matches(".*: cpu/nanoseconds, total [0-9.]+(s|ms), samples \\d+.*"), text::toString);
            List<String> table = lines.stream().dropWhile(l -> !l.contains("FUNCTION")).skip(1).toList();
            assertEquals(3, table.size(), text::toString);
            for (String row : table) {
                assertTrue(row.matches("\\s+[0-9.]+(s|ms)\\s+[0-9.]+%\\s+[0-9.]+(s|ms)\\s+[0-9.]+%\\s+\\S.*"), text::toString);
            }
            assertTrue(table.stream().anyMatch(row -> row.endsWith(A) || row.endsWith(B)), text::toString);
            double before = Double.MAX_VALUE;
            for (String row : table) {
                double percent = Double.parseDouble(row.trim().split("\\s+")[1].replace("%", ""));
                assertTrue(percent <= before, () -> "rows not sorted by CPU time\n" + text);
                before = percent;
            }
        }
    }

    private static long self(List<Map<String, Object>> rows, String function) {
        return rows.stream().filter(r -> function.equals(r.get("function"))).mapToLong(r -> ((Number) r.get("self")).longValue()).findFirst().orElse(0);
    }

    private static int index(List<Map<String, Object>> rows, String function) {
        for (int i = 0; i < rows.size(); i++) {
            if (function.equals(rows.get(i).get("function"))) {
                return i;
            }
        }
        return -1;
    }

    private static void assertWithin(long truth, long shown, String what, String context) {
        assertTrue(truth > 0, what + ": the OS accounted no CPU time");
        double ratio = shown / (double) truth;
        assertTrue(ratio >= 0.9 && ratio <= 1.1, String.format(Locale.ROOT, "%s: profile %.3f s, OS %.3f s (ratio %.3f)%n%s",
                what, shown / 1e9, truth / 1e9, ratio, context));
    }
}
