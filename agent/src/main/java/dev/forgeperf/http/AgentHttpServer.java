package dev.forgeperf.http;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.sun.net.httpserver.HttpServer;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.util.Log;
import dev.forgeperf.util.SocketDir;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.config.HttpAddress;
import dev.forgeperf.util.Failures;

/**
 * The agent's opt-in HTTP server ({@code http=127.0.0.1:6060}) on the JDK's
 * {@code com.sun.net.httpserver}: the dashboard, {@code /metrics}, {@code /health},
 * {@code /api/...} and {@code /debug/pprof/...}.
 *
 * <p>Threads: the JDK's dispatcher thread (a daemon, as it is started from an agent thread) hands
 * requests to at most {@value ExchangeGuard#THREADS} daemon threads ({@code forge-perf-http}) with
 * {@value ExchangeGuard#QUEUE} more waiting; beyond that a connection is closed unanswered. A
 * request head must arrive within {@value ExchangeGuard#READ_TIMEOUT_MS} ms, else the connection
 * is closed ({@link ExchangeGuard}), so slow clients cannot hold the threads that answer
 * {@code /metrics} and {@code /health}. Every answer is built whole before it is sent. A failure in an endpoint becomes a 500 with one line and one
 * log line per kind of failure; nothing reaches the application.
 *
 * <p>Security: a non-loopback address needs {@code http.allowRemote=true}. On a loopback address
 * requests must name a loopback host ({@code Host} header), so a web page cannot reach the server
 * through DNS rebinding. Reading is open to whoever can connect; every POST ({@code POST /api/gc})
 * and {@code GET /api/heap-dump} need {@code Authorization: Bearer TOKEN} ({@link HttpToken}).
 * Profiles and thread dumps only observe, so they are open too unless {@code http.profiles=off},
 * bounded by {@link ProfileSlots#MAX_RUNNING} at once; heap dumps only with {@code http.profiles=all}.
 *
 * <p>While up, {@code <pid>.http} beside the control socket holds the URL; {@link #close()}
 * removes it and the token file.
 *
 * <p>This class is the lifecycle (options to a bound server, its threads, status, close) and the
 * table of endpoints; {@link HttpRouter} routes, answers and sends each request, {@link HttpPolicy}
 * holds the security checks above.
 */
public final class AgentHttpServer {
    private static final String CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** Why the server stays off, in one line for the log and {@code status}. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final HttpServer server;
    private final ExchangeGuard guard;
    private final boolean loopback;
    private final HttpToken token;
    private final String tokenProblem;
    private final ProfileSlots profileSlots;
    private final CumulativeEndpoints cumulative;
    private final HttpPolicy.ProfileAccess profiles;
    private final HttpRouter router;
    private final String url;
    private final Path addressFile;

    private AgentHttpServer(HttpServer server, ExchangeGuard guard, boolean loopback, HttpToken token, String tokenProblem,
            AgentContext agent, Path dir, long[] buckets, HttpPolicy.ProfileAccess profiles) throws IOException {
        this.profiles = profiles;
        this.server = server;
        this.guard = guard;
        this.loopback = loopback;
        this.token = token;
        this.tokenProblem = tokenProblem;
        this.router = new HttpRouter(new HttpPolicy(loopback, token, tokenProblem, profiles), guard);
        this.profileSlots = new ProfileSlots();
        this.cumulative = new CumulativeEndpoints(agent::recording, profileSlots);
        RecordingEndpoints recorded = new RecordingEndpoints(profileSlots);
        PprofEndpoints pprof = new PprofEndpoints();
        ApiEndpoints api = new ApiEndpoints(agent, buckets);
        get("/", r -> Dashboard.page().header("Content-Security-Policy", CSP));
        get("/metrics", api::prometheus);
        get("/health", api::health);
        get("/api/metrics", r -> api.metrics());
        get("/api/history", api::history);
        get("/api/timings", api::timings);
        get("/api/timings/history", api::timingHistory);
        get("/api/health", r -> api.healthJson());
        get("/api/status", r -> api.status());
        // GET reads the collectors' statistics; POST forces a collection (every POST needs the token)
        router.route("/api/gc", Set.of("GET", "HEAD", "POST"), false, r -> r.method.equals("POST") ? api.gc() : api.gcStats());
        get("/api/memory", r -> api.memory());
        get("/api/threads", r -> api.threads());
        get("/api/runtime", r -> api.runtime());
        get("/api/threads/cpu", api::threadCpu);
        get("/api/histogram", api::histogram);
        get("/api/profile", recorded::apiProfile);
        router.route("/api/heap-dump", Set.of("GET"), true, api::heapDump);
        get("/debug/pprof", r -> pprof.index());
        get("/debug/pprof/", r -> pprof.index());
        get("/debug/pprof/profile", r -> recorded.profile(r, Kind.CPU, "cpu.pb.gz", RecordingEndpoints.CPU_SECONDS));
        get("/debug/pprof/allocs", r -> cumulative.profile(r, CumulativeProfiles.Source.ALLOC, "allocs"));
        get("/debug/pprof/heap", r -> cumulative.profile(r, CumulativeProfiles.Source.ALLOC, "heap"));
        get("/debug/pprof/block", r -> cumulative.profile(r, CumulativeProfiles.Source.BLOCK, "block"));
        get("/debug/pprof/mutex", r -> cumulative.profile(r, CumulativeProfiles.Source.MUTEX, "mutex"));
        get("/debug/pprof/goroutine", pprof::threads);
        get("/debug/pprof/threadcreate", r -> cumulative.profile(r, CumulativeProfiles.Source.THREADCREATE, "threadcreate"));
        get("/debug/pprof/trace", recorded::trace);
        get("/debug/pprof/cmdline", r -> pprof.cmdline());
        server.createContext("/", router::handle);
        server.start();
        InetSocketAddress bound = server.getAddress();
        this.url = "http://" + urlHost(bound.getAddress()) + ":" + bound.getPort() + "/";
        router.bound(url);
        Path file = null;
        if (dir != null) {
            file = dir.resolve(agent.pid() + ".http");
            try {
                AtomicFiles.writeString(file, url + "\n");
            } catch (IOException e) {
                Log.failure("cannot write " + file + " (the HTTP server runs; its URL is in this log)", e);
                file = null;
            }
        }
        this.addressFile = file;
    }

    private void get(String path, HttpRouter.Endpoint endpoint) {
        router.get(path, endpoint);
    }

    /**
     * Starts the server the agent's options ask for ({@code http} must be set and valid).
     *
     * @throws Refused when the options do not allow it (a non-loopback address without
     *     {@code http.allowRemote=true}, a host that does not resolve)
     * @throws IOException when the address cannot be bound
     */
    static AgentHttpServer start(AgentContext agent, AgentOptions options) throws Refused, IOException {
        HttpAddress address = HttpAddress.parse(options.get("http", null));
        InetAddress ip;
        try {
            ip = address.resolve();
        } catch (UnknownHostException e) {
            throw new Refused("cannot resolve the host of http=" + address + ": " + e.getMessage());
        }
        boolean loopback = ip.isLoopbackAddress();
        if (!loopback && !options.get("http.allowRemote", "false").equalsIgnoreCase("true")) {
            throw new Refused("http=" + address + " is not a loopback address, and the server shows this JVM's data to anyone who can connect;"
                    + " add http.allowRemote=true to allow that, or use http=127.0.0.1:PORT");
        }
        Path dir = null;
        String dirProblem = null;
        try {
            dir = SocketDir.ensure();
        } catch (IOException | RuntimeException e) {
            dirProblem = "no socket directory for the token file (" + e.getMessage() + ")";
        }
        HttpToken token = null;
        String tokenProblem = null;
        String explicit = options.get("http.token", null);
        if (explicit != null) {
            token = HttpToken.of(explicit);
        } else if (dir != null) {
            try {
                token = HttpToken.generate(dir, agent.pid());
            } catch (IOException | RuntimeException e) {
                tokenProblem = "cannot write the token file (" + e.getMessage() + ")";
            }
        } else {
            tokenProblem = dirProblem;
        }
        if (tokenProblem != null) {
            Log.info("HTTP: " + tokenProblem + "; POST /api/gc is refused unless http.token=... is set");
        }
        long[] bounds = MetricsExposition.defaultBounds();
        List<String> given = options.all("metrics.buckets");
        if (!given.isEmpty()) {
            try {
                bounds = MetricsExposition.parseBuckets(String.join(";", given));
            } catch (IllegalArgumentException e) {
                Log.info("ignoring metrics.buckets=" + String.join(";", given) + " (" + e.getMessage() + "); using the default " + MetricsExposition.DEFAULT_BUCKETS);
            }
        }
        long[] buckets = bounds;
        HttpPolicy.ProfileAccess profiles = HttpPolicy.ProfileAccess.valueOf(options.get("http.profiles", HttpPolicy.ProfileAccess.read.name()));
        ExchangeGuard guard = new ExchangeGuard(agent.instrumentation());
        HttpServer[] server = new HttpServer[1];
        ThreadGroup group = new ThreadGroup("forge-perf-http");
        HttpToken theToken = token;
        String theTokenProblem = tokenProblem;
        Path theDir = dir;
        try {
            // created and started from a thread of our own group: the JDK server's threads join it,
            // so they can be told from any server the application starts meanwhile
            AgentHttpServer s = inGroup(group, () -> {
                server[0] = HttpServer.create(new InetSocketAddress(ip, address.port()), 50);
                server[0].setExecutor(guard.executor());
                return new AgentHttpServer(server[0], guard, loopback, theToken, theTokenProblem, agent, theDir, buckets, profiles);
            });
            nameServerThreads(group);
            Log.info("HTTP on " + s.url + (ip.isAnyLocalAddress() ? " (listening on all interfaces)" : ""));
            return s;
        } catch (IOException | RuntimeException | Error e) {
            if (server[0] != null) {
                server[0].stop(0);
            }
            guard.shutdown();
            if (token != null) {
                token.deleteFile();
            }
            if (e instanceof java.net.BindException) {
                throw new java.net.BindException("cannot listen on " + address + ": " + e.getMessage());
            }
            throw e;
        }
    }

    /** Runs {@code work} on a daemon thread of {@code group} and returns what it returns or throws what it throws. */
    private static AgentHttpServer inGroup(ThreadGroup group, java.util.concurrent.Callable<AgentHttpServer> work) throws IOException {
        AgentHttpServer[] result = new AgentHttpServer[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(group, () -> {
            try {
                result[0] = work.call();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "forge-perf-http-start");
        t.setDaemon(true);
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Failures.rethrow(failure[0]);
        return result[0];
    }

    /** The JDK server's own threads, by the names {@code sun.net.httpserver} gives them. */
    private static final Map<String, String> JDK_SERVER_THREADS = Map.of("HTTP-Dispatcher", "forge-perf-http-dispatcher",
            "idle-timeout-task", "forge-perf-http-idle-timeout", "server-timer", "forge-perf-http-timer", "server-timer1", "forge-perf-http-timer1");

    /**
     * Names the threads the JDK's server started for us ({@code HTTP-Dispatcher},
     * {@code idle-timeout-task}; older JDKs: {@code server-timer}) {@code forge-perf-http-…}, so that
     * thread dumps say whose they are and profiles leave them out with the agent's other threads.
     * Only threads of our own group are renamed: an application's server keeps its names.
     */
    private static void nameServerThreads(ThreadGroup group) {
        Thread[] all = new Thread[group.activeCount() + 8];
        int n = group.enumerate(all, true);
        for (int i = 0; i < n; i++) {
            String ours = JDK_SERVER_THREADS.get(all[i].getName());
            if (ours != null) {
                all[i].setName(ours);
            }
        }
    }

    /** The URL to reach the server at, e.g. {@code http://127.0.0.1:6060/}. */
    public String url() {
        return url;
    }

    /** One line for {@code status}. */
    public String describe() {
        String t = token == null ? "POST /api/gc refused: " + tokenProblem
                : token.file() != null ? "POST /api/gc needs the token in " + token.file() : "POST /api/gc needs the http.token";
        return url + " (" + t + "; http.profiles=" + profiles + ")";
    }

    /** The JSON form for {@code status --json}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", url);
        m.put("loopback", loopback);
        m.put("addressFile", addressFile == null ? null : addressFile.toString());
        m.put("tokenFile", token == null || token.file() == null ? null : token.file().toString());
        m.put("tokenSource", token == null ? null : token.file() == null ? "http.token" : "file");
        m.put("profiles", profiles.name());
        m.put("profilesRunning", profileSlots.running());
        m.put("profilesMax", ProfileSlots.MAX_RUNNING);
        m.put("cumulativeProfiles", cumulative.state());
        m.put("requestsActive", guard.active());
        m.put("refusedOverClientLimit", guard.refusedClients());
        return m;
    }

    /** Stops the server and removes its files (agent shutdown). Never throws. */
    public void close() {
        cumulative.close();
        try {
            server.stop(0);
        } catch (RuntimeException ignored) {
            // stopping anyway
        }
        guard.shutdown();
        if (token != null) {
            token.deleteFile();
        }
        if (addressFile != null) {
            try {
                Files.deleteIfExists(addressFile);
            } catch (IOException ignored) {
                // best effort at exit
            }
        }
    }

    private static String urlHost(InetAddress a) {
        if (a.isAnyLocalAddress()) {
            return HttpAddress.LOOPBACK;
        }
        String h = a.getHostAddress();
        return a instanceof Inet6Address ? "[" + h.replace("%", "%25") + "]" : h;
    }
}
