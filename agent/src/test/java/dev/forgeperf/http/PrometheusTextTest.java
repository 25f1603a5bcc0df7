package dev.forgeperf.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.forgeperf.bootstrap.MethodStats;
import dev.forgeperf.http.PrometheusText.Type;
import dev.forgeperf.runtime.Health;
import dev.forgeperf.runtime.RuntimeMetrics;
import dev.forgeperf.config.RuntimeSettings;

class PrometheusTextTest {
    /** A sample line of the 0.0.4 format: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? (\\S+)");

    @Test
    void headerComesWithTheFirstSampleAndEmptyFamiliesAreLeftOut() {
        PrometheusText p = new PrometheusText();
        p.family("a_bytes", Type.gauge, "A thing").sample(3);
        p.family("empty_total", Type.counter, "Never sampled");
        p.family("b_total", Type.counter, "B things").sample(7, "kind", "x").sample(Double.NaN, "kind", "unknown");
        assertEquals("# HELP a_bytes A thing\n# TYPE a_bytes gauge\na_bytes 3\n"
                + "# HELP b_total B things\n# TYPE b_total counter\nb_total{kind=\"x\"} 7\n", p.toString());
    }

    @Test
    void summaryParts() {
        PrometheusText p = new PrometheusText();
        p.family("d_seconds", Type.summary, "Durations").sample(0.25, "m", "f", "quantile", "0.5").sample("_sum", 1.5, "m", "f").sample("_count", 4, "m", "f");
        assertEquals("# HELP d_seconds Durations\n# TYPE d_seconds summary\nd_seconds{m=\"f\",quantile=\"0.5\"} 0.25\n"
                + "d_seconds_sum{m=\"f\"} 1.5\nd_seconds_count{m=\"f\"} 4\n", p.toString());
    }

    @Test
    void labelValuesAndHelpAreEscaped() {
        PrometheusText p = new PrometheusText();
        p.family("x", Type.gauge, "back\\slash and\nnewline \"quoted\"").sample(1, "v", "a\\b\"c\nd");
        String[] lines = p.toString().split("\n");
        assertEquals("# HELP x back\\\\slash and\\nnewline \"quoted\"", lines[0]);
        assertEquals("x{v=\"a\\\\b\\\"c\\nd\"} 1", lines[2]);
        assertTrue(SAMPLE.matcher(lines[2]).matches(), lines[2]);
        assertEquals(3, lines.length);
    }

    @Test
    void valuesInPlainNotation() {
        assertEquals("12", PrometheusText.format(12));
        assertEquals("-3", PrometheusText.format(-3));
        assertEquals("0.000052", PrometheusText.format(5.2e-5));
        assertEquals("1795619357.676", PrometheusText.format(1.795619357676e9));
        assertEquals("1.0e-9", PrometheusText.format(1e-9));
        assertEquals("+Inf", PrometheusText.format(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", PrometheusText.format(Double.NEGATIVE_INFINITY));
        assertEquals(0.000052, Double.parseDouble(PrometheusText.format(5.2e-5)));
    }

    @Test
    void namesAreCheckedAndFamiliesDeclaredOnce() {
        PrometheusText p = new PrometheusText();
        assertThrows(IllegalArgumentException.class, () -> p.family("9lives", Type.gauge, "h"));
        assertThrows(IllegalArgumentException.class, () -> p.family("a-b", Type.gauge, "h"));
        p.family("ok", Type.gauge, "h");
        assertThrows(IllegalArgumentException.class, () -> p.sample(1, "bad-label", "v"));
        assertThrows(IllegalArgumentException.class, () -> p.sample(1, "__reserved", "v"));
        assertThrows(IllegalArgumentException.class, () -> p.sample(1, "odd"));
        assertThrows(IllegalStateException.class, () -> p.family("ok", Type.counter, "again"));
        assertThrows(IllegalStateException.class, () -> new PrometheusText().sample(1));
    }

    @Test
    void theJvmExpositionIsWellFormed() {
        MethodStats stats = new MethodStats("com.acme.Repo#find(String) \"odd\\name\"");
        for (int i = 1; i <= 1000; i++) {
            stats.record(i * 1_000L, i % 100 == 0);
        }
        RuntimeMetrics m = RuntimeMetrics.collect();
        String text = MetricsExposition.render(m, Health.evaluate(m, RuntimeSettings.defaults()), List.of(stats.snapshot()));

        Map<String, String> types = new HashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> series = new HashSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                helped.add(line.split(" ")[2]);
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] f = line.split(" ");
                assertTrue(helped.contains(f[2]), "HELP before TYPE: " + line);
                assertEquals(null, types.put(f[2], f[3]), "one TYPE per family: " + line);
                continue;
            }
            Matcher s = SAMPLE.matcher(line);
            assertTrue(s.matches(), "sample line: " + line);
            assertTrue(series.add(s.group(1) + (s.group(2) == null ? "" : s.group(2))), "duplicate series: " + line);
            Double.parseDouble(s.group(3).replace("+Inf", "Infinity"));
            String name = s.group(1);
            assertTrue(name.startsWith("forgeperf_"), name);
            String family = types.containsKey(name) ? name : name.replaceAll("_(sum|count)$", "");
            assertTrue(types.containsKey(family), "sample after its TYPE: " + line);
            if (types.get(family).equals("counter")) {
                assertTrue(name.endsWith("_total"), name);
            }
        }
        assertEquals("summary", types.get("forgeperf_method_duration_seconds"));
        assertEquals("gauge", types.get("forgeperf_jvm_memory_used_bytes"));
        assertEquals("counter", types.get("forgeperf_jvm_gc_collections_total"));
        String label = "method=\"com.acme.Repo#find(String) \\\"odd\\\\name\\\"\"";
        assertTrue(text.contains("forgeperf_method_duration_seconds_count{" + label + "} 1000\n"), text);
        assertTrue(text.contains("forgeperf_method_duration_seconds{" + label + ",quantile=\"0.999\"} "), text);
        assertTrue(text.contains("forgeperf_method_errors_total{" + label + "} 10\n"), text);
        assertTrue(text.contains("forgeperf_jvm_threads_state{state=\"RUNNABLE\"} "), text);
        assertTrue(text.contains("forgeperf_health_status{status=\"" + Health.evaluate(m, RuntimeSettings.defaults()).status() + "\"} 1"), text);
        assertFalse(text.contains("NaN"), text);
        assertFalse(text.contains("_millis") || text.contains("_ms"), "base units only");
    }
}
