package dev.forgeperf.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.forgeperf.bootstrap.MethodStats;
import dev.forgeperf.bootstrap.TimingSnapshot;
import dev.forgeperf.runtime.Health;
import dev.forgeperf.runtime.RuntimeMetrics;
import dev.forgeperf.config.RuntimeSettings;

class MetricsExpositionTest {
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? (\\S+)");

    @Test
    void defaultBoundsAreBucketEdgesNearTheRoundValues() {
        long[] bounds = MetricsExposition.defaultBounds();
        long[] asked = {100_000L, 300_000L, 1_000_000L, 3_000_000L, 10_000_000L, 30_000_000L, 100_000_000L, 300_000_000L,
            1_000_000_000L, 3_000_000_000L, 10_000_000_000L};
        assertEquals(asked.length, bounds.length);
        for (int i = 0; i < asked.length; i++) {
            assertTrue(Math.abs(bounds[i] - asked[i]) <= asked[i] / 128 + 1, bounds[i] + " near " + asked[i]);
            // the edge of a bucket: the next nanosecond starts another one
            MethodStats s = new MethodStats("edge");
            s.record(bounds[i], false);
            s.record(bounds[i] + 1, false);
            assertEquals(1, s.snapshot().countAtMost(bounds[i]), "one value <= " + bounds[i]);
        }
        assertEquals("0.000100351", MetricsExposition.le(bounds[0]));
    }

    /** Every bucket count equals the number of recorded values at most its bound, counted from the raw values. */
    @Test
    void bucketCountsAreExactAtEachBound() {
        long[] bounds = MetricsExposition.parseBuckets("50us;1ms;2.5ms;7ms;1s");
        MethodStats stats = new MethodStats("m");
        Random random = new Random(42);
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            long v = (long) Math.exp(random.nextDouble() * Math.log(3e9)); // 1 ns .. 3 s, log-uniform
            values.add(v);
        }
        for (long b : bounds) { // values right at and just past each bound
            values.add(b);
            values.add(b + 1);
            values.add(b - 1);
        }
        values.forEach(v -> stats.record(v, false));
        String text = MetricsExposition.render(RuntimeMetrics.collect(), Health.evaluate(), List.of(stats.snapshot()), bounds, false);
        for (long b : bounds) {
            long truth = values.stream().filter(v -> v <= b).count();
            String line = "forgeperf_method_duration_seconds_bucket{method=\"m\",le=\"" + MetricsExposition.le(b) + "\"} " + truth + "\n";
            assertTrue(text.contains(line), line + " in\n" + text);
        }
        assertTrue(text.contains("forgeperf_method_duration_seconds_bucket{method=\"m\",le=\"+Inf\"} " + values.size() + "\n"), text);
        assertTrue(text.contains("forgeperf_method_duration_seconds_count{method=\"m\"} " + values.size() + "\n"), text);
        long sum = values.stream().mapToLong(Long::longValue).sum();
        Matcher m = Pattern.compile("forgeperf_method_duration_seconds_sum\\{method=\"m\"} (\\S+)\n").matcher(text);
        assertTrue(m.find(), text);
        assertEquals(sum / 1e9, Double.parseDouble(m.group(1)), 1e-9 * Math.max(1, sum / 1e9));
        assertTrue(text.contains("forgeperf_method_calls_total{method=\"m\"} " + values.size() + "\n"), text);
    }

    @Test
    void badBucketsAreRefusedInOneLine() {
        for (String bad : new String[] {"", "10ms;1ms", "1ms;1ms", "abc", "0ms", "31m", "1ms;1.001ms", "100ns"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MetricsExposition.parseBuckets(bad), bad);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().contains("e.g. 1ms;10ms;100ms;1s"), e.getMessage());
        }
        assertEquals(3, MetricsExposition.parseBuckets("1ms,10ms,100ms").length, "a config file's comma list");
        StringBuilder many = new StringBuilder();
        for (int i = 1; i <= MetricsExposition.MAX_BUCKETS + 1; i++) {
            many.append(i).append("ms;");
        }
        assertThrows(IllegalArgumentException.class, () -> MetricsExposition.parseBuckets(many.toString()));
    }

    @Test
    void jvmSeriesUnderTheJavaClientsNamesAndForgePerfsOwnUnderItsPrefix() {
        MethodStats stats = new MethodStats("com.acme.Repo#find(String) \"odd\\name\"");
        for (int i = 1; i <= 1000; i++) {
            stats.record(i * 1_000L, i % 100 == 0);
        }
        RuntimeMetrics m = RuntimeMetrics.collect();
        String text = MetricsExposition.render(m, Health.evaluate(m, RuntimeSettings.defaults()), List.of(stats.snapshot()));

        Map<String, String> types = new HashMap<>();
        Set<String> series = new HashSet<>();
        Set<String> helped = new HashSet<>();
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
            String name = s.group(1);
            assertTrue(name.startsWith("forgeperf_") || name.startsWith("jvm_") || name.startsWith("process_"), name);
            String family = types.containsKey(name) ? name : name.replaceAll("_(sum|count|bucket)$", "");
            assertTrue(types.containsKey(family), "sample after its TYPE: " + line);
            if (types.get(family).equals("counter")) {
                assertTrue(name.endsWith("_total"), name);
            }
            assertTrue(Double.parseDouble(s.group(3).replace("+Inf", "Infinity")) >= 0, "no -1 for unknown: " + line);
        }
        // the Prometheus Java client 1.x JVM instrumentation's names and types
        Map<String, String> standard = Map.ofEntries(Map.entry("jvm_memory_used_bytes", "gauge"), Map.entry("jvm_memory_committed_bytes", "gauge"),
                Map.entry("jvm_memory_max_bytes", "gauge"), Map.entry("jvm_memory_init_bytes", "gauge"),
                Map.entry("jvm_memory_pool_used_bytes", "gauge"), Map.entry("jvm_memory_pool_committed_bytes", "gauge"),
                Map.entry("jvm_memory_pool_collection_used_bytes", "gauge"), Map.entry("jvm_gc_collection_seconds", "summary"),
                Map.entry("jvm_threads_current", "gauge"), Map.entry("jvm_threads_daemon", "gauge"), Map.entry("jvm_threads_peak", "gauge"),
                Map.entry("jvm_threads_started_total", "counter"), Map.entry("jvm_threads_deadlocked", "gauge"),
                Map.entry("jvm_threads_deadlocked_monitor", "gauge"), Map.entry("jvm_threads_state", "gauge"),
                Map.entry("jvm_classes_currently_loaded", "gauge"), Map.entry("jvm_classes_loaded_total", "counter"),
                Map.entry("jvm_classes_unloaded_total", "counter"), Map.entry("jvm_buffer_pool_used_bytes", "gauge"),
                Map.entry("jvm_buffer_pool_capacity_bytes", "gauge"), Map.entry("jvm_buffer_pool_used_buffers", "gauge"),
                Map.entry("jvm_runtime_info", "gauge"), Map.entry("jvm_compilation_time_seconds_total", "counter"),
                Map.entry("process_cpu_seconds_total", "counter"), Map.entry("process_start_time_seconds", "gauge"),
                Map.entry("process_open_fds", "gauge"), Map.entry("process_max_fds", "gauge"),
                Map.entry("process_virtual_memory_bytes", "gauge"), Map.entry("process_resident_memory_bytes", "gauge"));
        standard.forEach((name, type) -> assertEquals(type, types.get(name), name));
        assertEquals("histogram", types.get("forgeperf_method_duration_seconds"));
        assertTrue(text.contains("jvm_memory_used_bytes{area=\"heap\"} "), text);
        assertTrue(text.contains("jvm_memory_pool_used_bytes{pool=\""), text);
        assertTrue(text.contains("jvm_gc_collection_seconds_count{gc=\""), text);
        assertTrue(text.contains("jvm_threads_state{state=\"RUNNABLE\"} "), text);
        assertTrue(text.contains("jvm_runtime_info{version=\"" + System.getProperty("java.runtime.version") + "\""), text);
        String label = "method=\"com.acme.Repo#find(String) \\\"odd\\\\name\\\"\"";
        assertTrue(text.contains("forgeperf_method_duration_seconds_count{" + label + "} 1000\n"), text);
        // 1..1000 us: 100 values <= 100.351 us, 300 <= 300.031 us (the bound nearest 300 us)
        assertTrue(text.contains("forgeperf_method_duration_seconds_bucket{" + label + ",le=\"0.000100351\"} 100\n"), text);
        assertTrue(text.contains("forgeperf_method_errors_total{" + label + "} 10\n"), text);
        assertTrue(text.contains("forgeperf_health_status{status=\"" + Health.evaluate(m, RuntimeSettings.defaults()).status() + "\"} 1"), text);
        assertFalse(text.contains("NaN"), text);
        assertFalse(text.contains("_millis") || text.contains("_ms"), "base units only");
        assertTrue(text.contains("process_resident_memory_bytes "), text);
    }

    @Test
    void openMetricsExposition() {
        MethodStats stats = new MethodStats("m");
        stats.record(2_000_000L, false);
        String text = MetricsExposition.render(RuntimeMetrics.collect(), Health.evaluate(), List.of(stats.snapshot()),
                MetricsExposition.defaultBounds(), true);
        assertTrue(text.endsWith("\n# EOF\n"), text);
        assertEquals(1, text.split("# EOF", -1).length - 1, "one # EOF");
        assertTrue(text.contains("# TYPE process_cpu_seconds counter\nprocess_cpu_seconds_total "), text);
        assertTrue(text.contains("# TYPE jvm_runtime info\njvm_runtime_info{"), text);
        assertTrue(text.contains("# TYPE forgeperf_method_calls counter\nforgeperf_method_calls_total{method=\"m\"} 1\n"), text);
        assertTrue(text.contains("forgeperf_method_duration_seconds_bucket{method=\"m\",le=\"" + MetricsExposition.le(MetricsExposition.defaultBounds()[2]) + "\"} 0\n"), text);
        assertTrue(text.contains("forgeperf_method_duration_seconds_bucket{method=\"m\",le=\"" + MetricsExposition.le(MetricsExposition.defaultBounds()[3]) + "\"} 1\n"), text);
    }

    /** The heap estimate that decides whether a scrape asks the heap guard covers the text three times over. */
    @Test
    void heapNeedCoversTheText() {
        List<TimingSnapshot> timings = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            MethodStats s = new MethodStats("com.example.shop.service.OrderService" + i + "#placeOrder(com.example.shop.model.Order)");
            for (int j = 0; j < 200; j++) {
                s.record((long) (10_000 * Math.exp(random.nextDouble() * Math.log(10_000))), j % 50 == 0);
            }
            timings.add(s.snapshot());
        }
        long[] bounds = MetricsExposition.defaultBounds();
        int bytes = MetricsExposition.render(RuntimeMetrics.collect(), Health.evaluate(), timings, bounds, false).length();
        long need = MetricsExposition.heapNeed(timings, bounds.length);
        assertTrue(need >= 3L * bytes && need <= 6L * bytes, need + " for " + bytes + " bytes");
        assertTrue(MetricsExposition.heapNeed(timings.subList(0, 100), bounds.length) < MetricsExposition.LIGHT_SCRAPE_BYTES,
                "100 methods are a light scrape");
    }

    @Test
    void exactBoundIsABucketsHighestValue() {
        for (long v : new long[] {1_000L, 99_999L, 100_000L, 123_456_789L, 1L << 30, (1L << 30) - 1, 5_000_000_000L}) {
            long b = TimingSnapshot.exactBoundNear(v);
            assertTrue(Math.abs(b - v) <= v / 128 + 1, b + " near " + v);
            MethodStats s = new MethodStats("x");
            s.record(b, false);
            s.record(b + 1, false);
            s.record(b - 1, false);
            assertEquals(2, s.snapshot().countAtMost(b), "exact at " + b);
        }
    }
}
