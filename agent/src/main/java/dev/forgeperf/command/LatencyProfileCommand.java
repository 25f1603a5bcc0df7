package dev.forgeperf.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.forgeperf.bootstrap.MethodStats;
import dev.forgeperf.bootstrap.TimingSnapshot;
import dev.forgeperf.context.AgentContext;
import dev.forgeperf.control.CommandException;
import dev.forgeperf.jfr.FocusedProfile;
import dev.forgeperf.profile.CallWindows;
import dev.forgeperf.profile.JfrReader;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.OutputFormat;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileDiff;
import dev.forgeperf.profile.ProfileException;
import dev.forgeperf.profile.ProfileOptions;
import dev.forgeperf.profile.ProfileOutput;
import dev.forgeperf.profile.SlowCalls;
import dev.forgeperf.profile.TopTable;
import dev.forgeperf.runtime.HeapGuard;
import dev.forgeperf.timing.MethodSpec;
import dev.forgeperf.timing.SlowCallsToJfr;
import dev.forgeperf.timing.TimingService;
import dev.forgeperf.util.AgentInfo;
import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.Durations;
import dev.forgeperf.util.Json;
import dev.forgeperf.util.Units;
import dev.forgeperf.util.Words;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code profile latency PID SPEC [--above 50ms|p99]}: what the slow calls of the timed methods SPEC
 * did. During one focused recording the calls of SPEC at or above the threshold become
 * {@code forge.MethodTiming} events ({@link SlowCallsToJfr.Watch}); afterwards each is joined with
 * the samples and waits of its thread inside its span ({@link CallWindows}): a wall profile of only
 * the slow calls' time. A percentile threshold is re-read from the method's live histogram about
 * once a second, and each call is judged by the value in force when it ended.
 */
@Command(name = "latency", description = {
        "Profile only the time inside the slow calls of timed methods: what the calls of SPEC at or above --above did.",
        "A wall profile of the calling thread inside each slow call: CPU and native samples every --interval, and its parks,",
        "monitor waits, Object.wait and sleeps from 0 ms (jdk.ExecutionSample, jdk.NativeMethodSample, jdk.ThreadPark,",
        "jdk.JavaMonitorEnter, jdk.JavaMonitorWait, jdk.ThreadSleep), joined with the slow calls' forge.MethodTiming events.",
        "--above is a duration (50ms) or a percentile of the method's live histogram (p99, p99.9), re-read every second;",
        "until the percentile is known every call is an event. Each event costs the calling thread about 2 us.",
        "A SPEC not timed yet is timed for the recording and removed afterwards.",
        "--compare: all calls of SPEC (samples with a frame of SPEC) beside the slow calls, as shares of each total."})
public final class LatencyProfileCommand extends AgentCommand {
    @Parameters(index = "1", paramLabel = "SPEC", description = "The timed method(s), as for `instrument` (e.g. 'com.acme.Api#handle').")
    String methodSpec;

    @Option(names = "--above", paramLabel = "THRESHOLD", description = "Slow means at least this long: a duration (50ms) or a percentile (p99) (default: ${DEFAULT-VALUE}).")
    String above = "p99";

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", description = "How long to record (default: ${DEFAULT-VALUE}).")
    String duration = "30s";

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Output file; its extension picks the format (.pb.gz, .html, .collapsed, .txt, .jfr). Without it: a top table here.")
    String output;

    @Option(names = "--force", description = "Replace FILE if it exists.")
    boolean force;

    @Option(names = "--format", paramLabel = "FORMAT", description = "pprof, html, collapsed, txt or jfr (default: from the extension).")
    String format;

    @Option(names = "--interval", paramLabel = "DURATION", description = "Sampling period (default: ${DEFAULT-VALUE}).")
    String interval = "10ms";

    @Option(names = {"-n", "--top"}, paramLabel = "N", description = "Rows of the top table (default: ${DEFAULT-VALUE}).")
    int top = 25;

    @Option(names = "--compare", description = "Compare the slow calls with all calls of SPEC: a table of both shares and their difference (or a differential flame graph with -o .html).")
    boolean compare;

    @Option(names = "--json", description = "Without -o: print JSON: the thresholds per method, slow calls found, samples joined, and the top table"
            + " (with --compare: the hotter and colder functions).")
    boolean json;

    /** Calls a percentile needs before it is taken as known: p99 needs 100 calls, p50 2. */
    static long callsNeeded(double q) {
        return (long) Math.ceil(100.0 / (100.0 - q));
    }

    private static final Pattern PERCENTILE = Pattern.compile("[pP](\\d{1,2}(?:\\.\\d{1,3})?)");

    @Override
    public int run(AgentContext agent, Session session) throws Exception {
        long durationNanos = ProfileCommand.positiveDuration(duration, "--duration");
        long intervalNanos = ProfileCommand.positiveDuration(interval, "--interval");
        double percentile = -1;
        long fixedNanos = -1;
        Matcher pm = PERCENTILE.matcher(above.trim());
        if (pm.matches()) {
            percentile = Double.parseDouble(pm.group(1));
            if (percentile <= 0 || percentile >= 100) {
                throw new CommandException("--above " + above + ": a percentile is between p0 and p100 (exclusive), e.g. p99", 2);
            }
        } else {
            try {
                fixedNanos = Durations.parseNanos(above);
            } catch (IllegalArgumentException e) {
                throw new CommandException("--above '" + above + "' is neither a duration (50ms) nor a percentile (p99)", 2);
            }
            if (fixedNanos <= 0) {
                throw new CommandException("--above " + above + ": must be positive", 2);
            }
        }
        MethodSpec spec;
        try {
            spec = MethodSpec.parse(methodSpec);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage(), 2);
        }
        Path out = output == null ? null : session.resolve(output);
        OutputFormat fmt = ProfileCommand.outputFormat(format, out, json, "the profile");
        if (compare && fmt != OutputFormat.TEXT && fmt != OutputFormat.HTML) {
            throw new CommandException("--compare writes a table (.txt or no -o) or a differential flame graph (.html), not " + fmt.id(), 2);
        }
        if (out != null) {
            try {
                ProfileOutput.checkTarget(out, force);
            } catch (IOException e) {
                throw new CommandException(e.getMessage());
            }
            String notWritable = AtomicFiles.notWritable(out.getParent());
            if (notWritable != null) {
                throw new CommandException("cannot write " + out + ": " + notWritable);
            }
        }
        if (SlowCallsToJfr.baseThresholdNanos() == Long.MAX_VALUE) {
            throw new CommandException("method timing is off in this JVM (see the agent's log); a latency profile needs it");
        }
        FocusedProfile.requireHeap(Kind.WALL, HeapGuard.ANALYZE_OUTSIDE);
        TimingService timing = agent.timingService();
        List<MethodStats> methods = timing.timedStats(spec);
        boolean installed = false;
        if (methods.isEmpty()) {
            try {
                timing.install(spec, new TimingService.Request());
            } catch (IllegalArgumentException e) {
                // instrument's advice names options this command has not: say what applies here
                String why = e.getMessage().replace(", or add --pending to time classes loaded later", "")
                        .replace("; narrow the spec, raise --limit, or add --force", "; narrow the spec or time it first with `forge-perf instrument --force`");
                throw new CommandException(why, 2);
            }
            installed = true;
            methods = timing.timedStats(spec);
        }
        try {
            if (methods.isEmpty()) {
                throw new CommandException("'" + spec + "' names no method that can be timed; check the spec with `forge-perf instrument`", 2);
            }
            if (installed && !json) {
                session.out.println("timing '" + spec + "' for this profile (" + Words.count(methods.size(), "method")
                        + "); it is removed afterwards");
            }
            return record(agent, session, spec, methods, installed, percentile, fixedNanos, durationNanos, intervalNanos, out, fmt);
        } finally {
            if (installed) {
                try {
                    timing.uninstall(spec.text());
                } catch (RuntimeException e) {
                    session.err.println("forge-perf: could not remove the timing of '" + spec + "': " + e.getMessage());
                }
            }
        }
    }

    /** The thresholds in force from a time on: per method, nanoseconds, or -1 while a percentile is not known yet. */
    private record Step(long epochNanos, long[] nanos) {
    }

    private int record(AgentContext agent, Session session, MethodSpec spec, List<MethodStats> methods, boolean installed, double percentile,
            long fixedNanos, long durationNanos, long intervalNanos, Path out, OutputFormat fmt) throws Exception {
        MethodStats[] watched = methods.toArray(new MethodStats[0]);
        List<Step> steps = new ArrayList<>();
        long started = System.nanoTime();
        Map<String, String> events = Map.of(SlowCalls.EVENT + "#enabled", "true", SlowCalls.EVENT + "#threshold", "0 ns");
        try (FocusedProfile recorded = FocusedProfile.start(List.of(Kind.WALL), Math.max(1, intervalNanos / 1_000_000), "latency", events);
                SlowCallsToJfr.Watch watch = SlowCallsToJfr.watch(watched)) {
            reread(watch, watched, percentile, fixedNanos, steps);
            boolean whole = recorded.record(durationNanos, nanos -> session.await(nanos, left -> {
                reread(watch, watched, percentile, fixedNanos, steps);
                if (session.tty && !json) {
                    session.out.printf(Locale.ROOT, "\r\033[Kprofiling slow calls of %s in pid %d: %ds left (Ctrl-C stops early)", spec, agent.pid(), left);
                    session.out.flush();
                }
            }));
            watch.close();
            if (session.tty && !json) {
                session.out.print("\r\033[K");
            }
            long tookNanos = System.nanoTime() - started;
            String took = Units.nanos(tookNanos);
            Map<String, Object> doc = null;
            if (json) {
                doc = new LinkedHashMap<>();
                doc.put("pid", agent.pid());
                doc.put("spec", spec.text());
                doc.put("timedForThisProfile", installed);
                doc.put("durationNanos", tookNanos);
                doc.put("stoppedEarly", !whole);
            } else if (!whole) {
                session.out.println("stopped early after " + took + "; writing what was collected");
            }
            recorded.requireAnalysisHeap(Kind.WALL, HeapGuard.ANALYZE_OUTSIDE);
            try {
                return analyze(agent, session, spec, watched, percentile, fixedNanos, steps, recorded.file(), took, intervalNanos, out, fmt, doc);
            } catch (ProfileException e) {
                throw new CommandException(e.getMessage());
            } catch (IOException e) {
                if (out == null) {
                    throw e;
                }
                throw new CommandException(AtomicFiles.failure(out, e).getMessage());
            }
        }
    }

    /** Sets the watch's thresholds from {@code --above} (a percentile read now) and notes them with the time. */
    private static void reread(SlowCallsToJfr.Watch watch, MethodStats[] methods, double percentile, long fixedNanos, List<Step> steps) {
        long[] nanos = new long[methods.length];
        long[] recording = new long[methods.length];
        for (int i = 0; i < methods.length; i++) {
            if (fixedNanos >= 0) {
                nanos[i] = fixedNanos;
            } else {
                TimingSnapshot s = methods[i].snapshot();
                nanos[i] = s.histogramCount() >= callsNeeded(percentile) ? s.percentile(percentile) : -1;
            }
            recording[i] = Math.max(0, nanos[i]); // not known yet: every call is an event, judged later
        }
        if (!steps.isEmpty() && java.util.Arrays.equals(steps.get(steps.size() - 1).nanos, nanos)) {
            return;
        }
        watch.set(recording);
        Instant now = Instant.now();
        steps.add(new Step(now.getEpochSecond() * 1_000_000_000L + now.getNano(), nanos));
    }

    /** The threshold of method {@code m} for a call that ended at {@code end}: the step in force then, else the first known after it; -1 if never known. */
    private static long thresholdAt(List<Step> steps, int m, long end) {
        long found = -1;
        for (Step s : steps) {
            if (s.epochNanos > end && found >= 0) {
                break;
            }
            if (s.nanos[m] >= 0) {
                found = s.nanos[m];
            }
        }
        return found;
    }

    private int analyze(AgentContext agent, Session session, MethodSpec spec, MethodStats[] methods, double percentile, long fixedNanos,
            List<Step> steps, Path jfr, String took, long intervalNanos, Path out, OutputFormat fmt, Map<String, Object> doc) throws IOException {
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < methods.length; i++) {
            index.putIfAbsent(methods[i].name(), i);
        }
        SlowCalls.Result read = SlowCalls.read(jfr, index.keySet());
        CallWindows.Builder slow = CallWindows.builder();
        for (SlowCalls.Call c : read.calls()) {
            long threshold = fixedNanos >= 0 ? fixedNanos : thresholdAt(steps, index.get(c.method()), c.endEpochNanos());
            if (threshold >= 0 && c.elapsedNanos() >= threshold && c.javaThreadId() > 0) {
                slow.add(c.javaThreadId(), c.startEpochNanos(), c.endEpochNanos());
            }
        }
        CallWindows windows = slow.build();
        List<String> header = new ArrayList<>();
        header.add("slow calls of " + spec + ": " + thresholdText(methods, percentile, fixedNanos, steps));
        header.add(windows.calls() + " slow calls found, " + Units.nanos(windows.totalNanos()) + " inside them"
                + (read.dropped() > 0 ? " (" + read.dropped() + " more events not read: at most " + SlowCalls.MAX_CALLS + ")" : ""));
        JfrReader reader = new JfrReader(Kind.WALL, ProfileOptions.DEFAULT.withCalls(windows));
        Profile profile = reader.read(jfr);
        header.add(reader.matched() + " samples and waits of the calling threads joined (" + reader.outsideCalls()
                + " outside slow calls left out); shares are estimates from samples every " + Units.nanos(intervalNanos)
                + " plus the waits' measured durations");
        if (percentile >= 0 && steps.stream().allMatch(s -> java.util.Arrays.stream(s.nanos).allMatch(v -> v < 0))) {
            throw new CommandException("p" + fmtPercentile(percentile) + " of " + spec + " is not known: fewer than " + callsNeeded(percentile)
                    + " calls timed; record longer or give a duration (--above 50ms)");
        }
        if (doc != null) {
            doc.put("above", above.trim());
            doc.put("thresholds", thresholdsJson(methods, percentile, fixedNanos, steps));
            doc.put("slowCalls", windows.calls());
            doc.put("slowCallNanos", windows.totalNanos());
            doc.put("eventsNotRead", read.dropped());
            doc.put("samplesJoined", reader.matched());
            doc.put("samplesOutsideSlowCalls", reader.outsideCalls());
            doc.put("intervalNanos", intervalNanos);
            doc.put("estimated", true); // shares come from samples (plus the waits' measured durations)
        }
        String title = "latency profile of pid " + agent.pid() + main() + ", " + took;
        if (compare) {
            Pattern frames = methodFrames(methods);
            JfrReader all = new JfrReader(Kind.WALL, ProfileOptions.DEFAULT.withInclude(frames.pattern()));
            Profile whole = all.read(jfr);
            ProfileDiff diff = ProfileDiff.of(whole, profile);
            if (doc != null) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("a", "all calls of the method(s)");
                c.put("b", "slow calls");
                c.put("totalA", whole.total(0));
                c.put("totalB", profile.total(0));
                c.put("unit", diff.sampleType().unit());
                c.put("hotter", diff.hotter().stream().limit(top).map(ProfileDiff.Row::toMap).toList());
                c.put("colder", diff.colder().stream().limit(top).map(ProfileDiff.Row::toMap).toList());
                doc.put("compare", c);
                session.out.println(Json.write(doc));
                return 0;
            }
            if (fmt == OutputFormat.HTML) {
                AtomicFiles.writeVia(out, force, tmp -> AtomicFiles.write(tmp, o -> diff.writeFlameGraph(title + ": slow calls vs all calls", o)));
                session.out.println("wrote " + out + " (" + header.get(1) + ")");
                return 0;
            }
            if (out == null) {
                printCompare(session.out, title, header, diff);
            } else {
                AtomicFiles.writeVia(out, force, tmp -> AtomicFiles.write(tmp, o -> {
                    PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(o, java.nio.charset.StandardCharsets.UTF_8));
                    printCompare(w, title, header, diff);
                    w.flush();
                }));
                session.out.println("wrote " + out + " (" + header.get(1) + ")");
            }
            return 0;
        }
        profile.comments().addAll(0, header);
        if (doc != null) {
            doc.put("profile", TopTable.leading(profile).toMap(top));
            session.out.println(Json.write(doc));
            return 0;
        }
        if (out == null) {
            TopTable.leading(profile).print(session.out, title, top);
            return 0;
        }
        if (fmt == OutputFormat.JFR) {
            ProfileOutput.write(jfr, Kind.WALL, ProfileOptions.DEFAULT, out, force, OutputFormat.JFR, title);
        } else {
            AtomicFiles.writeVia(out, force, tmp -> ProfileOutput.write(profile, tmp, fmt, title));
        }
        session.out.println("wrote " + out + " (" + header.get(1) + "; " + ProfileOutput.summary(profile) + ")");
        return 0;
    }

    private void printCompare(PrintWriter w, String title, List<String> header, ProfileDiff diff) {
        w.println(title);
        header.forEach(h -> w.println("  " + h));
        diff.print(w, "all calls of the method(s)", "slow calls", top);
        w.flush();
    }

    /** The percentile threshold of method {@code m} over the recording: {lowest, highest, last} nanoseconds, last -1 if never known. */
    private static long[] thresholdRange(List<Step> steps, int m) {
        long lo = Long.MAX_VALUE;
        long hi = -1;
        long last = -1;
        for (Step s : steps) {
            if (s.nanos[m] >= 0) {
                lo = Math.min(lo, s.nanos[m]);
                hi = Math.max(hi, s.nanos[m]);
                last = s.nanos[m];
            }
        }
        return new long[] {lo, hi, last};
    }

    /** Per method: its threshold (a fixed duration, or the percentile's value at the end with its range), null when not known. */
    private static List<Object> thresholdsJson(MethodStats[] methods, double percentile, long fixedNanos, List<Step> steps) {
        List<Object> list = new ArrayList<>();
        for (int m = 0; m < methods.length; m++) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("method", methods[m].name());
            t.put("percentile", percentile >= 0 ? percentile : null);
            if (fixedNanos >= 0) {
                t.put("nanos", fixedNanos);
            } else {
                long[] r = thresholdRange(steps, m);
                t.put("nanos", r[2] < 0 ? null : r[2]);
                t.put("lowestNanos", r[2] < 0 ? null : r[0]);
                t.put("highestNanos", r[2] < 0 ? null : r[1]);
            }
            list.add(t);
        }
        return list;
    }

    /** {@code >= 50.00ms} or {@code >= p99 of the live histogram: 61.2ms (moved 58.1ms..61.2ms)} per method. */
    private static String thresholdText(MethodStats[] methods, double percentile, long fixedNanos, List<Step> steps) {
        if (fixedNanos >= 0) {
            return "calls of at least " + Units.nanos(fixedNanos);
        }
        StringBuilder b = new StringBuilder("calls of at least p" + fmtPercentile(percentile) + " of the live histogram");
        for (int m = 0; m < methods.length; m++) {
            long[] r = thresholdRange(steps, m);
            long lo = r[0];
            long hi = r[1];
            long last = r[2];
            b.append(m == 0 ? ": " : "; ").append(methods.length > 1 ? methods[m].name() + " " : "");
            if (last < 0) {
                b.append("not known (fewer than ").append(callsNeeded(percentile)).append(" calls)");
            } else {
                b.append(Units.nanos(last)).append(lo == hi ? "" : " at the end (moved " + Units.nanos(lo) + " to " + Units.nanos(hi) + ")");
            }
        }
        return b.toString();
    }

    private static String fmtPercentile(double q) {
        return q == Math.rint(q) ? Long.toString((long) q) : Double.toString(q);
    }

    /** A pattern matching the JFR frames ({@code pkg.Class.method}) of the methods. */
    static Pattern methodFrames(MethodStats[] methods) {
        Set<String> alternatives = new LinkedHashSet<>();
        for (MethodStats s : methods) {
            String q = s.qualifiedName();
            int hash = q.indexOf('#');
            int paren = q.indexOf('(', hash);
            if (hash > 0) {
                alternatives.add(Pattern.quote(q.substring(0, hash) + "." + q.substring(hash + 1, paren < 0 ? q.length() : paren)));
            }
        }
        return Pattern.compile("^(?:" + String.join("|", alternatives) + ")$");
    }

    private static String main() {
        String main = AgentInfo.mainClass();
        return main == null || main.isEmpty() ? "" : " (" + main + ")";
    }

}
