package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP server stays up for everyone when some clients misbehave: clients that send their
 * request a byte a second hold no thread others need and are cut after 10 s; a client that hangs
 * up on {@code /debug/pprof/profile} stops its recording and frees its slot.
 */
class HttpRobustnessTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    /** A client that sends a request head one byte a second, forever, and notes when the server closes. */
    static final class Dripper implements AutoCloseable {
        final Socket socket;
        final AtomicInteger sent = new AtomicInteger();
        volatile boolean closedByServer;
        volatile int answered = -1;
        private final Thread writer;
        private final Thread reader;

        Dripper(URI u) throws Exception {
            this(java.net.InetAddress.getByName(u.getHost()), u.getPort());
        }

        Dripper(java.net.InetAddress host, int port) throws Exception {
            socket = new Socket(host, port);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] head = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] pad = "X-Pad: a\r\n".getBytes(StandardCharsets.US_ASCII);
            writer = new Thread(() -> {
                try {
                    for (int i = 0; !closedByServer; i++) {
                        out.write(i < head.length ? head[i] : pad[(i - head.length) % pad.length]);
                        out.flush();
                        sent.incrementAndGet();
                        Thread.sleep(1000);
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            reader = new Thread(() -> {
                try {
                    answered = in.read();
                } catch (Exception e) {
                    // reset: closed as well
                }
                closedByServer = true;
            });
            writer.setDaemon(true);
            reader.setDaemon(true);
            writer.start();
            reader.start();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    static void poll(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Env.sleep(100);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> httpStatus(String url) throws Exception {
        HttpServerTest.Response r = HttpServerTest.get(url + "api/status");
        assertEquals(200, r.status(), r::toString);
        return (Map<String, Object>) HttpServerTest.json(r).get("http");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void clientsSendingAByteASecondDoNotFreezeHealthAndMetrics(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.hello(jdk, "http=0,jfr=off", 600_000);
            String url = HttpServerTest.awaitUrl(env, String.valueOf(app.pid()));
            assertEquals(200, HttpServerTest.get(url + "metrics").status()); // the client is warm
            List<Dripper> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    slow.add(new Dripper(URI.create(url)));
                }
                poll("every slow client sent 2 bytes", () -> slow.stream().allMatch(d -> d.sent.get() >= 2));

                // others are served while all 8 are being read: the server counts them with the request it answers
                Map<String, Object> http = httpStatus(url);
                boolean allStillOpen = slow.stream().noneMatch(d -> d.closedByServer);
                HttpServerTest.Response health = HttpServerTest.get(url + "health");
                HttpServerTest.Response metrics = HttpServerTest.get(url + "metrics");
                assertTrue(health.status() == 200 || health.status() == 503, health::toString);
                assertEquals(200, metrics.status(), metrics::toString);
                assertTrue(metrics.text().contains("jvm_memory_used_bytes"), metrics::toString);
                assertTrue(allStillOpen, "a slow client was cut before the others were answered");
                assertTrue(((Number) http.get("requestsActive")).intValue() >= 9, http::toString);

                // each slow client is cut, unanswered, 10 s after its first byte
                poll("the server closed every slow client", () -> slow.stream().allMatch(d -> d.closedByServer));
                for (Dripper d : slow) {
                    assertEquals(-1, d.answered, "a slow client got an answer");
                }
                assertEquals(200, HttpServerTest.get(url + "metrics").status());
            } finally {
                for (Dripper d : slow) {
                    d.close();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aProfileWhoseClientHungUpStopsAndFreesItsSlot(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.hello(jdk, "http=0,jfr=off", 600_000);
            String url = HttpServerTest.awaitUrl(env, String.valueOf(app.pid()));
            URI u = URI.create(url);
            List<Socket> abandoned = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket s = new Socket(u.getHost(), u.getPort());
                    s.getOutputStream().write("GET /debug/pprof/profile?seconds=300 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    abandoned.add(s);
                }
                poll("two profiles running", () -> running(url) == 2);
                HttpServerTest.Response full = HttpServerTest.get(url + "debug/pprof/profile?seconds=1");
                assertEquals(429, full.status(), full::toString);

                for (Socket s : abandoned) {
                    s.close();
                }
                poll("both abandoned profiles stopped", () -> running(url) == 0);
                HttpServerTest.Response next = HttpServerTest.get(url + "debug/pprof/profile?seconds=1");
                assertEquals(200, next.status(), next::toString);
                assertEquals("application/octet-stream", next.header("Content-Type"), next::toString);
                assertTrue(next.body().length > 2 && (next.body()[0] & 0xff) == 0x1f && (next.body()[1] & 0xff) == 0x8b, "gzip");
                // the agent's JFR recordings: only what the JVM had before (none with jfr=off)
                Cli.Result recordings = env.cli.run("dump", "threads", String.valueOf(app.pid()));
                assertEquals(0, recordings.exit(), recordings::toString);
                assertTrue(!recordings.out().contains("RecordingEndpoints.record"), "a profile still records:\n" + recordings.out());
            } finally {
                for (Socket s : abandoned) {
                    s.close();
                }
            }
        }
    }

    /** An IPv4 address of this machine other than loopback, or null. */
    static java.net.InetAddress nonLoopbackAddress() throws Exception {
        for (java.net.NetworkInterface n : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (n.isUp() && !n.isLoopback()) {
                for (java.net.InetAddress a : java.util.Collections.list(n.getInetAddresses())) {
                    if (a instanceof java.net.Inet4Address) {
                        return a;
                    }
                }
            }
        }
        return null;
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void oneRemoteClientGetsAtMostEightRequestsAtOnceAndLoopbackIsStillServed(Path jdk) throws Exception {
        java.net.InetAddress remote = nonLoopbackAddress();
        org.junit.jupiter.api.Assumptions.assumeTrue(remote != null, "needs a non-loopback IPv4 address");
        try (Env env = new Env()) {
            Proc app = env.hello(jdk, "http=0.0.0.0:0,http.allowRemote=true,jfr=off", 600_000);
            String url = HttpServerTest.awaitUrl(env, String.valueOf(app.pid()));
            int port = URI.create(url).getPort();
            assertEquals(200, HttpServerTest.get(url + "metrics").status());
            List<Dripper> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 11; i++) {
                    slow.add(new Dripper(remote, port));
                }
                // three are closed at once; eight are being read (and are cut only 10 s after their first byte)
                poll("three connections over the limit closed", () -> slow.stream().filter(d -> d.closedByServer).count() >= 3);
                long open = slow.stream().filter(d -> !d.closedByServer).count();
                Map<String, Object> http = httpStatus(url);
                HttpServerTest.Response health = HttpServerTest.get(url + "health");
                assertTrue(health.status() == 200 || health.status() == 503, health::toString);
                assertEquals(8, open, "connections of one remote client being read at once");
                assertEquals(3, ((Number) http.get("refusedOverClientLimit")).intValue(), http::toString);
                for (Dripper d : slow) {
                    if (d.closedByServer) {
                        assertEquals(-1, d.answered, "a refused client got an answer");
                    }
                }
            } finally {
                for (Dripper d : slow) {
                    d.close();
                }
            }
        }
    }

    static int running(String url) {
        try {
            return ((Number) httpStatus(url).get("profilesRunning")).intValue();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
