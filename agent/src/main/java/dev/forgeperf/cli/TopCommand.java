package dev.forgeperf.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileOutput;
import dev.forgeperf.profile.TopTable;
import dev.forgeperf.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code top FILE}: the hottest functions of a JFR recording or a pprof file. */
@Command(name = "top", description = "Show the hottest functions (self and total, with shares) of a JFR recording or a pprof file (.pb.gz).")
final class TopCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "A .jfr recording or a pprof profile (gzipped or not).")
    Path input;

    @Option(names = "-n", paramLabel = "N", description = "Rows to show (default: ${DEFAULT-VALUE}).")
    int rows = 20;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--sample-type", paramLabel = "TYPE", description = "Rank by this sample type (as pprof's -sample_index: e.g. samples, cpu,"
            + " alloc_space); default: CPU time when the profile has it, else the profile's default type.")
    String sampleType;

    @Mixin
    ProfileArgs args;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var kind = args.kind();
        var options = args.options();
        Profile profile = ProfileArgs.run(() -> ProfileOutput.read(input, kind, options));
        TopTable table;
        if (sampleType == null) {
            table = TopTable.leading(profile);
        } else {
            int type = profile.typeIndex(sampleType);
            if (type < 0) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--sample-type " + sampleType + ": " + ProfileArgs.name(input)
                        + " has " + profile.sampleTypes().stream().map(t -> t.type()).toList() + "; pick one of those");
            }
            table = TopTable.of(profile, type);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(table.toMap(rows)));
        } else {
            table.print(out, ProfileArgs.name(input), rows);
        }
        return 0;
    }
}
