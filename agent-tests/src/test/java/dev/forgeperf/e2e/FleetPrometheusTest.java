package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgeperf.util.JsonReader;

/**
 * A fleet of three JVMs with the agent, scraped by the real Prometheus server (Debian
 * {@code prometheus}) on loopback every second, targets from a file as file-based service
 * discovery reads them; then its HTTP API is asked what a fleet dashboard asks.
 *
 * <p>The p99 that {@code histogram_quantile} computes over the three instances is checked against
 * what {@code forge-perf timings --json} reports on the instances (an independent reading of the
 * same calls, through the control socket): it lies between the p50 and the max, to the resolution
 * of the Prometheus histogram (from the bound at or below the smallest p50 to the bound at or above
 * the largest max: {@code histogram_quantile} interpolates within a bucket, so it can land anywhere
 * in the bucket that holds the rank). The fleet's median over the whole run (the cumulative
 * buckets, no window) lies within the bounds around the instances' medians, so wrong units or
 * counts fail; neither check assumes how long a call takes on a busy machine.
 */
class FleetPrometheusTest {
    private static final String FIXTURE = "dev.forgeperf.e2e.fixture.TwoLatencies";
    private static final int INSTANCES = 3;

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void prometheusAggregatesTheFleetsHistograms(Path jdk) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/prometheus")),
                "the prometheus server is not installed (apt-get install --no-install-recommends prometheus): fleet test skipped");
        try (Env env = new Env()) {
            List<String> pids = new ArrayList<>();
            List<String> targets = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                Proc app = env.java(jdk, List.of("-Xmx64m", "-javaagent:" + Fixtures.agentJar() + "=http=0,timed=" + FIXTURE + "#fast,timed="
                        + FIXTURE + "#slow", "-cp", Fixtures.testClasses().toString()), FIXTURE);
                String pid = app.awaitOut("twolatencies ready pid=(\\d+)", Duration.ofSeconds(60));
                pids.add(pid);
                String url = HttpServerTest.awaitUrl(env, pid);
                targets.add("\"" + url.replaceAll("^http://|/$", "") + "\"");
            }
            Path sd = env.work.resolve("targets.json");
            Files.writeString(sd, "[{\"targets\": [" + String.join(", ", targets) + "], \"labels\": {\"service\": \"fleet\"}}]\n");
            Path config = env.work.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: forge-perf
                        file_sd_configs:
                          - files: ['%s']
                    """.formatted(sd));
            int port = freePort();
            String api = "http://127.0.0.1:" + port + "/";
            try (Proc prometheus = Proc.start(List.of("/usr/bin/prometheus", "--config.file=" + config, "--storage.tsdb.path=" + env.work.resolve("tsdb"),
                    "--web.listen-address=127.0.0.1:" + port), null, env.work)) {

                // every target up
                List<Map<String, Object>> up = await(api, "up", r -> r.size() == INSTANCES && r.stream().allMatch(x -> value(x) == 1.0), prometheus);
                assertEquals(INSTANCES, up.size(), up::toString);

                // the fleet's p99 per method over a window, and its median over the whole run, from the instances' histograms
                String q99 = "histogram_quantile(0.99, sum by (le, method) (rate(forgeperf_method_duration_seconds_bucket[15s])))";
                Map<String, Double> fleetP99 = byMethod(await(api, q99, r -> r.size() == 2 && r.stream().allMatch(x -> Double.isFinite(value(x))), prometheus));
                String q50 = "histogram_quantile(0.5, sum by (le, method) (forgeperf_method_duration_seconds_bucket))";
                Map<String, Double> fleetP50 = byMethod(await(api, q50, r -> r.size() == 2 && r.stream().allMatch(x -> Double.isFinite(value(x))), prometheus));

                // what the instances report through the control socket: per method the smallest and largest p50, the largest max (ns)
                Map<String, long[]> truth = new HashMap<>();
                for (String pid : pids) {
                    Cli.Result json = env.cli.run("timings", pid, "--json");
                    assertEquals(0, json.exit(), json::toString);
                    for (Object row : (List<?>) JsonReader.parse(json.out())) {
                        Map<?, ?> m = (Map<?, ?>) row;
                        long p50 = ((Number) m.get("p50Nanos")).longValue();
                        long max = ((Number) m.get("maxNanos")).longValue();
                        truth.merge((String) m.get("method"), new long[] {p50, p50, max},
                                (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1]), Math.max(a[2], b[2])});
                    }
                }
                assertEquals(truth.keySet(), fleetP99.keySet(), "the same methods: " + truth.keySet() + " vs " + fleetP99);
                double[] bounds = bounds(api, prometheus);
                for (String method : truth.keySet()) {
                    long[] t = truth.get(method);
                    String seen = " (instances' p50 " + t[0] / 1e9 + ".." + t[1] / 1e9 + " s, max " + t[2] / 1e9 + " s, bounds "
                            + java.util.Arrays.toString(bounds) + ")";
                    double q = fleetP99.get(method);
                    assertTrue(q >= below(bounds, t[0] / 1e9) && q <= above(bounds, t[2] / 1e9), method + ": fleet p99 " + q + " s" + seen);
                    double median = fleetP50.get(method);
                    assertTrue(median >= below(bounds, t[0] / 1e9) && median <= above(bounds, t[1] / 1e9), method + ": fleet p50 " + median + " s" + seen);
                }

                // JVM and process series under the Prometheus Java client's names, one per instance
                for (String series : List.of("jvm_memory_used_bytes{area=\"heap\"}", "process_cpu_seconds_total", "jvm_threads_current",
                        "jvm_classes_currently_loaded", "process_start_time_seconds", "jvm_threads_state{state=\"TIMED_WAITING\"}")) {
                    List<Map<String, Object>> r = await(api, series, x -> x.size() == INSTANCES && x.stream().allMatch(s -> value(s) > 0), prometheus);
                    assertEquals(INSTANCES, r.size(), series + ": " + r);
                }
                assertTrue(await(api, "jvm_gc_collection_seconds_count", r -> r.size() >= INSTANCES, prometheus).size() >= INSTANCES);
                assertEquals(INSTANCES, await(api, "jvm_runtime_info", r -> r.size() == INSTANCES, prometheus).size());

                // Prometheus negotiated OpenMetrics: its metadata has the OpenMetrics family names (a counter
                // without _total, an info type), which the 0.0.4 text does not have
                Map<String, Object> meta = call(api + "api/v1/targets/metadata?metric=" + enc("process_cpu_seconds"));
                List<?> metadata = (List<?>) meta.get("data");
                assertEquals(INSTANCES, metadata.size(), meta::toString);
                metadata.forEach(m -> assertEquals("counter", ((Map<?, ?>) m).get("type"), meta::toString));
                Map<String, Object> classic = call(api + "api/v1/targets/metadata?metric=" + enc("process_cpu_seconds_total"));
                assertEquals(List.of(), classic.get("data"), "no 0.0.4 family name: " + classic);
                Map<String, Object> info = call(api + "api/v1/targets/metadata?metric=" + enc("jvm_runtime"));
                assertEquals("info", ((Map<?, ?>) ((List<?>) info.get("data")).get(0)).get("type"), info::toString);
            }
        }
    }

    /**
     * {@code metrics.buckets} sets the histogram's bounds (moved to the internal buckets' edges);
     * a list that is not ascending is refused in one log line and the default bounds are used.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void bucketsAreConfigurableAndABadListIsRefusedInOneLine(Path jdk) throws Exception {
        try (Env env = new Env()) {
            String timed = "timed=" + FIXTURE + "#fast";
            Proc good = env.java(jdk, List.of("-Xmx64m", "-javaagent:" + Fixtures.agentJar() + "=http=0," + timed + ",metrics.buckets=1ms;10ms;100ms",
                    "-cp", Fixtures.testClasses().toString()), FIXTURE);
            Proc bad = env.java(jdk, List.of("-Xmx64m", "-javaagent:" + Fixtures.agentJar() + "=http=0," + timed + ",metrics.buckets=10ms;1ms",
                    "-cp", Fixtures.testClasses().toString()), FIXTURE);
            String line = bad.awaitErr("\\[forge-perf\\] (ignoring metrics\\.buckets=.*)", Duration.ofSeconds(60));
            assertTrue(line.startsWith("ignoring metrics.buckets=10ms;1ms (expected 1 to 40 durations from 1us to 30m in ascending order separated by ';'"), line);
            assertTrue(line.endsWith("using the default 100us;300us;1ms;3ms;10ms;30ms;100ms;300ms;1s;3s;10s"), line);

            Pattern le = Pattern.compile("^forgeperf_method_duration_seconds_bucket\\{method=\"[^\"]*#fast\\(\\)\",le=\"([^\"]+)\"} \\d+$", Pattern.MULTILINE);
            Map<Proc, List<String>> expected = Map.of(good, List.of("0.000999423", "0.009961471", "0.099614719", "+Inf"),
                    bad, List.of("0.000100351", "0.000299007", "0.000999423", "0.003014655", "0.009961471", "0.029884415", "0.099614719",
                            "0.301989887", "0.998244351", "2.986344447", "10.066329599", "+Inf"));
            for (Map.Entry<Proc, List<String>> e : expected.entrySet()) {
                String pid = e.getKey().awaitOut("twolatencies ready pid=(\\d+)", Duration.ofSeconds(60));
                String url = HttpServerTest.awaitUrl(env, pid) + "metrics";
                HttpServerTest.Response metrics = HttpServerTest.get(url);
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!le.matcher(metrics.text()).find() && System.nanoTime() < deadline) {
                    Env.sleep(200);
                    metrics = HttpServerTest.get(url);
                }
                assertEquals(200, metrics.status(), metrics::toString);
                List<String> les = new ArrayList<>();
                Matcher m = le.matcher(metrics.text());
                while (m.find()) {
                    les.add(m.group(1));
                }
                assertEquals(e.getValue(), les, metrics::text);
                assertEquals(null, metrics.header("Content-Encoding"), "not asked for gzip");

                // gzipped when asked, as Prometheus asks: the same text
                HttpServerTest.Response gz = HttpServerTest.get(url, "Accept-Encoding", "gzip");
                assertEquals("gzip", gz.header("Content-Encoding"), gz::toString);
                String text;
                try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body()))) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                assertTrue(text.contains("# TYPE forgeperf_method_duration_seconds histogram\n") && text.contains("le=\"+Inf\"}"), text);
                assertTrue(gz.body().length < text.length(), "smaller: " + gz.body().length + " of " + text.length());
            }
        }
    }

    private static Map<String, Double> byMethod(List<Map<String, Object>> result) {
        Map<String, Double> out = new HashMap<>();
        result.forEach(x -> out.put((String) labels(x).get("method"), value(x)));
        return out;
    }

    /** The histogram's {@code le} bounds as Prometheus stored them, ascending, +Inf last. */
    private static double[] bounds(String api, Proc prometheus) throws Exception {
        List<Map<String, Object>> r = await(api, "count by (le) (forgeperf_method_duration_seconds_bucket)", x -> !x.isEmpty(), prometheus);
        return r.stream().mapToDouble(x -> Double.parseDouble(((String) labels(x).get("le")).replace("+Inf", "Infinity"))).sorted().toArray();
    }

    /** The largest bound at or below {@code v} (0 below the first). */
    private static double below(double[] bounds, double v) {
        double b = 0;
        for (double x : bounds) {
            if (x <= v) {
                b = x;
            }
        }
        return b;
    }

    /** The smallest bound at or above {@code v}. */
    private static double above(double[] bounds, double v) {
        for (double x : bounds) {
            if (x >= v) {
                return x;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    /** Polls an instant query until its result vector satisfies {@code done} (deadline 120 s). */
    private static List<Map<String, Object>> await(String api, String query, Predicate<List<Map<String, Object>>> done, Proc prometheus)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        List<Map<String, Object>> last = List.of();
        String problem = "";
        while (System.nanoTime() < deadline) {
            try {
                Map<String, Object> answer = call(api + "api/v1/query?query=" + enc(query));
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> result = (List<Map<String, Object>>) ((Map<?, ?>) answer.get("data")).get("result");
                last = result;
                if (done.test(result)) {
                    return result;
                }
            } catch (IOException e) {
                problem = e.toString(); // not listening yet
            }
            Env.sleep(500);
        }
        throw new AssertionError("query " + query + " never satisfied; last " + last + " " + problem + "\nprometheus:\n" + prometheus.stderr());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(String url) throws Exception {
        HttpServerTest.Response r = HttpServerTest.get(url);
        if (r.status() != 200) {
            throw new IOException(r.toString());
        }
        return (Map<String, Object>) JsonReader.parse(r.text());
    }

    private static Map<?, ?> labels(Map<String, Object> sample) {
        return (Map<?, ?>) sample.get("metric");
    }

    private static double value(Map<String, Object> sample) {
        String v = (String) ((List<?>) sample.get("value")).get(1);
        return Double.parseDouble(v.replace("+Inf", "Infinity"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
