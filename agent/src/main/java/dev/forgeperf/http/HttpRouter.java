package dev.forgeperf.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;

import dev.forgeperf.util.Log;

/**
 * The HTTP server's router: paths to endpoints, and what happens to every request on the way. A
 * request whose head came too late is closed ({@link ExchangeGuard}); then the {@link HttpPolicy}
 * checks (host, {@code http.profiles}, token for mutating routes and every POST); an unknown path is
 * a 404 and a method the route does not take a 405 with {@code Allow}; the endpoint's
 * {@link Reply} is built whole, then sent with {@code no-store} and {@code nosniff} (HEAD: headers
 * only). An {@link HttpFailure} becomes its status and line, anything else a 500 with one line,
 * logged once per path and kind ({@link #answer}). Routes are added before the server starts.
 */
final class HttpRouter {
    /** One endpoint's answer to a request. */
    @FunctionalInterface
    interface Endpoint {
        Reply handle(Request r) throws Exception;
    }

    private record Route(Set<String> methods, boolean mutating, Endpoint endpoint) {
    }

    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final HttpPolicy policy;
    private final ExchangeGuard guard;
    /** The server's URL, for the messages of 403 and 404 (set once bound). */
    private volatile String url;

    HttpRouter(HttpPolicy policy, ExchangeGuard guard) {
        this.policy = policy;
        this.guard = guard;
    }

    /** A GET (and HEAD) route. */
    void get(String path, Endpoint endpoint) {
        routes.put(path, new Route(Set.of("GET", "HEAD"), false, endpoint));
    }

    /** A route taking {@code methods}; {@code mutating}: it needs the token even for GET. */
    void route(String path, Set<String> methods, boolean mutating, Endpoint endpoint) {
        routes.put(path, new Route(methods, mutating, endpoint));
    }

    /** The URL the server was bound at. */
    void bound(String url) {
        this.url = url;
    }

    /** The server's one handler: guard, route, answer, send, close. */
    void handle(HttpExchange ex) {
        if (!ExchangeGuard.handling()) {
            ex.close(); // its request took too long to arrive: the connection is closed already
            return;
        }
        String method = ex.getRequestMethod();
        URI uri = ex.getRequestURI();
        String path = uri.getPath() == null ? "" : uri.getPath();
        Reply reply = null;
        try {
            reply = answer(method, path, () -> dispatch(ex, method, path, uri.getRawQuery()));
            ExchangeGuard.sending();
            send(ex, reply, method.equals("HEAD"));
        } catch (IOException clientGone) {
            // the client went away: nobody to answer
        } catch (Throwable t) {
            Log.failureOnce("http send " + t.getClass().getName(), "HTTP " + method + " " + path + ": answer not sent", t);
        } finally {
            if (reply != null && reply.stream != null) {
                try {
                    reply.stream.close();
                } catch (IOException ignored) {
                    // its file is unlinked already: closing frees its space
                }
            }
            ex.close();
        }
    }

    /**
     * What to answer: what {@code work} returns, an {@link HttpFailure} as its status and line, or
     * anything else it throws as a 500 with one line, logged once per path and kind of failure.
     */
    static Reply answer(String method, String path, java.util.concurrent.Callable<Reply> work) {
        try {
            return work.call();
        } catch (HttpFailure f) {
            Reply reply = Reply.error(f.status, f.getMessage());
            f.headers.forEach(reply::header);
            if (path.startsWith("/debug/pprof")) {
                reply.header("X-Go-Pprof", "1"); // as Go's net/http/pprof marks its errors
            }
            return reply;
        } catch (Throwable t) {
            Log.failureOnce("http " + path + " " + t.getClass().getName(), "HTTP " + method + " " + path + " failed", t);
            return Reply.error(500, method + " " + path + " failed in the agent: " + oneLine(t));
        }
    }

    private Reply dispatch(HttpExchange ex, String method, String path, String rawQuery) throws Exception {
        policy.checkHost(ex.getRequestHeaders().getFirst("Host"), url);
        Route route = routes.get(path);
        if (route == null && path.startsWith("/debug/pprof/")) {
            throw new HttpFailure(404, "unknown profile: " + path.substring("/debug/pprof/".length()) + "; see " + url + "debug/pprof/");
        }
        if (route == null) {
            throw new HttpFailure(404, "no such endpoint: " + path + "; see " + url + " and " + url + "debug/pprof/");
        }
        if (!route.methods().contains(method)) {
            // in a fixed order, every method the route takes (GET implies HEAD)
            String allow = String.join(", ", java.util.stream.Stream.of("GET", "HEAD", "POST", "PUT", "DELETE")
                    .filter(m -> route.methods().contains(m) || (m.equals("HEAD") && route.methods().contains("GET"))).toList());
            throw new HttpFailure(405, method + " is not allowed on " + path + "; use " + allow).header("Allow", allow);
        }
        policy.checkProfiles(path);
        if (route.mutating() || method.equals("POST")) {
            policy.authorize(ex.getRequestHeaders().getFirst("Authorization"));
        }
        return route.endpoint().handle(Request.of(method, path, rawQuery, ex.getRequestHeaders()).whileClientThere(guard.clientGone(ex)));
    }

    private static void send(HttpExchange ex, Reply reply, boolean head) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", reply.contentType);
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        reply.headers.forEach(h::set);
        if (reply.stream != null) {
            ex.sendResponseHeaders(reply.status, head ? -1 : reply.streamBytes);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    java.nio.channels.WritableByteChannel to = java.nio.channels.Channels.newChannel(out);
                    for (long at = 0; at < reply.streamBytes; ) {
                        long n = reply.stream.transferTo(at, reply.streamBytes - at, to);
                        if (n <= 0) {
                            throw new IOException("the file to send ended early");
                        }
                        at += n;
                    }
                }
            }
            return;
        }
        boolean body = !head && reply.body.length > 0;
        ex.sendResponseHeaders(reply.status, body ? reply.body.length : -1);
        if (body) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(reply.body);
            }
        }
    }

    private static String oneLine(Throwable t) {
        String s = t.toString();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
