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
        assertThrows(IllegalStateException.class, () -> p.family("ok", Type.gauge, "again"));
        assertThrows(IllegalArgumentException.class, () -> p.family("calls", Type.counter, "a counter is named x_total"));
        assertThrows(IllegalArgumentException.class, () -> p.family("runtime", Type.info, "an info metric is named x_info"));
        assertThrows(IllegalStateException.class, () -> new PrometheusText().sample(1));
    }

    @Test
    void openMetricsNamesFamiliesWithoutTheirSuffixAndEnds() {
        PrometheusText p = new PrometheusText(true);
        p.family("calls_total", Type.counter, "Calls \"all\"").sample(7);
        p.family("build_info", Type.info, "Build").sample(1, "v", "1");
        p.family("g", Type.gauge, "G").sample(2);
        assertEquals("# HELP calls Calls \\\"all\\\"\n# TYPE calls counter\ncalls_total 7\n"
                + "# HELP build Build\n# TYPE build info\nbuild_info{v=\"1\"} 1\n"
                + "# HELP g G\n# TYPE g gauge\ng 2\n# EOF\n", p.toString());
        assertEquals(PrometheusText.OPENMETRICS_CONTENT_TYPE, p.contentType());
        PrometheusText classic = new PrometheusText();
        classic.family("build_info", Type.info, "Build").sample(1);
        assertEquals("# HELP build_info Build\n# TYPE build_info gauge\nbuild_info 1\n", classic.toString());
    }

    @Test
    void openMetricsOnlyWhenTheAcceptHeaderPrefersIt() {
        // what Prometheus 2.42 sends
        assertTrue(PrometheusText.prefersOpenMetrics(
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"));
        assertTrue(PrometheusText.prefersOpenMetrics("application/openmetrics-text; version=1.0.0"));
        assertFalse(PrometheusText.prefersOpenMetrics(null));
        assertFalse(PrometheusText.prefersOpenMetrics("*/*"));
        assertFalse(PrometheusText.prefersOpenMetrics("text/plain;version=0.0.4"));
        assertFalse(PrometheusText.prefersOpenMetrics("text/plain, application/openmetrics-text;q=0.5"));
        assertFalse(PrometheusText.prefersOpenMetrics("application/openmetrics-text;q=0"));
    }
}
