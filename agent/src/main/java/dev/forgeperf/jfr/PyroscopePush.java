package dev.forgeperf.jfr;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.profile.JfrReader;
import dev.forgeperf.util.AgentInfo;
import dev.forgeperf.util.DaemonThreads;
import dev.forgeperf.util.Log;
import dev.forgeperf.util.Units;

/**
 * Pushes the continuous recording's finished chunks to a Grafana Pyroscope server as its Java agent
 * does ({@code pyroscope=URL}, opt-in): every {@value #INTERVAL_SECONDS} s the chunk in progress is
 * finished ({@link ChunkFeed}) and each new chunk is sent as {@code POST URL/ingest?name=APP{k=v}
 * &from=S&until=S&format=jfr&spyName=javaspy&sampleRate=HZ&units=samples&aggregationType=sum}, a
 * {@code multipart/form-data} body with one part {@code jfr}: the chunk, gzipped (no {@code labels}
 * part: there are no per-sample labels to send).
 *
 * <p>Bounded, and never in the host's way: one upload at a time on its own daemon thread, streamed
 * from the chunk file (64 KB buffers, nothing of the chunk on the heap), with connect and read
 * timeouts; at most {@value #QUEUE} chunks wait, and a chunk that finds the queue full, whose upload
 * fails (server down, an answer other than 2xx) or whose file JFR removed before its turn is
 * dropped and counted, not retried or buffered. Credentials in the URL ({@code user:password@}) are
 * sent as HTTP basic authentication and never logged or shown (what is logged or shown passes
 * {@link dev.forgeperf.config.AgentOptions#withoutSecrets}, the agent's one rule). Thread-safe.
 */
public final class PyroscopePush {
    static final long INTERVAL_SECONDS = 10;
    static final int QUEUE = 3;
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    static final int READ_TIMEOUT_MILLIS = 30_000;
    private static final Pattern APP = Pattern.compile("[A-Za-z0-9_.\\-/:]+(\\{([A-Za-z_][A-Za-z0-9_.]*=[^,{}=]*)(,[A-Za-z_][A-Za-z0-9_.]*=[^,{}=]*)*\\})?");

    private static volatile PyroscopePush active;

    private record Chunk(Path path, long startEpochNanos, long endEpochNanos, long bytes) {
    }

    private final String ingest;
    private final String shown;
    private final String authorization;
    private final String app;
    private final Supplier<ContinuousRecording> recording;
    private final ChunkFeed feed;
    private final ArrayBlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE);
    private final ScheduledThreadPoolExecutor rotator;
    private final ThreadPoolExecutor uploader;
    private final AtomicLong uploaded = new AtomicLong();
    private final AtomicLong uploadedBytes = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong queueFull = new AtomicLong();
    private final AtomicLong gone = new AtomicLong();
    private volatile String lastError;

    private PyroscopePush(URI server, String app, Supplier<ContinuousRecording> recording) {
        String path = server.getRawPath() == null ? "" : server.getRawPath();
        String base = server.getScheme() + "://" + server.getRawAuthority().substring(server.getRawUserInfo() == null ? 0
                : server.getRawUserInfo().length() + 1) + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
        this.ingest = base + "/ingest";
        this.shown = base;
        this.authorization = server.getRawUserInfo() == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                java.net.URLDecoder.decode(server.getRawUserInfo(), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        this.app = app;
        this.recording = recording;
        this.feed = new ChunkFeed(recording, System.currentTimeMillis() * 1_000_000L, this::offer);
        this.rotator = new ScheduledThreadPoolExecutor(1, DaemonThreads.factory("forge-perf-pyroscope-chunks"));
        this.uploader = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(),
                DaemonThreads.factory("forge-perf-pyroscope-upload"));
    }

    /**
     * Starts pushing to {@code url} ({@code http://} or {@code https://}, the server's base address)
     * as {@code app} ({@code NAME} or {@code NAME{k=v,...}}; null: {@code defaultApp}). Starts two
     * daemon threads and returns at once (nothing here waits on the network).
     *
     * @throws IllegalArgumentException with a one-line reason when the URL or the name is not valid
     */
    public static PyroscopePush start(String url, String app, String defaultApp, Supplier<ContinuousRecording> recording) {
        URI server;
        try {
            server = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("pyroscope: not a URL (expected http://HOST:PORT of the Pyroscope server)");
        }
        String scheme = server.getScheme() == null ? "" : server.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || server.getHost() == null || server.getRawQuery() != null
                || server.getRawFragment() != null) {
            throw new IllegalArgumentException("pyroscope: not a server address (expected http://HOST:PORT or https://HOST[:PORT][/PATH], no query)");
        }
        String name = app == null || app.isBlank() ? defaultApp : app.trim();
        if (!APP.matcher(name).matches()) {
            throw new IllegalArgumentException("pyroscope.app=" + name + " is not valid: expected NAME or NAME{key=value,...}");
        }
        PyroscopePush p = new PyroscopePush(server, name, recording);
        p.rotator.scheduleWithFixedDelay(p::collect, INTERVAL_SECONDS, INTERVAL_SECONDS, TimeUnit.SECONDS);
        p.uploader.execute(p::uploadLoop);
        active = p;
        return p;
    }

    /** The push running in this JVM, or null. */
    public static PyroscopePush active() {
        return active;
    }

    /** The server's address without credentials, as it may be shown. */
    public String server() {
        return shown;
    }

    private void collect() {
        try {
            feed.catchUp(true);
        } catch (Throwable t) {
            Log.failureOnce("pyroscope collect", "pyroscope push: reading the recording's chunks failed (retried every " + INTERVAL_SECONDS + " s)", t);
        }
    }

    /** Called by the feed for each finished chunk: queued, or dropped when {@value #QUEUE} wait already. */
    private void offer(Path chunk, long endEpochNanos) {
        long[] header = ChunkFeed.header(chunk);
        if (header == null) {
            gone.incrementAndGet();
            return;
        }
        if (!queue.offer(new Chunk(chunk, header[0], endEpochNanos, header[2]))) {
            queueFull.incrementAndGet();
        }
    }

    private void uploadLoop() {
        while (true) {
            Chunk c;
            try {
                c = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                upload(c);
                uploaded.incrementAndGet();
                uploadedBytes.addAndGet(c.bytes());
            } catch (NoSuchFileException e) {
                gone.incrementAndGet();
            } catch (Throwable t) {
                failed.incrementAndGet();
                String message = t instanceof IOException ? t.getMessage() : t.toString();
                String why = message == null ? "no detail" : AgentOptions.withoutSecrets(message);
                lastError = why;
                Log.once("pyroscope upload", "pyroscope push to " + shown + " failed (" + why + "); chunks are dropped and counted (see status) until it works");
            }
        }
    }

    private static final String BOUNDARY = "forge-perf-7b3f0c1e9d2a4b56";

    private void upload(Chunk c) throws IOException {
        ContinuousRecording r = recording.get();
        long period = r == null ? 0 : JfrReader.parsePeriod(r.setting("jdk.ExecutionSample#period"));
        StringBuilder q = new StringBuilder(ingest).append("?name=").append(URLEncoder.encode(app, StandardCharsets.UTF_8))
                .append("&from=").append(c.startEpochNanos() / 1_000_000_000L)
                .append("&until=").append((c.endEpochNanos() + 999_999_999L) / 1_000_000_000L)
                .append("&format=jfr&spyName=javaspy");
        if (period > 0) {
            q.append("&sampleRate=").append(Math.max(1, Math.round(1e9 / period)));
        }
        q.append("&units=samples&aggregationType=sum");
        HttpURLConnection conn = (HttpURLConnection) URI.create(q.toString()).toURL().openConnection();
        try {
            conn.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
            conn.setReadTimeout(READ_TIMEOUT_MILLIS);
            conn.setInstanceFollowRedirects(false);
            conn.setUseCaches(false);
            conn.setDoOutput(true);
            conn.setRequestMethod("POST");
            conn.setChunkedStreamingMode(64 * 1024);
            conn.setRequestProperty("Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
            conn.setRequestProperty("User-Agent", "forge-perf/" + AgentInfo.VERSION);
            if (authorization != null) {
                conn.setRequestProperty("Authorization", authorization);
            }
            try (InputStream in = Files.newInputStream(c.path(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                try (OutputStream out = conn.getOutputStream()) {
                    out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"jfr\"; filename=\"jfr\"\r\n"
                            + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    GZIPOutputStream gz = new GZIPOutputStream(new FilterOutputStream(out) {
                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            out.write(b, off, len);
                        }

                        @Override
                        public void close() {
                            // the multipart body goes on
                        }
                    }, 64 * 1024);
                    byte[] buf = new byte[64 * 1024];
                    long left = c.bytes(); // the chunk's own size: a file JFR still appends to is not read past it
                    for (int n; left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0; left -= n) {
                        gz.write(buf, 0, n);
                    }
                    gz.finish();
                    out.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
                }
            }
            int status = conn.getResponseCode();
            InputStream answer = status >= 400 ? conn.getErrorStream() : conn.getInputStream();
            if (answer != null) {
                try (answer) {
                    answer.readNBytes(4096); // let the connection be reused
                }
            }
            if (status < 200 || status > 299) {
                throw new IOException("the server answered HTTP " + status);
            }
        } finally {
            conn.disconnect();
        }
    }

    /** Chunks uploaded. */
    public long uploaded() {
        return uploaded.get();
    }

    /** Chunks dropped: the queue was full, the upload failed, or JFR removed the file first. */
    public long dropped() {
        return failed.get() + queueFull.get() + gone.get();
    }

    /** Uploads that failed (server down, timeout, an answer other than 2xx). */
    public long failed() {
        return failed.get();
    }

    /** Chunks dropped because {@value #QUEUE} were waiting already. */
    public long queueFull() {
        return queueFull.get();
    }

    /** Chunks JFR removed (max age, max size) before their upload. */
    public long gone() {
        return gone.get();
    }

    /** A one-line state for {@code status}: where, as what, and the counts. */
    public String describe() {
        StringBuilder b = new StringBuilder("pushing to ").append(shown).append(" as ").append(app).append(": ")
                .append(uploaded.get()).append(" chunks (").append(Units.bytes(uploadedBytes.get())).append(") uploaded, ")
                .append(dropped()).append(" dropped (").append(failed.get()).append(" failed uploads, ").append(queueFull.get())
                .append(" queue full, ").append(gone.get()).append(" removed by JFR first)");
        String e = lastError;
        if (e != null) {
            b.append("; last error: ").append(e);
        }
        return b.toString();
    }

    /** Stops collecting and uploading (agent shutdown, detach); an upload in flight is abandoned. */
    public void close() {
        rotator.shutdownNow();
        uploader.shutdownNow();
        if (active == this) {
            active = null;
        }
    }
}
