package dev.forgeperf.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.OutputFormat;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileOptions;
import dev.forgeperf.profile.ProfileOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code convert IN.jfr -o OUT}: a profile of any JFR recording, offline. */
@Command(name = "convert", description = {"Turn a JFR recording (from the agent or -XX:StartFlightRecording) into a profile file.",
        "Formats: pprof (.pb.gz), flame graph (.html), folded stacks (.collapsed), top table (.txt) or a copy (.jfr).",
        "A pprof file (ours or Go's) can be converted to the other formats too."})
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN.jfr", description = "The recording (or a pprof file).")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output file; its extension chooses the format unless --format is given.")
    Path output;

    @Option(names = "--format", paramLabel = "FORMAT", description = "pprof, html, collapsed, txt or jfr.")
    String format;

    @Option(names = "--force", description = "Replace OUT if it exists (refused otherwise).")
    boolean force;

    @Mixin
    ProfileArgs args;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Kind kind = args.kind();
        ProfileOptions options = args.options();
        return ProfileArgs.run(() -> {
            OutputFormat f = format != null ? OutputFormat.of(format) : OutputFormat.forPath(output);
            Profile p = ProfileOutput.convert(input, kind, options, output, force, f);
            spec.commandLine().getOut().println("wrote " + output + " (" + f.id() + ")" + (p == null ? "" : ": " + ProfileOutput.summary(p)));
            return 0;
        });
    }
}
