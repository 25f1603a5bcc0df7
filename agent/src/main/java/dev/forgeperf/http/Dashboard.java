package dev.forgeperf.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code /}: the live dashboard, one self-contained page ({@code dashboard.html} beside this class:
 * inline CSS, JavaScript and SVG, system fonts, nothing from the network) that polls
 * {@code api/metrics}, {@code api/history}, {@code api/timings} and {@code api/health} every 2 s
 * and draws heap, GC pauses, threads, CPU and allocation-rate charts, the top timed methods and
 * each one's calls/s and p50/p99 over time (pause/resume, last 60 points or the whole ring); and
 * acts through the API: profiles as flame graph or pprof ({@code api/profile}), force GC and heap
 * dumps (the token, typed into the page, kept in the tab and sent only as an
 * {@code Authorization} header), class histogram, threads by CPU and thread dump. The page holds
 * no secret: it is the same bytes for everyone. Read once, then served from memory. Thread-safe.
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
