package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.sun.net.httpserver.HttpServer;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * {@code pyroscope=URL}: the agent pushes the continuous recording's finished chunks as
 * Pyroscope's Java agent does, to a receiver in the test (a JDK {@code HttpServer}: no Pyroscope
 * server can be installed here) that checks every field of each request (method, path, the query's
 * name with labels, from/until, format, spyName, sampleRate against the JDK's own
 * {@code default.jfc}, units, aggregationType; basic authentication from the URL; the multipart
 * body) and parses the {@code jfr} part with the JDK's {@code RecordingFile}: execution samples of
 * the workload's hot method, every event inside from/until. Then the receiver answers 500, then it
 * is gone: uploads are dropped and counted ({@code status}, {@code /metrics}), the application
 * keeps running, and the URL's password appears in no log and no answer.
 */
class PyroscopePushTest {
    private static final String APP = "orders{env=test,region=eu-1}";
    private static final String SECRET = "s3cr3t-pw";

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    /** One request the receiver got. */
    private record Upload(String method, String path, Map<String, String> query, Map<String, List<String>> headers, byte[] body, long receivedMillis) {
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void pushesChunksAsPyroscopesAgentAndDropsWhenTheServerFails(Path jdk) throws Exception {
        List<Upload> uploads = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger status = new AtomicInteger(200);
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", ex -> {
            try (ex) {
                byte[] body = ex.getRequestBody().readAllBytes();
                Map<String, String> query = new LinkedHashMap<>();
                String raw = ex.getRequestURI().getRawQuery();
                for (String kv : raw == null ? new String[0] : raw.split("&")) {
                    int eq = kv.indexOf('=');
                    query.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
                uploads.add(new Upload(ex.getRequestMethod(), ex.getRequestURI().getPath(), query, Map.copyOf(ex.getRequestHeaders()), body,
                        System.currentTimeMillis()));
                ex.sendResponseHeaders(status.get(), -1);
            }
        });
        receiver.start();
        boolean receiverUp = true;
        try (Env env = new Env()) {
            String url = "http://pusher:" + SECRET + "@127.0.0.1:" + receiver.getAddress().getPort();
            long started = System.currentTimeMillis();
            Proc app = env.java(jdk, List.of("-Xmx128m", "-javaagent:" + Fixtures.agentJar() + "=http=0,pyroscope=" + url + ",pyroscope.app=" + APP,
                    "-cp", Fixtures.testClasses().toString()), "dev.forgeperf.e2e.fixture.FleetWorkload");
            String pid = app.awaitOut("fleet-workload ready pid=(\\d+)", Duration.ofSeconds(60));
            String http = HttpServerTest.awaitUrl(env, pid);

            // two uploads, each checked field by field
            await(() -> uploads.size() >= 2, Duration.ofSeconds(120), "two uploads");
            long expectedRate = Math.round(1000.0 / defaultPeriodMillis(jdk));
            long previousUntil = 0;
            for (int i = 0; i < 2; i++) {
                Upload u = uploads.get(i);
                assertEquals("POST", u.method());
                assertEquals("/ingest", u.path());
                assertEquals(List.of("name", "from", "until", "format", "spyName", "sampleRate", "units", "aggregationType"), List.copyOf(u.query().keySet()),
                        u.query()::toString);
                assertEquals(APP, u.query().get("name"));
                assertEquals("jfr", u.query().get("format"));
                assertEquals("javaspy", u.query().get("spyName"));
                assertEquals(String.valueOf(expectedRate), u.query().get("sampleRate"), "the default settings' jdk.ExecutionSample period as a rate (Hz)");
                assertEquals("samples", u.query().get("units"));
                assertEquals("sum", u.query().get("aggregationType"));
                long from = Long.parseLong(u.query().get("from"));
                long until = Long.parseLong(u.query().get("until"));
                assertTrue(from <= until && from >= started / 1000 - 1 && until <= u.receivedMillis() / 1000 + 1, u.query()::toString);
                assertTrue(from >= previousUntil - 1, "chunks follow each other: " + from + " after " + previousUntil);
                previousUntil = until;
                assertEquals("Basic " + Base64.getEncoder().encodeToString(("pusher:" + SECRET).getBytes(StandardCharsets.UTF_8)),
                        u.headers().get("Authorization").get(0));

                Matcher boundary = Pattern.compile("multipart/form-data; boundary=(\\S+)").matcher(u.headers().get("Content-type").get(0));
                assertTrue(boundary.matches(), u.headers()::toString);
                byte[] jfr = jfrPart(u.body(), boundary.group(1));
                Path file = env.work.resolve("upload-" + i + ".jfr");
                try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(jfr))) {
                    Files.write(file, gz.readAllBytes());
                }
                int samples = 0;
                int atSpin = 0;
                for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                    if (e.getEventType().getName().equals("jdk.ExecutionSample")) {
                        long at = e.getStartTime().toEpochMilli();
                        assertTrue(at >= from * 1000 && at <= until * 1000, "a sample at " + at + " outside from..until " + from + ".." + until);
                        samples++;
                        List<RecordedFrame> frames = e.getStackTrace() == null ? List.of() : e.getStackTrace().getFrames();
                        if (frames.stream().anyMatch(f -> f.getMethod().getName().equals("spin")
                                && f.getMethod().getType().getName().equals("dev.forgeperf.e2e.fixture.FleetWorkload"))) {
                            atSpin++;
                        }
                    }
                }
                System.out.printf("pyroscope %s: upload %d: %d B gzipped JFR, %d execution samples, %d in FleetWorkload.spin, %d..%d s%n", jdk.getFileName(),
                        i, jfr.length, samples, atSpin, from, until);
                assertTrue(atSpin > 0 && atSpin >= samples / 4, "execution samples of the hot method: " + atSpin + " of " + samples);
            }

            // the server fails: chunks are dropped and counted, not retried or kept
            status.set(500);
            int answered = uploads.size();
            await(() -> failed(http) >= 1 && uploads.size() > answered, Duration.ofSeconds(120), "a failed upload counted");
            // the server is gone: connections refused, still dropped and counted
            receiver.stop(0);
            receiverUp = false;
            long failedBefore = failed(http);
            await(() -> failed(http) > failedBefore, Duration.ofSeconds(120), "an upload to a server that is down counted");

            Cli.Result st = env.cli.run("status", pid);
            assertEquals(0, st.exit(), st::toString);
            String line = st.out().lines().filter(l -> l.contains("pyroscope") && l.contains("pushing to")).findFirst().orElse("");
            assertTrue(line.contains("http://127.0.0.1:" + receiver.getAddress().getPort()) && line.contains(APP), st::toString);
            HttpServerTest.Response metrics = HttpServerTest.get(http + "metrics");
            assertEquals(200, metrics.status(), metrics::toString);
            assertTrue(metrics.text().contains("# TYPE forgeperf_pyroscope_chunks_total counter"), metrics::toString);
            Matcher uploaded = Pattern.compile("(?m)^forgeperf_pyroscope_chunks_total\\{result=\"uploaded\"} (\\d+)").matcher(metrics.text());
            Matcher failedSeries = Pattern.compile("(?m)^forgeperf_pyroscope_chunks_total\\{result=\"failed\"} (\\d+)").matcher(metrics.text());
            assertTrue(uploaded.find() && failedSeries.find(), metrics::toString);
            assertTrue(Long.parseLong(uploaded.group(1)) >= 2 && Long.parseLong(failedSeries.group(1)) >= 2, metrics::toString);
            assertTrue(app.stderr().contains("pyroscope push to http://127.0.0.1:" + receiver.getAddress().getPort() + " failed"), app::stderr);

            // the host: still running its work; the password nowhere
            long reports = app.stdout().lines().filter(l -> l.startsWith("slow-short-parks ")).count();
            await(() -> app.stdout().lines().filter(l -> l.startsWith("slow-short-parks ")).count() > reports + 2, Duration.ofSeconds(60),
                    "the application keeps running");
            assertTrue(app.process().isAlive(), "the application still runs");
            for (String text : List.of(app.stdout(), app.stderr(), st.out(), st.err(), metrics.text(), HttpServerTest.get(http + "api/status").text(),
                    HttpServerTest.get(http + "api/runtime").text())) {
                assertFalse(text.contains(SECRET), "the URL's password leaked: " + text);
            }
        } finally {
            if (receiverUp) {
                receiver.stop(0);
            }
        }
    }

    /** Failed uploads per the agent's status ({@code /api/status}, what {@code status} prints). */
    private static long failed(String http) {
        try {
            Matcher m = Pattern.compile("(\\d+) failed uploads").matcher(HttpServerTest.get(http + "api/status").text());
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The {@code jdk.ExecutionSample} period (ms) of the JDK's {@code default.jfc}: the rate the agent must report. */
    private static long defaultPeriodMillis(Path jdk) throws IOException {
        String jfc = Files.readString(jdk.resolve("lib/jfr/default.jfc"));
        Matcher m = Pattern.compile("(?s)<event name=\"jdk.ExecutionSample\">.*?<setting name=\"period\"[^>]*>(\\d+) ms</setting>").matcher(jfc);
        assertTrue(m.find(), "jdk.ExecutionSample period in default.jfc");
        return Long.parseLong(m.group(1));
    }

    /** The body of the multipart part named {@code jfr} (checking its headers); it must be the only part. */
    private static byte[] jfrPart(byte[] body, String boundary) {
        String text = new String(body, StandardCharsets.ISO_8859_1); // one char per byte
        String delimiter = "--" + boundary;
        assertTrue(text.startsWith(delimiter + "\r\n") && text.endsWith("\r\n" + delimiter + "--\r\n"), "multipart framing");
        String inner = text.substring(delimiter.length() + 2, text.length() - delimiter.length() - 6);
        assertFalse(inner.contains("\r\n" + delimiter), "one part only (no labels part)");
        int headersEnd = inner.indexOf("\r\n\r\n");
        String headers = inner.substring(0, headersEnd);
        assertTrue(headers.contains("Content-Disposition: form-data; name=\"jfr\"; filename=\"jfr\""), headers);
        return inner.substring(headersEnd + 4).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Env.sleep(200);
        }
    }
}
