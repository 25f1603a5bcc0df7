package dev.forgeperf.command;

import java.nio.file.Path;
import java.util.Locale;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.control.CommandException;
import dev.forgeperf.jfr.FocusedProfile;
import dev.forgeperf.jfr.LiveSamples;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.LiveObjects;
import dev.forgeperf.profile.OutputFormat;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileException;
import dev.forgeperf.profile.ProfileOptions;
import dev.forgeperf.profile.ProfileOutput;
import dev.forgeperf.profile.TopTable;
import dev.forgeperf.runtime.FullGc;
import dev.forgeperf.runtime.HeapGuard;
import dev.forgeperf.util.AgentInfo;
import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.Durations;
import dev.forgeperf.util.Json;
import dev.forgeperf.util.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code profile cpu|wall|alloc|lock|park PID …}: a focused recording, analyzed into the output chosen.
 * One subcommand per {@link Kind}, made from the kind itself ({@link #commandLine}): a new kind is
 * a new {@code profile <id>} with no change here.
 */
@Command(name = "profile", description = {"Record a focused profile (KINDS) for a while and write it out.",
        "Formats: pprof (.pb.gz), a flame graph (.html), collapsed stacks (.collapsed), a top table (.txt or no -o) or the raw "
                + "recording (.jfr).",
        "Ctrl-C stops early and still writes what was collected. Several profiles may run at once."})
public final class ProfileCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** {@code profile} with one subcommand per {@link Kind}, each described by {@link Kind#help()}, for the command registry. */
    public static picocli.CommandLine commandLine() {
        picocli.CommandLine cl = new picocli.CommandLine(new ProfileCommand());
        String[] description = cl.getCommandSpec().usageMessage().description();
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (Kind k : Kind.values()) {
            ids.add(k.id());
        }
        ids.add("latency");
        description[0] = description[0].replace("KINDS", String.join(", ", ids));
        cl.getCommandSpec().usageMessage().description(description);
        for (Kind k : Kind.values()) {
            picocli.CommandLine sub = new picocli.CommandLine(k == Kind.LIVE ? new LiveCommand() : new KindCommand(k));
            sub.getCommandSpec().usageMessage().description(k.help().toArray(new String[0]));
            cl.addSubcommand(k.id(), sub);
        }
        cl.addSubcommand("latency", new picocli.CommandLine(new LatencyProfileCommand()));
        return cl;
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing the profile kind: " + Kind.names());
    }

    /** {@code profile <kind>}: what every kind shares. */
    @Command
    static class KindCommand extends AgentCommand {
        private final Kind kind;

        KindCommand(Kind kind) {
            this.kind = kind;
        }

        @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", description = "How long to record (default: ${DEFAULT-VALUE}).")
        String duration = "30s";

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Output file; its extension picks the format. Without it: a top table here.")
        String output;

        @Option(names = "--force", description = "Replace FILE if it exists (without it an existing file is refused before recording; the file written is 0600).")
        boolean force;

        @Option(names = "--format", paramLabel = "FORMAT", description = "pprof, html, collapsed, txt or jfr (default: from the extension).")
        String format;

        @Option(names = "--interval", paramLabel = "DURATION", description = "Sampling period for cpu and wall (default: ${DEFAULT-VALUE}).")
        String interval = "10ms";

        @picocli.CommandLine.Mixin
        StackFilter filter = new StackFilter();

        @Option(names = {"-n", "--top"}, paramLabel = "N", description = "Rows of the top table (default: ${DEFAULT-VALUE}).")
        int top = 25;

        @Option(names = "--json", description = "Without -o: print the top table as JSON.")
        boolean json;

        @Override
        public int run(AgentContext agent, Session session) throws Exception {
            long durationNanos = positiveDuration(duration, "--duration");
            long intervalNanos = positiveDuration(interval, "--interval");
            ProfileOptions options = filter.applyTo(ProfileOptions.DEFAULT);
            Path out = output == null ? null : session.resolve(output);
            OutputFormat fmt = outputFormat(format, out, json, "the top table");
            if (out != null) {
                try {
                    ProfileOutput.checkTarget(out, force);
                } catch (java.io.IOException e) {
                    throw new CommandException(e.getMessage());
                }
                String notWritable = AtomicFiles.notWritable(out.getParent());
                if (notWritable != null) {
                    throw new CommandException("cannot write " + out + ": " + notWritable);
                }
            }
            FocusedProfile.requireHeap(kind, HeapGuard.ANALYZE_OUTSIDE);
            long started = System.nanoTime();
            try (FocusedProfile recorded = FocusedProfile.start(java.util.List.of(kind), Math.max(1, intervalNanos / 1_000_000), kind.id(), extraSettings())) {
                boolean whole = recorded.record(durationNanos, nanos -> {
                    boolean all = session.await(nanos, left -> {
                        if (session.tty && !json) {
                            session.out.printf(Locale.ROOT, "\r\033[Kprofiling %s in pid %d: %ds left (Ctrl-C stops early)", kind.id(), agent.pid(), left);
                            session.out.flush();
                        }
                    });
                    beforeStop();
                    return all;
                });
                options = recorded.measured(options);
                if (session.tty) {
                    session.out.print("\r\033[K");
                }
                String took = Units.nanos(System.nanoTime() - started);
                if (!whole) {
                    session.out.println("stopped early after " + took + "; writing what was collected");
                }
                Profile profile;
                recorded.requireAnalysisHeap(kind, HeapGuard.ANALYZE_OUTSIDE);
                try {
                    if (out == null) {
                        profile = recorded.read(kind, options);
                        if (json) {
                            session.out.println(Json.write(TopTable.leading(profile).toMap(top)));
                        } else {
                            TopTable.leading(profile).print(session.out, title(kind, agent, took), top);
                            printAfterTable(session, recorded.file(), options);
                        }
                        return 0;
                    }
                    profile = ProfileOutput.write(recorded.file(), kind, options, out, force, fmt, title(kind, agent, took));
                } catch (ProfileException e) {
                    throw new CommandException(e.getMessage());
                } catch (java.io.IOException e) {
                    if (out == null) {
                        throw e;
                    }
                    throw new CommandException(AtomicFiles.failure(out, e).getMessage());
                }
                session.out.println("wrote " + out + (profile == null ? "" : " (" + ProfileOutput.summary(profile) + ")"));
                return 0;
            }
        }

        /** JFR settings over the kind's for the focused recording (none by default). */
        java.util.Map<String, String> extraSettings() {
            return java.util.Map.of();
        }

        /** Runs just before the recording stops, after the wait (nothing by default). */
        void beforeStop() {
        }

        /** Prints what follows the top table of a profile printed here (nothing by default). */
        void printAfterTable(Session session, Path recording, ProfileOptions options) throws java.io.IOException {
        }

        /** {@code cpu profile of pid 1234 (com.acme.Main), 30s}: what the profile is of, never the temporary recording's name. */
        private static String title(Kind kind, AgentContext agent, String took) {
            String main = AgentInfo.mainClass();
            return kind.id() + " profile of pid " + agent.pid() + (main == null || main.isEmpty() ? "" : " (" + main + ")") + ", " + took;
        }

    }

    /**
     * {@code profile live}: the live objects JFR sampled ({@link dev.forgeperf.profile.LiveObjects}),
     * with {@code --gc} (a full GC just before the recording ends, so only objects still live count)
     * and {@code --roots} (paths to GC roots, {@link dev.forgeperf.jfr.LiveSamples#ROOTS}).
     */
    @Command
    static final class LiveCommand extends KindCommand {
        @Option(names = "--gc", description = "Run a full GC just before the recording ends, so that only objects still live are reported "
                + "(the application pauses for it).")
        boolean gc;

        @Option(names = "--roots", description = "Find each sampled object's GC root (a stop-the-world search of at most 1 s at the end) "
                + "and name the root kinds of the top sites.")
        boolean roots;

        LiveCommand() {
            super(Kind.LIVE);
        }

        @Override
        java.util.Map<String, String> extraSettings() {
            return roots ? LiveSamples.ROOTS : java.util.Map.of();
        }

        @Override
        void beforeStop() {
            if (gc) {
                FullGc.run();
            }
        }

        @Override
        void printAfterTable(Session session, Path recording, ProfileOptions options) throws java.io.IOException {
            LiveObjects.Summary s = LiveObjects.summarize(recording, options);
            if (s.sites().isEmpty()) {
                return;
            }
            session.out.println();
            session.out.println("allocation sites of the sampled live objects (first frame outside the JDK), by bytes:");
            for (LiveObjects.Site site : s.top(Math.min(top, 10))) {
                session.out.println("  " + site.describe());
            }
        }
    }

    /** A positive duration option ({@code 30s}, {@code 10ms}), or a usage error naming it (exit 2). */
    static long positiveDuration(String value, String option) {
        try {
            long n = Durations.parseNanos(value);
            if (n <= 0) {
                throw new IllegalArgumentException("must be positive");
            }
            return n;
        } catch (IllegalArgumentException e) {
            throw new CommandException(option + ": " + e.getMessage(), 2);
        }
    }

    /**
     * The output format of a profile command: {@code --format}, else the file's extension, else text;
     * {@code --json} (which prints {@code printed} here) refused beside {@code -o}. Usage errors exit 2.
     */
    static OutputFormat outputFormat(String format, Path out, boolean json, String printed) {
        if (json && out != null) {
            throw new CommandException("--json prints " + printed + " here; it does not go with -o (the file is the output)", 2);
        }
        try {
            return format != null ? OutputFormat.of(format) : out == null ? OutputFormat.TEXT : OutputFormat.forPath(out);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage(), 2);
        }
    }
}
