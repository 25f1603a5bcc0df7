package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgeperf.util.JsonReader;

/**
 * The opt-in HTTP server ({@code http=…}) on each JDK, driven as a user would: Prometheus'
 * {@code promtool} checks {@code /metrics}, {@code go tool pprof} reads live profile URLs,
 * headless Chromium runs the dashboard, plain HTTP requests check health, the JSON API, errors,
 * the token and the loopback rules.
 */
class HttpServerTest {
    private static final String TIMED = "dev.forgeperf.sample.PriceCalculator#computePrice(Order)";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    /** One answer, read whole. */
    record Response(int status, java.net.http.HttpHeaders headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return "HTTP " + status + " " + headers.map() + "\n" + (body.length > 2000 ? text().substring(0, 2000) + "…" : text());
        }
    }

    static Response call(String method, String url, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(90))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<byte[]> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Response(r.statusCode(), r.headers(), r.body());
    }

    static Response get(String url, String... headers) throws IOException, InterruptedException {
        return call("GET", url, headers);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(Response r) {
        assertEquals("application/json", r.header("Content-Type"), r::toString);
        return (Map<String, Object>) JsonReader.parse(r.text());
    }

    /** The URL the agent wrote to {@code <pid>.http} beside its socket. */
    static String awaitUrl(Env env, String pid) {
        Path file = env.socketDir.resolve(pid + ".http");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + file);
            }
            Env.sleep(20);
        }
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The status line of a raw HTTP/1.1 request with the given Host header (HttpClient will not send a foreign Host). */
    static String rawStatusLine(String url, String host) throws IOException {
        URI u = URI.create(url);
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/status HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return all.lines().findFirst().orElse("") + "\n" + all.substring(all.indexOf("\r\n\r\n") + 4);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void metricsProfilesHealthApiAndDashboardOnLoopback(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-Xmx256m", "-javaagent:" + Fixtures.agentJar() + "=http=0,metrics.interval=500ms,timed="
                    + TIMED.replace("(Order)", "")), "-jar", Fixtures.sampleApp().toString(), "--quiet", "--threads", "3");
            String pid = app.awaitOut("sample-app ready pid=(\\d+)", Duration.ofSeconds(60));
            String url = awaitUrl(env, pid);
            assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/"), url);
            assertEquals(url, app.awaitErr("\\[forge-perf\\] HTTP on (\\S+)$", Duration.ofSeconds(60)), "the log line names the same URL");
            env.awaitSocket(Long.parseLong(pid));

            // status: the URL, in text and JSON, by the CLI and by the API
            Cli.Result status = env.cli.run("status", pid);
            assertEquals(0, status.exit(), status::toString);
            assertTrue(status.out().contains("http:    " + url + " (POST /api/gc needs the token in "), status::toString);
            Cli.Result statusJson = env.cli.run("status", pid, "--json");
            @SuppressWarnings("unchecked")
            Map<String, Object> cliStatus = (Map<String, Object>) JsonReader.parse(statusJson.out());
            Map<String, Object> apiStatus = json(get(url + "api/status"));
            assertEquals(cliStatus.keySet(), apiStatus.keySet(), "/api/status is status --json");
            assertEquals(url, RuntimeTest.map(apiStatus, "http").get("url"));
            assertEquals(url, RuntimeTest.map(cliStatus, "http").get("url"));
            assertEquals(Long.parseLong(pid), RuntimeTest.num(apiStatus, "pid"));

            // /metrics: Prometheus text format with the timed method, clean for promtool
            Response metrics = get(url + "metrics");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Pattern count = Pattern.compile("forgeperf_method_duration_seconds_count\\{method=\"" + Pattern.quote(TIMED) + "\"} (\\d+)");
            while (!count.matcher(metrics.text()).find() && System.nanoTime() < deadline) {
                Env.sleep(200);
                metrics = get(url + "metrics");
            }
            assertEquals(200, metrics.status(), metrics::toString);
            assertTrue(metrics.header("Content-Type").startsWith("text/plain; version=0.0.4"), metrics::toString);
            Matcher calls = count.matcher(metrics.text());
            assertTrue(calls.find() && Long.parseLong(calls.group(1)) > 0, metrics::toString);
            assertTrue(metrics.text().contains("forgeperf_method_duration_seconds_bucket{method=\"" + TIMED + "\",le=\"+Inf\"} "), metrics::toString);
            assertTrue(metrics.text().contains("# TYPE jvm_memory_used_bytes gauge"), metrics::toString);
            Path metricsFile = env.work.resolve("metrics.txt");
            Files.write(metricsFile, metrics.body());

            // /health: the text of `forge-perf health`, 200 healthy, 202 degraded, 503 unhealthy; JSON on request
            Response health = get(url + "health");
            String verdict = health.text().lines().findFirst().orElse("");
            assertEquals(Map.of("healthy", 200, "degraded", 202, "unhealthy", 503).get(verdict), health.status(), health::toString);
            Cli.Result cliHealth = env.cli.run("health", pid);
            assertEquals(verdict, cliHealth.out().lines().findFirst().orElse(""), () -> health + "\n" + cliHealth);
            assertEquals(verdict, json(get(url + "health", "Accept", "application/json")).get("status"));
            assertEquals(verdict, json(get(url + "health?format=json")).get("status"));

            // the JSON API: what the CLI's --json prints
            Map<String, Object> m = json(get(url + "api/metrics"));
            assertEquals(Long.parseLong(pid), RuntimeTest.num(m, "pid"));
            assertTrue(RuntimeTest.num(RuntimeTest.map(m, "heap"), "used") > 0);
            Map<String, Object> history = json(get(url + "api/history?count=3"));
            assertTrue(RuntimeTest.list(history, "samples").size() >= 1 && RuntimeTest.list(history, "samples").size() <= 3, history::toString);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> timings = (List<Map<String, Object>>) JsonReader.parse(get(url + "api/timings").text());
            assertTrue(timings.stream().anyMatch(r -> r.get("method").equals(TIMED) && ((Number) r.get("count")).longValue() > 0), timings::toString);
            assertTrue(json(get(url + "api/health")).containsKey("checks"));

            // errors: one line each
            Response missing = get(url + "nope");
            assertEquals(404, missing.status(), missing::toString);
            assertEquals(1, missing.text().lines().count(), missing::toString);
            Response postMetrics = call("POST", url + "metrics");
            assertEquals(405, postMetrics.status(), postMetrics::toString);
            assertEquals("GET, HEAD", postMetrics.header("Allow"));
            Response postMemory = call("POST", url + "api/memory");
            assertEquals(405, postMemory.status(), postMemory::toString);
            assertEquals("GET, HEAD", postMemory.header("Allow"));
            Response deleteGc = call("DELETE", url + "api/gc");
            assertEquals(405, deleteGc.status(), deleteGc::toString);
            assertEquals("GET, HEAD, POST", deleteGc.header("Allow"), "every method the route takes");
            for (String bad : List.of("debug/pprof/profile?seconds=0", "debug/pprof/profile?seconds=abc", "debug/pprof/profile?seconds=301",
                    "debug/pprof/goroutine?debug=7", "api/timings?sort=fastest", "health?format=xml")) {
                Response r = get(url + bad);
                assertEquals(400, r.status(), () -> bad + ": " + r);
                assertEquals(1, r.text().lines().count(), () -> bad + ": " + r);
            }
            assertTrue(rawStatusLine(url, "attacker.example:80").startsWith("HTTP/1.1 403"), "a foreign Host name is refused (DNS rebinding)");
            assertTrue(rawStatusLine(url, "localhost").startsWith("HTTP/1.1 200"), "localhost is fine");

            // the token: POST /api/gc needs the one in the owner-only <pid>.http-token
            Path tokenFile = env.socketDir.resolve(pid + ".http-token");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
            String token = Files.readString(tokenFile).trim();
            Response noToken = call("POST", url + "api/gc");
            assertEquals(401, noToken.status(), noToken::toString);
            assertTrue(noToken.text().contains(tokenFile.toString()), noToken::toString);
            Response wrongToken = call("POST", url + "api/gc", "Authorization", "Bearer " + token.substring(1) + "x");
            assertEquals(401, wrongToken.status(), wrongToken::toString);
            Response gc = call("POST", url + "api/gc", "Authorization", "Bearer " + token);
            assertEquals(200, gc.status(), gc::toString);
            assertTrue(json(gc).containsKey("freedBytes"), gc::toString);

            // profiles: at most two at once; a third is told to come back (block and mutex are deltas of the continuous recording's)
            awaitRecording(url);
            CompletableFuture<Response> block = CompletableFuture.supplyAsync(() -> unchecked(url + "debug/pprof/block?seconds=10"));
            CompletableFuture<Response> mutex = CompletableFuture.supplyAsync(() -> unchecked(url + "debug/pprof/mutex?seconds=10"));
            deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // both run 10 s: they overlap even when one starts late
            while (RuntimeTest.num(RuntimeTest.map(json(get(url + "api/status")), "http"), "profilesRunning") < 2) {
                assertTrue(System.nanoTime() < deadline, "two profiles running");
                Env.sleep(50);
            }
            Response third = get(url + "debug/pprof/allocs?seconds=1");
            assertEquals(429, third.status(), third::toString);
            assertEquals("5", third.header("Retry-After"));
            for (Map.Entry<String, CompletableFuture<Response>> p : Map.of("block.pb.gz", block, "mutex.pb.gz", mutex).entrySet()) {
                Response r = p.getValue().get();
                assertEquals(200, r.status(), r::toString);
                assertEquals("application/octet-stream", r.header("Content-Type"));
                assertEquals(0x1f, r.body()[0] & 0xff, "gzipped");
                Files.write(env.work.resolve(p.getKey()), r.body());
            }
            Response index = get(url + "debug/pprof/");
            assertEquals(200, index.status(), index::toString);
            assertTrue(index.text().contains("href=\"goroutine\""), index::toString);
            Response dump = get(url + "debug/pprof/goroutine?debug=2");
            assertTrue(dump.text().contains("\"order-worker-1\"") && dump.text().contains("java.lang.Thread.State"), dump::toString);
            assertTrue(get(url + "debug/pprof/goroutine?debug=1").text().startsWith("thread profile: total "));
            Files.write(env.work.resolve("threads.pb.gz"), get(url + "debug/pprof/goroutine").body());

            // the dashboard: one page, nothing from the network
            Response page = get(url);
            assertEquals(200, page.status(), page::toString);
            assertTrue(page.header("Content-Type").startsWith("text/html"), page::toString);
            assertTrue(page.header("Content-Security-Policy").startsWith("default-src 'none'"), page::toString);
            String html = page.text();
            assertTrue(html.contains("<script>") && html.contains("api/metrics"), "inline script polling the API");
            for (String external : List.of("http:", "https:", "\"//", "'//", "src=", "@import", "url(")) {
                assertFalse(html.contains(external), () -> "external resource " + external + " in the dashboard");
            }

            // real tools: promtool on /metrics, go tool pprof on live URLs and the saved profiles
            Promtool.assertClean(metricsFile);
            String cpu = GoPprof.top(env, url + "debug/pprof/profile?seconds=3");
            assertTrue(cpu.contains("Type: cpu") && cpu.contains("dev.forgeperf.sample."), cpu); // CPU time by default, as for a Go program
            // heap shows inuse_space by default (as Go's); its allocation types are those of allocs
            String heap = GoPprof.top(env, url + "debug/pprof/heap", List.of("-sample_index=alloc_space"));
            assertTrue(heap.contains("Type: alloc_space") && heap.contains("continuous recording") && heap.contains("dev.forgeperf.sample.ReportBuilder"),
                    heap);
            String blockTop = GoPprof.top(env, "block.pb.gz");
            assertTrue(blockTop.contains("Type: delay") && blockTop.contains("dev.forgeperf.sample.EventBus"), blockTop);
            String mutexTop = GoPprof.top(env, "mutex.pb.gz");
            assertTrue(mutexTop.contains("Type: delay") && mutexTop.contains("dev.forgeperf.sample.Inventory.reserve"), mutexTop);
            String threads = GoPprof.top(env, "threads.pb.gz");
            assertTrue(threads.contains("Type: threads") && threads.contains("[order-worker-1]"), threads);

            // headless Chromium runs the dashboard's script against the live API
            String dom = Chromium.dumpDom(env, url, Duration.ofSeconds(5));
            assertTrue(dom.contains(TIMED), "top timings table filled: " + dom);
            assertTrue(dom.matches("(?s).*id=\"health\">(healthy|degraded|unhealthy)<.*"), "health badge: " + dom);
            assertTrue(dom.contains("<polyline"), "charts drawn");

            assertTrue(app.process().isAlive(), "the application still runs");
            assertEquals(0, env.cli.run("status", pid).exit());
        }
    }

    private static void awaitRecording(String url) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!String.valueOf(RuntimeTest.map(json(get(url + "api/status")), "features").get("jfr")).startsWith("recording")) {
            assertTrue(System.nanoTime() < deadline, "the continuous recording started");
            Env.sleep(100);
        }
    }

    private static Response unchecked(String url) {
        try {
            return get(url);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void remoteBindsNeedTheOptInAndAMissingModuleLeavesHttpOff(Path jdk) throws Exception {
        try (Env env = new Env()) {
            // a non-loopback address without the opt-in: one line, no server, the host runs to its end
            Proc refused = env.hello(jdk, "http=0.0.0.0:0,jfr=off", 300_000);
            String line = refused.awaitErr("\\[forge-perf\\] (HTTP off: .*)", Duration.ofSeconds(60));
            env.stop(refused);
            assertTrue(line.contains("http=0.0.0.0:0 is not a loopback address") && line.contains("http.allowRemote=true"), line);
            assertEquals(0, refused.waitFor(Duration.ofSeconds(60)), refused::stderr);
            assertTrue(refused.stdout().contains("hello done"), refused::stdout);
            assertFalse(Files.exists(env.socketDir.resolve(refused.pid() + ".http")));
            assertEquals(1, refused.stderrLines(l -> l.contains("HTTP")).size(), refused::stderr);

            // with the opt-in and a token of the user's: up on every interface, health by its thresholds
            // lives until stopped (at most 5 min): on a busy machine the requests below took longer than 30 s
            Proc open = env.hello(jdk, "http=0.0.0.0:0,http.allowRemote=true,http.token=0123456789abcdefXYZ,health.threads.degraded=1,jfr=off", 300_000);
            String url = awaitUrl(env, String.valueOf(open.pid()));
            assertTrue(open.awaitErr("\\[forge-perf\\] (HTTP on .*)", Duration.ofSeconds(60)).endsWith("(listening on all interfaces)"));
            Response health = get(url + "health");
            assertEquals(202, health.status(), health::toString);
            assertTrue(health.text().startsWith("degraded\n"), health::toString);
            assertEquals(200, call("POST", url + "api/gc", "Authorization", "Bearer 0123456789abcdefXYZ").status());
            assertFalse(Files.exists(env.socketDir.resolve(open.pid() + ".http-token")), "no token file for a token the user gave");
            Map<String, Object> status = json(get(url + "api/status"));
            assertFalse(status.toString().contains("0123456789abcdefXYZ"), "the token is not shown: " + status);
            // the JDK server's own threads carry our name (thread dumps say whose they are; profiles leave them out)
            Cli.Result threads = env.cli.run("dump", "threads", String.valueOf(open.pid()));
            assertEquals(0, threads.exit(), threads::toString);
            assertTrue(threads.out().contains("\"forge-perf-http-dispatcher\"") && !threads.out().contains("\"HTTP-Dispatcher\""), threads::out);
            env.stop(open);
            assertEquals(0, open.waitFor(Duration.ofSeconds(60)), open::stderr);
            assertTrue(open.stdout().contains("hello done") && !open.stdout().contains("NON-DAEMON"), "every HTTP thread is a daemon: " + open.stdout());
            assertFalse(Files.exists(env.socketDir.resolve(open.pid() + ".http")), "the address file is removed at exit");

            // a runtime without jdk.httpserver: one line, HTTP off, the host unharmed
            Proc limited = env.hello(jdk, "http=0,jfr=off", 300_000, "--limit-modules", "java.base,java.instrument,java.management,jdk.management,jdk.jfr,jdk.net");
            String off = limited.awaitErr("\\[forge-perf\\] (HTTP off: .*)", Duration.ofSeconds(60));
            assertTrue(off.contains("no jdk.httpserver module"), off);
            env.stop(limited);
            assertEquals(0, limited.waitFor(Duration.ofSeconds(60)), limited::stderr);
            assertTrue(limited.stdout().contains("hello done"), limited::stdout);
        }
    }
}
