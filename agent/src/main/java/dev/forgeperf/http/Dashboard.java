package dev.forgeperf.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code /}: the live dashboard, one self-contained page ({@code dashboard.html} beside this class:
 * inline CSS, JavaScript and SVG, system fonts, nothing from the network) that polls
 * {@code api/metrics}, {@code api/history}, {@code api/timings} and {@code api/health} every 2 s
 * and draws heap, GC pauses, threads and CPU charts and the top timed methods. Read once, then
 * served from memory. Thread-safe.
 */
final class Dashboard {
    private static volatile byte[] page;

    private Dashboard() {
    }

    static Reply page() {
        byte[] p = page;
        if (p == null) {
            try (InputStream in = Dashboard.class.getResourceAsStream("dashboard.html")) {
                if (in == null) {
                    throw new IllegalStateException("dashboard.html is missing from forge-perf.jar");
                }
                p = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            page = p;
        }
        return new Reply(200, Reply.HTML, p);
    }
}
