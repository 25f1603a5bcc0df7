package dev.forgeperf.http;

/**
 * Who may ask the HTTP server what: the security checks every request passes before its endpoint
 * runs. On a loopback address the {@code Host} header must name a loopback host (no DNS
 * rebinding); every POST and every mutating route needs {@code Authorization: Bearer TOKEN}
 * ({@link HttpToken}); {@code http.profiles} ({@link ProfileAccess}) opens or closes the profile,
 * thread-dump and heap-dump endpoints. Each refusal is an {@link HttpFailure} with its status
 * (401, 403) and one line saying how to get in. Immutable.
 */
final class HttpPolicy {
    /** What {@code http.profiles} lets out: nothing, profiles and thread dumps, or heap dumps too. */
    enum ProfileAccess { off, read, all }

    private final boolean loopback;
    private final HttpToken token;
    private final String tokenProblem;
    private final ProfileAccess profiles;

    HttpPolicy(boolean loopback, HttpToken token, String tokenProblem, ProfileAccess profiles) {
        this.loopback = loopback;
        this.token = token;
        this.tokenProblem = tokenProblem;
        this.profiles = profiles;
    }

    /**
     * {@code http.profiles}: {@code off} refuses every profile, thread-dump and heap-dump endpoint
     * ({@code /debug/pprof/*}, {@code /api/profile}, {@code /api/threads}, {@code /api/threads/cpu},
     * {@code /api/histogram}, {@code /api/heap-dump});
     * {@code read} refuses heap dumps only; {@code all} refuses none.
     */
    void checkProfiles(String path) throws HttpFailure {
        boolean heap = path.equals("/api/heap-dump");
        boolean profile = path.equals("/debug/pprof") || path.startsWith("/debug/pprof/") || path.equals("/api/profile") || path.equals("/api/threads")
                || path.equals("/api/threads/cpu") || path.equals("/api/histogram");
        if (heap && profiles != ProfileAccess.all) {
            throw new HttpFailure(403, "heap dumps over HTTP are off (http.profiles=" + profiles + "); start the agent with http.profiles=all to allow them"
                    + " (they also need the token), or use `forge-perf dump heap PID -o FILE.hprof`");
        }
        if (profile && profiles == ProfileAccess.off) {
            throw new HttpFailure(403, path + " is off (http.profiles=off); start the agent with http.profiles=read to allow profiles and thread dumps");
        }
    }

    /** On a loopback address, the Host header must name a loopback host: no DNS-rebinding page gets in ({@code url}: the server's, for the message). */
    void checkHost(String host, String url) throws HttpFailure {
        if (!loopback || host == null) {
            return;
        }
        String name = host.startsWith("[") ? host.substring(1, Math.max(1, host.indexOf(']'))) : host.split(":", 2)[0];
        if (name.equalsIgnoreCase("localhost") || name.matches("127(\\.\\d{1,3}){3}") || name.equals("::1") || name.equals("0:0:0:0:0:0:0:1")) {
            return;
        }
        throw new HttpFailure(403, "Host '" + host + "' is not a loopback name; this server answers requests for " + url + " only");
    }

    /** A mutating request must carry {@code Authorization: Bearer TOKEN}: 403 without a token, 401 with a wrong or missing one. */
    void authorize(String authorization) throws HttpFailure {
        if (token == null) {
            throw new HttpFailure(403, "mutating endpoints are off: " + tokenProblem + "; start the agent with http.token=...");
        }
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        if (!token.matches(presented)) {
            String where = token.file() != null ? "the token in " + token.file() : "the agent's http.token";
            throw new HttpFailure(401, (presented == null ? "" : "wrong token; ") + "send 'Authorization: Bearer TOKEN' with " + where)
                    .header("WWW-Authenticate", "Bearer realm=\"forge-perf\"");
        }
    }
}
