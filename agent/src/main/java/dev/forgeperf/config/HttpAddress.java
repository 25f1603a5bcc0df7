package dev.forgeperf.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where the HTTP server listens, as the {@code http} option gives it: {@code PORT} (loopback),
 * {@code HOST:PORT} or {@code [IPv6]:PORT}; port 0 picks a free port. Parsing checks the form
 * only (it runs in {@code premain}, where no name may be looked up); {@link #resolve()} looks the
 * host up.
 *
 * @param host the host as written (without brackets), {@code 127.0.0.1} for a bare port
 * @param port 0–65535
 */
public record HttpAddress(String host, int port) {
    /** The host a bare port means. */
    public static final String LOOPBACK = "127.0.0.1";

    private static final String EXPECTED = "expected PORT, HOST:PORT or [IPv6]:PORT, e.g. 6060 or 127.0.0.1:6060";

    /**
     * Parses the {@code http} option's value.
     *
     * @throws IllegalArgumentException saying what is expected
     */
    public static HttpAddress parse(String text) {
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException(EXPECTED);
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
            if (host.isEmpty() || !host.matches("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?") || !host.contains(":")) {
                throw new IllegalArgumentException("'" + host + "' is not an IPv6 address; " + EXPECTED);
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                host = LOOPBACK;
                port = s;
            } else {
                host = s.substring(0, colon);
                port = s.substring(colon + 1);
                if (host.isEmpty() || host.contains(":")) {
                    throw new IllegalArgumentException(EXPECTED + " (write IPv6 addresses in brackets)");
                }
                if (!host.matches("[A-Za-z0-9.-]+")) {
                    throw new IllegalArgumentException("'" + host + "' is not a host name or address; " + EXPECTED);
                }
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + port + "' is not a port; " + EXPECTED);
        }
        if (p < 0 || p > 65_535) {
            throw new IllegalArgumentException("port " + p + " is out of range 0-65535");
        }
        return new HttpAddress(host, p);
    }

    /**
     * Looks the host up.
     *
     * @throws UnknownHostException when it does not resolve
     */
    public InetAddress resolve() throws UnknownHostException {
        return InetAddress.getByName(host);
    }

    /** The address as users write it: {@code 127.0.0.1:6060}, {@code [::1]:6060}. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
