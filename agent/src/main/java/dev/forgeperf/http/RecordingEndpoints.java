package dev.forgeperf.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.forgeperf.jfr.FocusedProfile;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.OutputFormat;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileException;
import dev.forgeperf.profile.ProfileOptions;
import dev.forgeperf.profile.ProfileOutput;
import dev.forgeperf.profile.TopTable;
import dev.forgeperf.runtime.HeapGuard;
import dev.forgeperf.util.AgentInfo;
import dev.forgeperf.util.Units;

/**
 * The endpoints that record for the time asked: {@code /debug/pprof/profile?seconds=N} (CPU, a
 * focused recording, default {@value #CPU_SECONDS} s), {@code /debug/pprof/trace?seconds=N} (a JFR
 * recording served as it is) and {@code /api/profile} (any {@link Kind}, in the format asked).
 *
 * <p>Each takes one of the {@link ProfileSlots} for its whole time (429 when none is free), checks
 * the heap before recording and before analyzing (503 when refused), and stops within a quarter
 * second when its client hangs up, discarding the recording and freeing its slot. A {@code HEAD}
 * answers the headers only: no slot, no recording. Temporary recordings are deleted before the
 * answer leaves.
 *
 * <p>Thread-safe: nothing here changes after construction; the slots are shared.
 */
final class RecordingEndpoints {
    static final int CPU_SECONDS = 30;
    static final int FOCUSED_SECONDS = 10;
    private final ProfileSlots slots;

    RecordingEndpoints(ProfileSlots slots) {
        this.slots = slots;
    }

    /**
     * A profile of {@code kind}.
     *
     * @param defaultSeconds the recording time without {@code ?seconds}
     */
    Reply profile(Request r, Kind kind, String name, int defaultSeconds) throws HttpFailure, IOException {
        int s = r.intParam("seconds", defaultSeconds, 1, ProfileSlots.MAX_SECONDS);
        boolean text = r.intParam("debug", 0, 0, 1) == 1;
        if (r.method.equals("HEAD")) {
            return PprofEndpoints.headOnly(text, name);
        }
        heapCheck(kind);
        slots.acquire();
        try {
            FocusedProfile recorded = record(kind, s, r);
            // calibrated as `profile cpu` is: each thread's samples scaled to its measured CPU time
            ProfileOptions options = ProfileOptions.DEFAULT.withInterval(ProfileSlots.INTERVAL_MILLIS * 1_000_000L)
                    .withCalibration(recorded.calibration());
            String source = "a focused recording of " + Units.span(s * 1000L);
            try (recorded) {
                analysisHeapCheck(recorded, kind);
                Profile profile = recorded.read(kind, options);
                String title = kind.id() + " profile of pid " + ProcessHandle.current().pid() + " from " + source;
                profile.addComment(title + ", by forge-perf");
                if (text) {
                    StringWriter out = new StringWriter();
                    PrintWriter w = new PrintWriter(out);
                    TopTable.leading(profile).print(w, title, PprofEndpoints.TOP_ROWS);
                    w.flush();
                    return ProfileSlots.closing(Reply.text(200, out.toString()), true);
                }
                int time = profile.typeIndex(kind == Kind.CPU ? "cpu" : "");
                if (time >= 0) {
                    profile.setPrimary(time); // Go's CPU profile: samples/count, cpu/nanoseconds, and pprof shows cpu by default
                }
                return ProfileSlots.closing(PprofEndpoints.pprof(profile, name), true);
            }
        } finally {
            slots.release();
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
                throw HttpFailure.badRequest("?seconds=" + v + " is not valid: expected a number of seconds above 0 and at most "
                        + ProfileSlots.MAX_SECONDS);
            }
        }
        if (r.method.equals("HEAD")) {
            return PprofEndpoints.headOnly(false, "trace");
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
                    throw HttpFailure.heapRefused(e);
                }
                return ProfileSlots.closing(
                        new Reply(200, Reply.BINARY, Files.readAllBytes(jfr)).header("Content-Disposition", "attachment; filename=\"trace\""), true);
            } finally {
                Files.deleteIfExists(jfr);
            }
        } finally {
            slots.release();
        }
    }

    /**
     * {@code /api/profile?kind=cpu|wall|alloc|lock|park&seconds=N&format=pprof|html|collapsed|txt}:
     * a focused recording of N seconds (default {@value #FOCUSED_SECONDS}, at most
     * {@value ProfileSlots#MAX_SECONDS}) analyzed as the {@code profile} command does (CPU samples
     * scaled to the threads' CPU time, waits still going on at the end counted), written in the
     * format asked (default pprof). Shares the {@link ProfileSlots} and the heap check with
     * {@code /debug/pprof/}.
     */
    Reply apiProfile(Request r) throws HttpFailure, IOException {
        String kindName = r.param("kind");
        String kinds = "cpu, wall, alloc, lock or park"; // live objects need a GC and their own analysis: `profile live`
        if (kindName == null || kindName.isBlank()) {
            throw HttpFailure.badRequest("?kind= is missing: expected " + kinds);
        }
        Kind kind;
        try {
            kind = Kind.of(kindName);
        } catch (IllegalArgumentException e) {
            kind = null;
        }
        if (kind == null || kind == Kind.LIVE) {
            throw HttpFailure.badRequest("?kind=" + kindName + " is not valid: expected " + kinds);
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
            throw HttpFailure.heapRefused(e);
        }
    }

    /** {@link FocusedProfile#requireAnalysisHeap} answered as 503 when refused. */
    private static void analysisHeapCheck(FocusedProfile recorded, Kind kind) throws HttpFailure, IOException {
        try {
            recorded.requireAnalysisHeap(kind, "retry when the heap is less full");
        } catch (HeapGuard.Refused e) {
            throw HttpFailure.heapRefused(e);
        }
    }
}
