package dev.forgeperf.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** One request as the endpoints see it: method, path, query parameters and headers. Immutable. */
final class Request {
    final String method;
    final String path;
    private final Map<String, String> query;
    private final Map<String, List<String>> headers;
    private final java.util.function.BooleanSupplier clientGone;

    private Request(String method, String path, Map<String, String> query, Map<String, List<String>> headers,
            java.util.function.BooleanSupplier clientGone) {
        this.method = method;
        this.path = path;
        this.query = query;
        this.headers = headers;
        this.clientGone = clientGone;
    }

    /** This request, able to tell when its client has gone ({@link #clientGone()}). */
    Request whileClientThere(java.util.function.BooleanSupplier gone) {
        return new Request(method, path, query, headers, gone);
    }

    /**
     * True once the client has closed its connection: work done for it can stop. Only the thread
     * answering the request may ask.
     */
    boolean clientGone() {
        return clientGone.getAsBoolean();
    }

    /**
     * @param rawQuery the query as sent (percent-encoded), or null
     * @param headers header names in any case
     * @throws HttpFailure 400 for a query that is not well-formed
     */
    static Request of(String method, String path, String rawQuery, Map<String, List<String>> headers) throws HttpFailure {
        Map<String, String> q = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                try {
                    String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    q.put(name, value);
                } catch (IllegalArgumentException e) {
                    throw HttpFailure.badRequest("malformed query parameter '" + pair + "': " + e.getMessage());
                }
            }
        }
        Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((k, v) -> {
                if (k != null) {
                    h.put(k, v);
                }
            });
        }
        return new Request(method, path, Collections.unmodifiableMap(q), Collections.unmodifiableMap(h), () -> false);
    }

    /** A query parameter, or null. */
    String param(String name) {
        return query.get(name);
    }

    /**
     * An integer query parameter in {@code [min, max]}, or {@code fallback} when absent.
     *
     * @throws HttpFailure 400 naming the parameter and the range
     */
    Integer intParam(String name, Integer fallback, int min, int max) throws HttpFailure {
        String v = query.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw HttpFailure.badRequest("?" + name + "=" + v + " is not valid: expected a whole number from " + min + " to " + max);
    }

    /**
     * A yes/no query parameter ({@code true}/{@code false}, {@code 1}/{@code 0}, or present without a value), or false.
     *
     * @throws HttpFailure 400 for another value
     */
    boolean flag(String name) throws HttpFailure {
        String v = query.get(name);
        if (v == null || v.equals("0") || v.equalsIgnoreCase("false")) {
            return false;
        }
        if (v.isEmpty() || v.equals("1") || v.equalsIgnoreCase("true")) {
            return true;
        }
        throw HttpFailure.badRequest("?" + name + "=" + v + " is not valid: expected true or false");
    }

    /** The first value of a header, or null. */
    String header(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /**
     * Whether the client asked for JSON: {@code ?format=json}, or an {@code Accept} header naming
     * {@code application/json} (and no {@code ?format=text}).
     *
     * @throws HttpFailure 400 for a format other than json or text
     */
    boolean wantsJson() throws HttpFailure {
        String f = query.get("format");
        if (f != null) {
            switch (f.toLowerCase(Locale.ROOT)) {
                case "json": return true;
                case "text": case "txt": return false;
                default: throw HttpFailure.badRequest("?format=" + f + " is not valid: expected json or text");
            }
        }
        String accept = header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("application/json");
    }
}
