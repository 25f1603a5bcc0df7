package dev.forgeperf.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.jfr.ContinuousRecording;
import dev.forgeperf.jfr.FocusedProfile;
import dev.forgeperf.jfr.LiveSamples;
import dev.forgeperf.profile.JfrReader;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.LiveObjects;
import dev.forgeperf.profile.OutputFormat;
import dev.forgeperf.profile.PprofWriter;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileException;
import dev.forgeperf.profile.ProfileOptions;
import dev.forgeperf.profile.ProfileOutput;
import dev.forgeperf.profile.TopTable;
import dev.forgeperf.runtime.HeapGuard;
import dev.forgeperf.runtime.ThreadDump;
import dev.forgeperf.runtime.VirtualThreads;
import dev.forgeperf.snapshot.SnapshotParts;
import dev.forgeperf.util.AgentInfo;
import dev.forgeperf.util.Units;

/**
 * The {@code /debug/pprof/} endpoints, answering as Go's {@code net/http/pprof} does (gzipped
 * pprof protobuf, {@code application/octet-stream}, {@code Content-Disposition: attachment;
 * filename="<name>"}), so that {@code go tool pprof} and Grafana Alloy's {@code pyroscope.scrape}
 * read them as they read a Go program's.
 *
 * <ul>
 *   <li>{@code profile?seconds=N}: CPU, a focused recording of N seconds (default 30), read by
 *       {@link JfrReader}, written by {@link PprofWriter}.</li>
 *   <li>{@code allocs}, {@code heap} (allocation samples), {@code block} (thread parking),
 *       {@code mutex} (contended monitor entries), {@code threadcreate} (thread starts): cumulative
 *       since the agent started ({@link CumulativeProfiles}); {@code ?seconds=N} the difference
 *       over N seconds ({@code DurationNanos} set, file name {@code <name>-delta}).</li>
 *   <li>{@code goroutine}: every thread's stack now, one sample per platform thread and, on JDK
 *       21+, one sample per distinct virtual-thread stack valued by its thread count
 *       ({@link VirtualThreads}); {@code ?debug=1} groups the stacks as text, {@code ?debug=2} is
 *       the full thread dump.</li>
 *   <li>{@code trace?seconds=N}: a JFR recording of N seconds; {@code cmdline}: the command line.</li>
 * </ul>
 * {@code ?debug=1} on the profiles answers the top table as text. At most
 * {@link ProfileSlots#MAX_RUNNING} profiles that take time (CPU, trace, deltas) are made at once
 * (more get 429), each at most {@link ProfileSlots#MAX_SECONDS} seconds; one whose client hangs up
 * stops within a quarter second and frees its slot ({@link ProfileSlots}). Thread-safe.
 */
final class PprofEndpoints {
    static final int CPU_SECONDS = 30;
    static final int FOCUSED_SECONDS = 10;
    private static final Duration RECENT = SnapshotParts.PROFILE_WINDOW;
    private static final int TOP_ROWS = 25;

    private final Supplier<ContinuousRecording> recording;
    private final ProfileSlots slots;
    private final CumulativeProfiles cumulative;

    /** @param recording the agent's continuous recording now (null when off) */
    PprofEndpoints(Supplier<ContinuousRecording> recording, ProfileSlots slots) {
        this.recording = recording;
        this.slots = slots;
        this.cumulative = new CumulativeProfiles(recording);
    }

    /** Stops reading the recording's chunks (server shutdown). */
    void close() {
        cumulative.close();
    }

    /** What the cumulative profiles hold, for {@code /api/status}. */
    String cumulativeState() {
        return cumulative.describe();
    }

    /**
     * {@code allocs}, {@code heap}, {@code block}, {@code mutex} as Go answers them: cumulative since
     * the agent's HTTP server started ({@link CumulativeProfiles}; one request in a burst finishes the
     * recording's chunk in progress, the others within 1 s share it); with {@code ?seconds=N} the difference of two
     * reads N seconds apart ({@code DurationNanos} set, file name {@code <name>-delta});
     * {@code ?debug=1} the top table as text.
     */
    Reply cumulative(Request r, CumulativeProfiles.Source source, String name) throws HttpFailure, IOException {
        long asked = System.nanoTime();
        Integer seconds = r.intParam("seconds", null, 1, ProfileSlots.MAX_SECONDS);
        boolean text = r.intParam("debug", 0, 0, 1) == 1;
        boolean heap = name.equals("heap");
        boolean gc = heap && r.intParam("gc", 0, 0, 1) == 1;
        if (seconds != null && text) {
            throw HttpFailure.badRequest("?seconds and ?debug cannot be combined (as in Go): ask for the profile or the text");
        }
        if (r.method.equals("HEAD")) {
            return headOnly(text, seconds == null ? name : name + "-delta");
        }
        if (!cumulative.live()) {
            ContinuousRecording c = recording.get();
            throw new HttpFailure(503, "the " + name + " profile is built from the continuous recording, which is "
                    + (c == null ? "off" : c.describe()) + "; start the agent with jfr=default (or jfr=profile)").header("Retry-After", "60");
        }
        try {
            HeapGuard.require("a " + name + " profile", HeapGuard.analysisNeed(0),
                    "retry when the heap is less full");
        } catch (HeapGuard.Refused e) {
            throw new HttpFailure(503, e.getMessage()).header("Retry-After", "60");
        }
        Profile profile;
        String what;
        if (seconds == null) {
            cumulative.catchUpRecent(asked); // requests arriving together share one finished chunk
            long now = epochNanosNow();
            profile = cumulative.since(source, null);
            profile.setTime(now, 0);
            what = "cumulative since the agent's HTTP server started at " + Instant.ofEpochSecond(0, cumulative.sinceEpochNanos());
        } else {
            slots.acquire();
            try {
                cumulative.catchUp();
                long start = epochNanosNow();
                long[] before = cumulative.mark(source);
                ProfileSlots.waitFor(seconds * 1000L, r);
                cumulative.catchUp();
                long end = epochNanosNow();
                profile = cumulative.since(source, before);
                profile.setTime(start, end - start);
                what = "the difference over " + Units.span(seconds * 1000L);
            } finally {
                slots.release();
            }
        }
        if (heap) {
            profile = withLiveObjects(profile, gc);
        }
        String title = name + " profile of pid " + ProcessHandle.current().pid() + ", " + what;
        profile.addComment(title + ", from the continuous recording's " + source.event
                + " events, by forge-perf");
        if (text) {
            StringWriter out = new StringWriter();
            PrintWriter w = new PrintWriter(out);
            TopTable.of(profile).print(w, title, TOP_ROWS);
            w.flush();
            return Reply.text(200, out.toString());
        }
        return ProfileSlots.closing(pprof(profile, seconds == null ? name : name + "-delta"), seconds != null);
    }

    /**
     * The heap profile: the allocation types and, from JFR's live-object samples now
     * ({@link LiveSamples}, after a full GC with {@code gc}), {@code inuse_objects}/{@code inuse_space}
     * (a sample, not scaled: the comments say so). When JFR cannot sample, the inuse types are empty
     * and a comment says why.
     */
    private static Profile withLiveObjects(Profile alloc, boolean gc) throws HttpFailure, IOException {
        Profile live;
        try {
            live = LiveSamples.now(gc, false, ProfileOptions.DEFAULT, "retry when the heap is less full").profile();
        } catch (HeapGuard.Refused e) {
            throw new HttpFailure(503, e.getMessage()).header("Retry-After", "60");
        } catch (IllegalStateException | SecurityException e) {
            live = Profile.of(Kind.LIVE);
            live.addComment("no live-object samples: " + e.getMessage());
        }
        if (gc) {
            live.addComment("a full GC ran first (?gc=1)");
        }
        return LiveObjects.heap(alloc, live);
    }

    private static long epochNanosNow() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * A profile of {@code kind}.
     *
     * @param defaultSeconds the recording time without {@code ?seconds}, or null to use the
     *     continuous recording's last minutes when it runs
     */
    Reply profile(Request r, Kind kind, String name, Integer defaultSeconds) throws HttpFailure, IOException {
        Integer seconds = r.intParam("seconds", null, 1, ProfileSlots.MAX_SECONDS);
        boolean text = r.intParam("debug", 0, 0, 1) == 1;
        boolean heap = name.equals("heap");
        boolean gc = heap && r.intParam("gc", 0, 0, 1) == 1;
        if (r.method.equals("HEAD")) {
            return headOnly(text, name);
        }
        heapCheck(kind);
        slots.acquire();
        try {
            ContinuousRecording continuous = recording.get();
            boolean checked = false;
            ProfileOptions options;
            String source;
            FocusedProfile recorded;
            if (seconds == null && defaultSeconds == null && continuous != null && continuous.running()) {
                recorded = FocusedProfile.recent(continuous, RECENT, "http-" + kind.id());
                options = ProfileOptions.DEFAULT.withWindow(Instant.now().minus(RECENT).toString(), null);
                source = "the continuous recording's last " + RECENT.toMinutes() + " minutes";
            } else {
                int s = seconds != null ? seconds : defaultSeconds != null ? defaultSeconds : FOCUSED_SECONDS;
                recorded = record(kind, s, r);
                checked = true;
                // calibrated as `profile cpu` is: each thread's samples scaled to its measured CPU time
                options = ProfileOptions.DEFAULT.withInterval(ProfileSlots.INTERVAL_MILLIS * 1_000_000L).withCalibration(recorded.calibration());
                source = "a focused recording of " + Units.span(s * 1000L);
            }
            try (recorded) {
                analysisHeapCheck(recorded, kind);
                Profile profile = recorded.read(kind, options);
                String title = kind.id() + " profile of pid " + ProcessHandle.current().pid() + " from " + source;
                profile.addComment(title + ", by forge-perf");
                if (text) {
                    StringWriter out = new StringWriter();
                    PrintWriter w = new PrintWriter(out);
                    TopTable.leading(profile).print(w, title, TOP_ROWS);
                    w.flush();
                    return ProfileSlots.closing(Reply.text(200, out.toString()), checked);
                }
                int time = profile.typeIndex(kind == Kind.CPU ? "cpu" : "");
                if (time >= 0) {
                    profile.setPrimary(time); // Go's CPU profile: samples/count, cpu/nanoseconds, and pprof shows cpu by default
                }
                return ProfileSlots.closing(pprof(profile, name), checked);
            }
        } finally {
            slots.release();
        }
    }

    /**
     * A {@link FocusedProfile} of {@code seconds}, checking every quarter second
     * ({@link ProfileSlots#waitFor}) that the client is still there; when it has gone, the
     * recording is discarded (499, the caller frees the slot and answers nothing); the agent
     * shutting down is 503. The caller closes the profile returned.
     */
    private static FocusedProfile record(Kind kind, int seconds, Request r) throws HttpFailure, IOException {
        FocusedProfile recorded;
        try {
            recorded = FocusedProfile.start(kind, ProfileSlots.INTERVAL_MILLIS, "http-" + kind.id());
        } catch (IllegalStateException | SecurityException e) {
            throw new HttpFailure(503, "cannot record a " + kind.id() + " profile in this JVM: " + e.getMessage());
        }
        try {
            recorded.record(seconds * 1_000_000_000L, nanos -> {
                ProfileSlots.waitFor(nanos / 1_000_000L, r);
                return true;
            });
            return recorded;
        } catch (InterruptedException e) { // waitFor answers an interrupt itself; kept for the contract
            Thread.currentThread().interrupt();
            recorded.close();
            throw new HttpFailure(503, "the agent is shutting down");
        } catch (HttpFailure | IOException | RuntimeException | Error e) {
            recorded.close();
            throw e;
        }
    }

    /**
     * {@code trace?seconds=N}: the JVM's execution trace, as Go's {@code trace} is Go's: a JFR
     * recording ({@code profile} settings) of N seconds (default 1, fractions allowed, at most
     * {@value ProfileSlots#MAX_SECONDS}), served as the {@code .jfr} file that {@code jfr} and JMC read.
     */
    Reply trace(Request r) throws HttpFailure, IOException {
        String v = r.param("seconds");
        double seconds = 1;
        if (v != null) {
            try {
                seconds = Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                seconds = Double.NaN;
            }
            if (!(seconds > 0 && seconds <= ProfileSlots.MAX_SECONDS)) {
                throw HttpFailure.badRequest("?seconds=" + v + " is not valid: expected a number of seconds above 0 and at most " + ProfileSlots.MAX_SECONDS);
            }
        }
        if (r.method.equals("HEAD")) {
            return headOnly(false, "trace");
        }
        slots.acquire();
        try {
            Path jfr = Files.createTempFile("forge-perf-http-trace-", ".jfr");
            try {
                jdk.jfr.Recording recording;
                try {
                    recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
                } catch (java.text.ParseException | RuntimeException e) {
                    throw new HttpFailure(503, "cannot record a trace in this JVM: " + e.getMessage());
                }
                try (recording) {
                    recording.setName("forge-perf-trace");
                    recording.setToDisk(true);
                    recording.start();
                    ProfileSlots.waitFor((long) (seconds * 1000), r);
                    recording.stop();
                    recording.dump(jfr);
                }
                try {
                    HeapGuard.require("serving a trace", Files.size(jfr) * 2, "ask for fewer seconds, or use `forge-perf dump jfr`");
                } catch (HeapGuard.Refused e) {
                    throw new HttpFailure(503, e.getMessage()).header("Retry-After", "60");
                }
                return ProfileSlots.closing(new Reply(200, Reply.BINARY, Files.readAllBytes(jfr)).header("Content-Disposition", "attachment; filename=\"trace\""),
                        true);
            } finally {
                Files.deleteIfExists(jfr);
            }
        } finally {
            slots.release();
        }
    }

    /**
     * {@code cmdline}: the JVM's command line, arguments separated by NUL, as Go's is, with the
     * agent's secrets hidden ({@link dev.forgeperf.config.AgentOptions#withoutSecrets}): the
     * {@code http.token} given in {@code -javaagent:} would otherwise be readable by anyone who may
     * read profiles.
     */
    Reply cmdline() throws IOException {
        java.util.List<String> args = new java.util.ArrayList<>();
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            String all = new String(raw, java.nio.charset.StandardCharsets.UTF_8);
            if (all.endsWith("\0")) {
                all = all.substring(0, all.length() - 1);
            }
            args.addAll(java.util.List.of(all.split("\0", -1)));
        } catch (IOException e) { // not Linux: what the JVM knows
            ProcessHandle.Info info = ProcessHandle.current().info();
            info.command().ifPresent(args::add);
            info.arguments().ifPresent(a -> args.addAll(java.util.List.of(a)));
        }
        args.replaceAll(AgentOptions::withoutSecrets);
        return new Reply(200, Reply.TEXT, String.join("\0", args).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * {@code /api/profile?kind=cpu|wall|alloc|lock|park&seconds=N&format=pprof|html|collapsed|txt}:
     * a focused recording of N seconds (default {@value #FOCUSED_SECONDS}, at most
     * {@value ProfileSlots#MAX_SECONDS}) analyzed as the {@code profile} command does (CPU samples scaled to the
     * threads' CPU time, waits still going on at the end counted), written in the format asked
     * (default pprof). Shares the {@link ProfileSlots#MAX_RUNNING} slots and the heap check with {@code /debug/pprof/}.
     */
    Reply apiProfile(Request r) throws HttpFailure, IOException {
        String kindName = r.param("kind");
        if (kindName == null || kindName.isBlank()) {
            throw HttpFailure.badRequest("?kind= is missing: expected " + Kind.names());
        }
        Kind kind;
        try {
            kind = Kind.of(kindName);
        } catch (IllegalArgumentException e) {
            throw HttpFailure.badRequest("?kind=" + kindName + " is not valid: expected " + Kind.names());
        }
        int seconds = r.intParam("seconds", FOCUSED_SECONDS, 1, ProfileSlots.MAX_SECONDS);
        String formatName = r.param("format") == null ? "pprof" : r.param("format");
        OutputFormat format;
        switch (formatName.toLowerCase(java.util.Locale.ROOT)) {
            case "pprof": format = OutputFormat.PPROF; break;
            case "html": format = OutputFormat.HTML; break;
            case "collapsed": format = OutputFormat.COLLAPSED; break;
            case "txt": case "text": format = OutputFormat.TEXT; break;
            default: throw HttpFailure.badRequest("?format=" + formatName + " is not valid: expected pprof, html, collapsed or txt");
        }
        if (r.method.equals("HEAD")) { // the answer's headers only: no recording, no slot, no JFR work
            return headOf(format, kind);
        }
        heapCheck(kind);
        slots.acquire();
        try (FocusedProfile recorded = record(kind, seconds, r)) {
            ProfileOptions options = recorded.measured(ProfileOptions.DEFAULT);
            analysisHeapCheck(recorded, kind);
            Profile profile = recorded.read(kind, options);
            String main = AgentInfo.mainClass();
            String title = kind.id() + " profile of pid " + ProcessHandle.current().pid() + (main == null || main.isEmpty() ? "" : " (" + main + ")")
                    + ", " + seconds + "s";
            profile.addComment(title + ", by forge-perf");
            ByteArrayOutputStream b = new ByteArrayOutputStream(64 * 1024);
            ProfileOutput.write(profile, b, format, title);
            Reply reply;
            switch (format) {
                case PPROF:
                    reply = new Reply(200, Reply.BINARY, b.toByteArray())
                            .header("Content-Disposition", "attachment; filename=\"" + kind.id() + ".pb.gz\"");
                    break;
                case HTML:
                    reply = new Reply(200, Reply.HTML, b.toByteArray()).header("Content-Security-Policy", FLAME_GRAPH_CSP);
                    break;
                default:
                    reply = new Reply(200, Reply.TEXT, b.toByteArray());
            }
            return ProfileSlots.closing(reply, true);
        } catch (ProfileException e) {
            throw new HttpFailure(500, "the " + kind.id() + " recording could not be read: " + e.getMessage());
        } finally {
            slots.release();
        }
    }

    /** What {@code GET /api/profile} would answer, without its body: the headers a {@code HEAD} gets. */
    private static Reply headOf(OutputFormat format, Kind kind) {
        switch (format) {
            case PPROF:
                return new Reply(200, Reply.BINARY, new byte[0]).header("Content-Disposition", "attachment; filename=\"" + kind.id() + ".pb.gz\"");
            case HTML:
                return new Reply(200, Reply.HTML, new byte[0]).header("Content-Security-Policy", FLAME_GRAPH_CSP);
            default:
                return new Reply(200, Reply.TEXT, new byte[0]);
        }
    }

    /** A flame graph is one page with its own script and styles, and nothing from elsewhere. */
    private static final String FLAME_GRAPH_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** {@link FocusedProfile#requireHeap} answered as 503 when refused. */
    private static void heapCheck(Kind kind) throws HttpFailure {
        try {
            FocusedProfile.requireHeap(kind, "retry when the heap is less full");
        } catch (HeapGuard.Refused e) {
            throw new HttpFailure(503, e.getMessage()).header("Retry-After", "60");
        }
    }

    /** {@link FocusedProfile#requireAnalysisHeap} answered as 503 when refused. */
    private static void analysisHeapCheck(FocusedProfile recorded, Kind kind) throws HttpFailure, IOException {
        try {
            recorded.requireAnalysisHeap(kind, "retry when the heap is less full");
        } catch (HeapGuard.Refused e) {
            throw new HttpFailure(503, e.getMessage()).header("Retry-After", "60");
        }
    }

    /** {@code goroutine}: the threads now, as pprof or ({@code debug=1}, {@code debug=2}) text. */
    Reply threads(Request r) throws HttpFailure, IOException {
        int debug = r.intParam("debug", 0, 0, 2);
        ThreadDump dump = ThreadDump.take();
        VirtualThreads.Attempt virtual = VirtualThreads.attempt();
        switch (debug) {
            case 1: return Reply.text(200, ThreadProfile.grouped(dump, virtual));
            case 2: return Reply.text(200, dump.render(virtual.dump(), virtual.whyNot()));
            default: return pprof(ThreadProfile.of(dump, virtual), "threads.pb.gz");
        }
    }

    /**
     * What a {@code GET} answers, without its body and without the work: a {@code HEAD} (a link
     * checker, a probe) records, collects and analyzes nothing.
     */
    private static Reply headOnly(boolean text, String name) {
        return text ? new Reply(200, Reply.TEXT, new byte[0])
                : new Reply(200, Reply.BINARY, new byte[0]).header("Content-Disposition", "attachment; filename=\"" + name + "\"");
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
        row(b, "profile?seconds=" + CPU_SECONDS, "CPU: where the threads run, sampled every " + ProfileSlots.INTERVAL_MILLIS + " ms for <code>seconds</code> (default "
                + CPU_SECONDS + ", at most " + ProfileSlots.MAX_SECONDS + ")");
        String cumulative = "; cumulative since the agent's HTTP server started (read from the continuous recording as its chunks complete: "
                + "events under its thresholds are not in it), <code>?seconds=N</code>: the difference over N seconds";
        row(b, "allocs", "allocations: where memory is allocated (sampled objects and bytes, <code>jdk.ObjectAllocationSample</code>)" + cumulative);
        row(b, "heap", "the same allocation samples as allocs (alloc_objects, alloc_space)" + cumulative
                + "; plus inuse_objects, inuse_space (shown by default): the live objects JFR sampled (<code>jdk.OldObjectSample</code>, at most 256, "
                + "their own sizes, not scaled), now; <code>?gc=1</code> runs a full GC first");
        row(b, "block", "thread parking: where threads wait in java.util.concurrent locks and queues (<code>jdk.ThreadPark</code>)" + cumulative);
        row(b, "mutex", "contended monitors: where threads wait to enter synchronized code (<code>jdk.JavaMonitorEnter</code>)" + cumulative);
        row(b, "goroutine", "threads: every thread's stack now, one sample per thread; on JDK 21+ virtual threads too, under [virtual threads], counted per stack (<code>?debug=1</code>: grouped by stack, with counts; "
                + "<code>?debug=2</code>: full thread dump with locks)");
        row(b, "threadcreate", "thread starts: where threads were started (<code>jdk.ThreadStart</code>, the starting thread's stack)"
                + cumulative);
        row(b, "trace?seconds=1", "execution trace: a JFR recording (<code>profile</code> settings) of <code>seconds</code> (default 1, at most "
                + ProfileSlots.MAX_SECONDS + "), for <code>jfr</code> and JDK Mission Control");
        row(b, "cmdline", "the JVM's command line, arguments separated by NUL");
        b.append("</table>\n<p>At most ").append(ProfileSlots.MAX_RUNNING).append(" profiles are recorded at once. <a href=\"../../\">Dashboard</a></p>\n</body>\n</html>\n");
        return Reply.html(b.toString());
    }

    private static void row(StringBuilder b, String link, String what) {
        b.append("<tr><td><a href=\"").append(link).append("\">").append(link).append("</a></td><td>").append(what).append("</td></tr>\n");
    }
}
