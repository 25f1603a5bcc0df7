package dev.forgeperf.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.profile.JfrReader;
import dev.forgeperf.profile.PprofWriter;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.runtime.ThreadDump;
import dev.forgeperf.runtime.VirtualThreads;

/**
 * The {@code /debug/pprof/} endpoints, answering as Go's {@code net/http/pprof} does (gzipped
 * pprof protobuf, {@code application/octet-stream}, {@code Content-Disposition: attachment;
 * filename="<name>"}), so that {@code go tool pprof} and Grafana Alloy's {@code pyroscope.scrape}
 * read them as they read a Go program's.
 *
 * <ul>
 *   <li>{@code profile?seconds=N}: CPU, a focused recording of N seconds (default 30), read by
 *       {@link JfrReader}, written by {@link PprofWriter} ({@link RecordingEndpoints}).</li>
 *   <li>{@code allocs}, {@code heap} (allocation samples), {@code block} (thread parking),
 *       {@code mutex} (contended monitor entries), {@code threadcreate} (thread starts): cumulative
 *       since the agent started ({@link CumulativeProfiles}); {@code ?seconds=N} the difference
 *       over N seconds ({@code DurationNanos} set, file name {@code <name>-delta})
 *       ({@link CumulativeEndpoints}).</li>
 *   <li>{@code goroutine}: every thread's stack now, one sample per platform thread and, on JDK
 *       21+, one sample per distinct virtual-thread stack valued by its thread count
 *       ({@link VirtualThreads}); {@code ?debug=1} groups the stacks as text, {@code ?debug=2} is
 *       the full thread dump.</li>
 *   <li>{@code trace?seconds=N}: a JFR recording of N seconds ({@link RecordingEndpoints});
 *       {@code cmdline}: the command line.</li>
 * </ul>
 * {@code ?debug=1} on the profiles answers the top table as text. At most
 * {@link ProfileSlots#MAX_RUNNING} profiles that take time (CPU, trace, deltas) are made at once
 * (more get 429), each at most {@link ProfileSlots#MAX_SECONDS} seconds; one whose client hangs up
 * stops within a quarter second and frees its slot ({@link ProfileSlots}).
 *
 * <p>This class answers the index, {@code goroutine} and {@code cmdline}, and holds the answer
 * shapes the family shares ({@link #pprof}, {@link #headOnly}). Stateless; thread-safe.
 */
final class PprofEndpoints {
    /** Rows of a profile's top table ({@code ?debug=1}). */
    static final int TOP_ROWS = 25;

    /** {@code /debug/pprof/}: the profiles, linked, with what each holds. */
    Reply index() {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>forge-perf: /debug/pprof/</title>\n<style>\n")
                .append("body{font:14px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,'DejaVu Sans',sans-serif;margin:24px 32px;color:#1f2937}\n")
                .append("table{border-collapse:collapse}td{padding:4px 14px 4px 0;vertical-align:top}code{font-size:13px}a{color:#2563eb}\n")
                .append("</style>\n</head>\n<body>\n<h1>/debug/pprof/</h1>\n")
                .append("<p>Profiles of pid ").append(ProcessHandle.current().pid())
                .append(" in pprof's format, e.g. <code>go tool pprof -http=: URL</code>. Add <code>?debug=1</code> for a text summary.</p>\n<table>\n");
        row(b, "profile?seconds=" + RecordingEndpoints.CPU_SECONDS, "CPU: where the threads run, sampled every " + ProfileSlots.INTERVAL_MILLIS
                + " ms for <code>seconds</code> (default " + RecordingEndpoints.CPU_SECONDS + ", at most " + ProfileSlots.MAX_SECONDS + ")");
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
     * {@code cmdline}: the JVM's command line, arguments separated by NUL, as Go's is, with the
     * agent's secrets hidden ({@link AgentOptions#withoutSecrets}): the
     * {@code http.token} given in {@code -javaagent:} would otherwise be readable by anyone who may
     * read profiles.
     */
    Reply cmdline() {
        java.util.List<String> args = dev.forgeperf.util.SelfProcess.commandLine();
        args.replaceAll(AgentOptions::withoutSecrets);
        return new Reply(200, Reply.TEXT, String.join("\0", args).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * What a {@code GET} answers, without its body and without the work: a {@code HEAD} (a link
     * checker, a probe) records, collects and analyzes nothing.
     */
    static Reply headOnly(boolean text, String name) {
        return text ? new Reply(200, Reply.TEXT, new byte[0])
                : new Reply(200, Reply.BINARY, new byte[0]).header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    }

    /** {@code profile} as Go's pprof answer: gzipped protobuf, an attachment named {@code name}. */
    static Reply pprof(Profile profile, String name) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64 * 1024);
        PprofWriter.write(profile, b);
        return new Reply(200, Reply.BINARY, b.toByteArray()).header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    }
}
