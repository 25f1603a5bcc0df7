package dev.forgeperf.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import dev.forgeperf.jfr.ContinuousRecording;
import dev.forgeperf.jfr.FocusedRecording;
import dev.forgeperf.profile.JfrReader;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.PprofWriter;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileOptions;
import dev.forgeperf.profile.TopTable;
import dev.forgeperf.runtime.ThreadDump;
import dev.forgeperf.snapshot.SnapshotParts;
import dev.forgeperf.runtime.HeapGuard;

/**
 * The {@code /debug/pprof/} endpoints, answering as Go's {@code net/http/pprof} does (gzipped
 * pprof protobuf, {@code application/octet-stream}), built by the same path as the
 * {@code profile} command: a {@link FocusedRecording} of one kind, read by {@link JfrReader},
 * written by {@link PprofWriter}.
 *
 * <ul>
 *   <li>{@code profile?seconds=N}: CPU, a focused recording of N seconds (default 30).</li>
 *   <li>{@code allocs}, {@code heap} (allocation samples), {@code block} (thread parking),
 *       {@code mutex} (contended monitor entries): with {@code ?seconds=N} a focused recording of
 *       N seconds; without it the continuous recording's last 5 minutes when it runs (its stock
 *       thresholds: parks and monitor waits under 20 ms are not in it), else a focused recording
 *       of 10 seconds.</li>
 *   <li>{@code goroutine}: every thread's stack now, one sample per thread; {@code ?debug=1}
 *       groups the stacks as text, {@code ?debug=2} is the full thread dump.</li>
 * </ul>
 * {@code ?debug=1} on the others answers the top table as text. At most {@link #MAX_RUNNING}
 * profiles are made at once (more get 429), each at most {@link #MAX_SECONDS} seconds; a profile
 * whose client hangs up stops within a quarter second and frees its slot.
 * Thread-safe.
 */
final class PprofEndpoints {
    static final int MAX_RUNNING = 2;
    static final int MAX_SECONDS = 300;
    static final int CPU_SECONDS = 30;
    static final int FOCUSED_SECONDS = 10;
    private static final long INTERVAL_MILLIS = 10;
    private static final Duration RECENT = SnapshotParts.PROFILE_WINDOW;
    private static final int TOP_ROWS = 25;
    private static final long CLIENT_CHECK_MILLIS = 250;

    private final Supplier<ContinuousRecording> recording;
    private final Semaphore permits = new Semaphore(MAX_RUNNING);

    /** @param recording the agent's continuous recording now (null when off) */
    PprofEndpoints(Supplier<ContinuousRecording> recording) {
        this.recording = recording;
    }

    /** Profiles being made now. */
    int running() {
        return MAX_RUNNING - permits.availablePermits();
    }

    /**
     * A profile of {@code kind}.
     *
     * @param defaultSeconds the recording time without {@code ?seconds}, or null to use the
     *     continuous recording's last minutes when it runs
     */
    Reply profile(Request r, Kind kind, String name, Integer defaultSeconds) throws HttpFailure, IOException {
        Integer seconds = r.intParam("seconds", null, 1, MAX_SECONDS);
        boolean text = r.intParam("debug", 0, 0, 1) == 1;
        try {
            HeapGuard.require("a " + kind.id() + " profile", HeapGuard.analysisNeed(0),
                    "retry when the heap is less full");
        } catch (HeapGuard.Refused e) {
            throw new HttpFailure(503, e.getMessage()).header("Retry-After", "60");
        }
        if (!permits.tryAcquire()) {
            throw new HttpFailure(429, MAX_RUNNING + " profiles are being recorded already; try again when one of them ends")
                    .header("Retry-After", "5");
        }
        try {
            Path jfr = Files.createTempFile("forge-perf-http-" + kind.id() + "-", ".jfr");
            try {
                ContinuousRecording continuous = recording.get();
                boolean checked = false;
                ProfileOptions options;
                String source;
                if (seconds == null && defaultSeconds == null && continuous != null && continuous.running()) {
                    continuous.dump(jfr, RECENT);
                    options = ProfileOptions.DEFAULT.withWindow(Instant.now().minus(RECENT).toString(), null);
                    source = "the continuous recording's last " + RECENT.toMinutes() + " minutes";
                } else {
                    int s = seconds != null ? seconds : defaultSeconds != null ? defaultSeconds : FOCUSED_SECONDS;
                    record(kind, s, jfr, r);
                    checked = true;
                    options = ProfileOptions.DEFAULT.withInterval(INTERVAL_MILLIS * 1_000_000L);
                    source = "a focused recording of " + s + " s";
                }
                try {
                    HeapGuard.require("analyzing the " + kind.id() + " profile's recording",
                            HeapGuard.analysisNeed(Files.size(jfr)), "retry when the heap is less full");
                } catch (HeapGuard.Refused e) {
                    throw new HttpFailure(503, e.getMessage()).header("Retry-After", "60");
                }
                Profile profile = JfrReader.read(jfr, kind, options);
                String title = kind.id() + " profile of pid " + ProcessHandle.current().pid() + " from " + source;
                profile.addComment(title + ", by forge-perf");
                if (text) {
                    StringWriter out = new StringWriter();
                    PrintWriter w = new PrintWriter(out);
                    TopTable.of(profile).print(w, title, TOP_ROWS);
                    w.flush();
                    return closing(Reply.text(200, out.toString()), checked);
                }
                return closing(pprof(profile, name), checked);
            } finally {
                Files.deleteIfExists(jfr);
            }
        } finally {
            permits.release();
        }
    }

    /** An answer after the client was checked for: a request pipelined behind it may have been read, so the connection ends. */
    private static Reply closing(Reply reply, boolean checked) {
        return checked ? reply.header("Connection", "close") : reply;
    }

    /**
     * Records {@code seconds} into {@code jfr}, checking every {@value #CLIENT_CHECK_MILLIS} ms
     * that the client is still there; when it has gone, the recording is discarded, the slot freed
     * and nothing is answered.
     */
    private static void record(Kind kind, int seconds, Path jfr, Request r) throws HttpFailure, IOException {
        FocusedRecording recording;
        try {
            recording = new FocusedRecording(kind, INTERVAL_MILLIS);
        } catch (IllegalStateException | SecurityException e) {
            throw new HttpFailure(503, "cannot record a " + kind.id() + " profile in this JVM: " + e.getMessage());
        }
        try (recording) {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            for (long left; (left = end - System.nanoTime()) > 0; ) {
                Thread.sleep(Math.max(1, Math.min(CLIENT_CHECK_MILLIS, left / 1_000_000)));
                if (r.clientGone()) {
                    throw new HttpFailure(499, "the client closed the connection; the profile was discarded");
                }
            }
            recording.stopAndDump(jfr);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpFailure(503, "the agent is shutting down");
        }
    }

    /** {@code goroutine}: the threads now, as pprof or ({@code debug=1}, {@code debug=2}) text. */
    Reply threads(Request r) throws HttpFailure, IOException {
        int debug = r.intParam("debug", 0, 0, 2);
        ThreadDump dump = ThreadDump.take();
        switch (debug) {
            case 1: return Reply.text(200, ThreadProfile.grouped(dump));
            case 2: return Reply.text(200, dump.render());
            default: return pprof(ThreadProfile.of(dump), "threads.pb.gz");
        }
    }

    private static Reply pprof(Profile profile, String name) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64 * 1024);
        PprofWriter.write(profile, b);
        return new Reply(200, Reply.BINARY, b.toByteArray()).header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    }

    /** {@code /debug/pprof/}: the profiles, linked, with what each holds. */
    Reply index() {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>forge-perf: /debug/pprof/</title>\n<style>\n")
                .append("body{font:14px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,'DejaVu Sans',sans-serif;margin:24px 32px;color:#1f2937}\n")
                .append("table{border-collapse:collapse}td{padding:4px 14px 4px 0;vertical-align:top}code{font-size:13px}a{color:#2563eb}\n")
                .append("</style>\n</head>\n<body>\n<h1>/debug/pprof/</h1>\n")
                .append("<p>Profiles of pid ").append(ProcessHandle.current().pid())
                .append(" in pprof's format, e.g. <code>go tool pprof -http=: URL</code>. Add <code>?debug=1</code> for a text summary.</p>\n<table>\n");
        row(b, "profile?seconds=" + CPU_SECONDS, "CPU: where the threads run, sampled every " + INTERVAL_MILLIS + " ms for <code>seconds</code> (default "
                + CPU_SECONDS + ", at most " + MAX_SECONDS + ")");
        String recent = "; without <code>seconds</code>: the continuous recording's last " + RECENT.toMinutes() + " minutes (else "
                + FOCUSED_SECONDS + " s)";
        row(b, "allocs", "allocations: where memory is allocated (sampled objects and bytes)" + recent);
        row(b, "heap", "the same allocation samples as allocs (the JVM has no cheap sampler of live objects; use a heap dump for those)" + recent);
        row(b, "block", "thread parking: where threads wait in java.util.concurrent locks and queues" + recent);
        row(b, "mutex", "contended monitors: where threads wait to enter synchronized code" + recent);
        row(b, "goroutine", "threads: every thread's stack now, one sample per thread (<code>?debug=1</code>: grouped by stack, "
                + "<code>?debug=2</code>: full thread dump with locks)");
        b.append("</table>\n<p>At most ").append(MAX_RUNNING).append(" profiles are recorded at once. <a href=\"../../\">Dashboard</a></p>\n</body>\n</html>\n");
        return Reply.html(b.toString());
    }

    private static void row(StringBuilder b, String link, String what) {
        b.append("<tr><td><a href=\"").append(link).append("\">").append(link).append("</a></td><td>").append(what).append("</td></tr>\n");
    }
}
