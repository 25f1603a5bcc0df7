package dev.forgeperf.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.control.CommandException;
import dev.forgeperf.profile.JfrReader;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.OutputFormat;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileOptions;
import dev.forgeperf.profile.ProfileOutput;
import dev.forgeperf.report.Report;
import dev.forgeperf.report.Snapshot;
import dev.forgeperf.report.SnapshotDiff;
import dev.forgeperf.runtime.HeapGuard;
import dev.forgeperf.snapshot.ProfilingSession;
import dev.forgeperf.snapshot.ProfilingSessions;
import dev.forgeperf.snapshot.SnapshotLayout;
import dev.forgeperf.snapshot.SnapshotWriter;
import dev.forgeperf.util.AgentInfo;
import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.Durations;
import dev.forgeperf.util.Json;
import dev.forgeperf.util.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code session start|stop|list}: a profiling session that spans two commands (around a load
 * test, say). The session lives in the agent ({@link ProfilingSessions}); {@code stop} writes it
 * out as a snapshot-like folder.
 */
@Command(name = "session", description = {"Profile between two commands: a named recording that lives in the agent until collected.",
        "`session start` begins it and returns at once; `session stop` ends it and writes a folder",
        "with its profiles, recording, metrics and timings (start, end, difference). At most " + ProfilingSessions.MAX_SESSIONS + " at once;",
        "each ends by itself at --max or --max-size and is kept until stopped."},
        subcommands = {SessionCommand.Start.class, SessionCommand.Stop.class, SessionCommand.ListSessions.class})
public final class SessionCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing what to do: " + String.join(", ", spec.subcommands().keySet()));
    }

    /** The one-line refusal of the session manager as the command's failure. */
    static CommandException refused(ProfilingSessions.Refused e) {
        return new CommandException(e.getMessage(), e.exitCode());
    }

    /** {@code session start PID NAME [--kinds …] [--max 30m] [--max-size 100MB]}. */
    @Command(name = "start", description = {"Start a named profiling session and return at once; the session lives in the agent.",
            "It records the kinds' JFR events (as `profile` does) and notes the timings and metrics at its start."})
    public static final class Start extends AgentCommand {
        @Parameters(index = "1", paramLabel = "NAME", description = "The session's name: 1-64 letters, digits, '.', '_', '-'.")
        String name;

        @Option(names = "--kinds", paramLabel = "KINDS", description = "Profiles to record, comma-separated: cpu, wall, alloc, lock, park (default: ${DEFAULT-VALUE}).")
        String kinds = "cpu,alloc,lock";

        @Option(names = "--max", paramLabel = "DURATION", description = "The session ends by itself after this long (default: ${DEFAULT-VALUE}, at most 24h).")
        String max = "30m";

        @Option(names = "--max-size", paramLabel = "SIZE", description = "It also ends by itself once its recording holds this much on disk (default: "
                + "${DEFAULT-VALUE}, at most 1GB; checked every second, plus the chunk JFR is writing).")
        String maxSize = "100MB";

        @Option(names = "--interval", paramLabel = "DURATION", description = "Sampling period for cpu and wall (default: ${DEFAULT-VALUE}).")
        String interval = "10ms";

        @Override
        public int run(AgentContext agent, Session session) throws IOException {
            try {
                ProfilingSessions.checkName(name);
            } catch (ProfilingSessions.Refused e) {
                throw refused(e);
            }
            List<Kind> chosen = kinds();
            Duration maxTime = Duration.ofNanos(ProfileCommand.positiveDuration(max, "--max"));
            if (maxTime.compareTo(ProfilingSessions.LONGEST_MAX) > 0) {
                throw new CommandException("--max: " + max + " is longer than the longest session, 24h", 2);
            }
            long maxBytes;
            try {
                maxBytes = Durations.parseBytes(maxSize);
            } catch (IllegalArgumentException e) {
                throw new CommandException("--max-size: " + e.getMessage(), 2);
            }
            if (maxBytes < (1L << 20) || maxBytes > ProfilingSessions.LARGEST_MAX_BYTES) {
                throw new CommandException("--max-size: " + maxSize + " is outside 1MB to 1GB", 2);
            }
            Duration every = Duration.ofNanos(Math.max(1_000_000, ProfileCommand.positiveDuration(interval, "--interval")));
            HeapGuard.require("starting a session", HeapGuard.REPORTS_BYTES, "retry when the heap is less full");
            ProfilingSession s;
            try {
                s = ProfilingSessions.get().start(new ProfilingSessions.Settings(name, chosen, maxTime, maxBytes, every), agent.pid(), agent::timing);
            } catch (ProfilingSessions.Refused e) {
                throw refused(e);
            } catch (IllegalStateException | SecurityException e) {
                throw new CommandException("cannot start a JFR recording in this JVM: " + e.getMessage());
            }
            session.out.println("started session " + name + " in pid " + agent.pid() + ": " + String.join(", ", ids(chosen)) + "; it ends by itself after "
                    + Units.duration(maxTime.toNanos()) + " or at " + Units.bytes(maxBytes) + " of recording");
            session.out.println("collect it with: forge-perf session stop " + agent.pid() + " " + name + " -o DIR");
            return 0;
        }

        private List<Kind> kinds() {
            List<Kind> chosen = new ArrayList<>();
            for (String k : kinds.split(",")) {
                Kind kind;
                try {
                    kind = Kind.of(k.trim());
                } catch (IllegalArgumentException e) {
                    throw new CommandException("--kinds: " + e.getMessage(), 2);
                }
                if (kind == Kind.LIVE) { // what is live at the end, not a profile of a span
                    throw new CommandException("--kinds: live is not a session kind (a session records cpu, wall, alloc, lock or park);"
                            + " run `forge-perf profile live PID` for what holds the heap", 2);
                }
                if (!chosen.contains(kind)) {
                    chosen.add(kind);
                }
            }
            return chosen;
        }
    }

    /** {@code session stop PID NAME -o DIR [--force]}: ends the session and writes its folder. */
    @Command(name = "stop", description = {"End a session (if it did not end by itself) and write its folder, complete or absent.",
            "Per kind a pprof profile, a flame graph and a top table (KIND.pb.gz, KIND.html, KIND.txt);",
            "recording.jfr; metrics.json (the sampler's samples of the span); start/ and end/ (timings and",
            "metrics at each end: snapshots `forge-perf diff` reads); diff.txt and diff.json (their",
            "difference: the calls made during the session); reports. Files 0600, folders 0700."})
    public static final class Stop extends AgentCommand {
        @Parameters(index = "1", paramLabel = "NAME", description = "The session's name.")
        String name;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Folder to create.")
        String output;

        @Option(names = "--force", description = "Replace DIR if it holds a snapshot or session already (an empty DIR is always used; anything else is refused).")
        boolean force;

        @Option(names = "--json", description = "Print the outcome as JSON.")
        boolean json;

        @Override
        public int run(AgentContext agent, Session session) throws IOException {
            Path target = session.resolve(output);
            ProfilingSessions sessions = ProfilingSessions.get();
            ProfilingSession s;
            try {
                s = sessions.find(name, agent.pid());
            } catch (ProfilingSessions.Refused e) {
                throw refused(e);
            }
            try {
                SnapshotWriter.checkTarget(target, force);
            } catch (IOException e) {
                throw new CommandException(e.getMessage());
            }
            if (!s.claim()) {
                throw new CommandException("session " + name + " is being collected by another `session stop` already");
            }
            try {
                return collect(agent, session, sessions, s, target);
            } finally {
                s.release();
            }
        }

        private int collect(AgentContext agent, Session session, ProfilingSessions sessions, ProfilingSession s, Path target) throws IOException {
            long recorded = s.running() ? s.bytesOnDisk() : sizeOf(s.dir().resolve(SnapshotLayout.RECORDING));
            HeapGuard.require("collecting session " + name, HeapGuard.analysisNeed(recorded) + HeapGuard.REPORTS_BYTES,
                    "the session " + (s.running() ? "keeps running" : "is kept") + "; retry when the heap is less full");
            try {
                sessions.end(s, agent::timing, agent.pid());
            } catch (IOException e) {
                throw new CommandException("session " + name + " failed and is gone: " + AtomicFiles.reason(e));
            }
            Map<String, String> outcome;
            try {
                outcome = writer(agent, s).write(target, force, part -> {
                    if (session.tty && !json) {
                        session.out.print("\r\033[K  " + part + "…");
                        session.out.flush();
                    }
                });
            } catch (IOException e) {
                throw new CommandException(e.getMessage() + "; the session is kept: run `session stop` again with another -o");
            }
            sessions.remove(s);
            if (session.tty && !json) {
                session.out.print("\r\033[K");
            }
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("path", target.toString());
                m.put("session", s.toMap());
                m.put("parts", outcome);
                session.out.println(Json.write(m));
                return 0;
            }
            session.out.println("wrote session " + name + " (" + Units.duration(s.elapsed().toNanos()) + ", " + s.endedWhy() + ") to " + target);
            outcome.forEach((part, result) -> session.out.printf(Locale.ROOT, "  %-14s %s%n", part, result));
            return 0;
        }

        /** The folder's parts, all read from the ended session's files (so a session that ended by itself is written as it was then). */
        private static SnapshotWriter writer(AgentContext agent, ProfilingSession s) {
            Path from = s.dir();
            Path start = from.resolve(ProfilingSessions.START_DIR);
            Path end = from.resolve(ProfilingSessions.END_DIR);
            SnapshotWriter w = new SnapshotWriter(agent.pid(), agent::timing);
            // replaces the writer's own timings part (timings now) with those at the session's end
            w.add("timings", d -> {
                copy(end.resolve(SnapshotLayout.TIMINGS_JSON), d);
                copy(end.resolve(SnapshotLayout.TIMINGS_TXT), d);
            });
            w.add("metrics", d -> copy(end.resolve(SnapshotLayout.METRICS), d));
            w.add("recording", d -> copy(from.resolve(SnapshotLayout.RECORDING), d));
            w.add("start", d -> copyFolder(start, d.resolve(ProfilingSessions.START_DIR)));
            w.add("end", d -> copyFolder(end, d.resolve(ProfilingSessions.END_DIR)));
            String main = AgentInfo.mainClass();
            String title = " profile of session " + s.settings().name() + ", pid " + agent.pid() + (main == null || main.isEmpty() ? "" : " (" + main + ")")
                    + ", " + Units.duration(s.elapsed().toNanos());
            for (Kind kind : s.settings().kinds()) {
                w.add(kind.id() + " profile", d -> {
                    Path jfr = d.resolve(SnapshotLayout.RECORDING);
                    HeapGuard.require("the " + kind.id() + " profile", HeapGuard.analysisNeed(sizeOf(jfr)),
                            "build it outside the JVM: `forge-perf convert " + SnapshotLayout.RECORDING + " --event " + kind.id() + " -o " + kind.id() + ".pb.gz` in the folder");
                    ProfileOptions options = ProfileOptions.DEFAULT;
                    if (kind.measuresCpuTime() && s.calibration() != null) {
                        options = options.withCalibration(s.calibration());
                    }
                    if (kind.measuresWaiting() && s.waiting() != null) {
                        options = options.withWaiting(s.waiting());
                    }
                    Profile profile = JfrReader.read(jfr, kind, options);
                    ProfileOutput.write(profile, d.resolve(kind.id() + ".pb.gz"), OutputFormat.PPROF, kind.id() + title);
                    ProfileOutput.write(profile, d.resolve(kind.id() + ".html"), OutputFormat.HTML, kind.id() + title);
                    ProfileOutput.write(profile, d.resolve(kind.id() + ".txt"), OutputFormat.TEXT, kind.id() + title);
                });
            }
            w.add("session", d -> Files.writeString(d.resolve("session.json"), Json.write(s.toMap()) + "\n"));
            w.addFinal("diff", d -> {
                SnapshotDiff diff = SnapshotDiff.of(Snapshot.load(d.resolve(ProfilingSessions.START_DIR)), Snapshot.load(d.resolve(ProfilingSessions.END_DIR)),
                        SnapshotDiff.DEFAULT_THRESHOLD_PERCENT);
                Files.writeString(d.resolve("diff.txt"), diff.render(true));
                Files.writeString(d.resolve("diff.json"), Json.write(diff.toMap()) + "\n");
            });
            w.addFinal("reports", d -> {
                HeapGuard.require("the reports", HeapGuard.REPORTS_BYTES, "write them outside the JVM with `forge-perf report` on the folder");
                Report.writeAll(d);
            });
            return w;
        }

        private static void copy(Path file, Path dir) throws IOException {
            Files.copy(file, dir.resolve(file.getFileName()), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }

        private static void copyFolder(Path from, Path to) throws IOException {
            Files.createDirectory(to);
            try (var files = Files.newDirectoryStream(from)) {
                for (Path f : files) {
                    if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        copy(f, to);
                    }
                }
            }
        }
    }

    /** {@code session list PID}: the sessions the agent holds. */
    @Command(name = "list", description = "Show the sessions: name, kinds, state, start, time recorded, --max and bytes on disk.")
    public static final class ListSessions extends AgentCommand {
        @Option(names = "--json", description = "Print them as JSON.")
        boolean json;

        @Override
        public int run(AgentContext agent, Session session) {
            List<ProfilingSession> all = ProfilingSessions.get().list();
            if (json) {
                List<Object> rows = new ArrayList<>();
                all.forEach(s -> rows.add(s.toMap()));
                session.out.println(Json.write(rows));
                return 0;
            }
            if (all.isEmpty()) {
                session.out.println("no sessions in pid " + agent.pid() + " (start one with `forge-perf session start " + agent.pid() + " NAME`)");
                return 0;
            }
            session.out.printf(Locale.ROOT, "%-20s %-22s %-20s %9s %9s %10s  %s%n", "NAME", "KINDS", "STARTED", "ELAPSED", "MAX", "ON DISK", "STATE");
            for (ProfilingSession s : all) {
                session.out.printf(Locale.ROOT, "%-20s %-22s %-20s %9s %9s %10s  %s%n", s.settings().name(), String.join(",", ids(s.settings().kinds())),
                        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(java.time.ZoneId.systemDefault()).format(s.startedAt()),
                        Units.duration(s.elapsed().toNanos()), Units.duration(s.settings().max().toNanos()), Units.bytes(s.bytesOnDisk()), s.state());
            }
            return 0;
        }
    }

    static List<String> ids(List<Kind> kinds) {
        List<String> ids = new ArrayList<>();
        kinds.forEach(k -> ids.add(k.id()));
        return ids;
    }

    static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

}
