package dev.forgeperf.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.forgeperf.command.CommandException;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileDiff;
import dev.forgeperf.profile.ProfileOutput;
import dev.forgeperf.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code diff A B}: what got hotter or colder between two profiles (pprof or JFR). Two directories
 * will mean two snapshots; that comparison is not built yet (see {@link #call()}).
 */
@Command(name = "diff", description = {"Compare two profiles (pprof .pb.gz or .jfr): functions whose share of the total grew (hotter)",
        "or shrank (colder) from A to B, as a table and optionally as a differential flame graph."})
final class DiffCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "A", description = "The baseline (before).")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "The profile to compare with it (after).")
    Path b;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a differential flame graph (width: B; red hotter, blue colder).")
    Path html;

    @Option(names = "-n", paramLabel = "N", description = "Rows per section (default: ${DEFAULT-VALUE}).")
    int rows = 20;

    @Mixin
    ProfileArgs args;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // Snapshot diff (two snapshot directories) goes here once snapshots exist; until then, one clear refusal.
        if (Files.isDirectory(a) || Files.isDirectory(b)) {
            throw new CommandException("snapshot diff is not available yet: give two profile files (.pb.gz or .jfr), not directories");
        }
        var kind = args.kind();
        var options = args.options();
        Profile before = ProfileArgs.run(() -> ProfileOutput.read(a, kind, options));
        Profile after = ProfileArgs.run(() -> ProfileOutput.read(b, kind, options));
        ProfileDiff diff;
        try {
            diff = ProfileDiff.of(before, after);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (html != null) {
            String title = "diff " + ProfileArgs.name(a) + " \u2192 " + ProfileArgs.name(b);
            ProfileArgs.run(() -> {
                AtomicFiles.write(html, o -> diff.writeFlameGraph(title, o));
                return null;
            });
        }
        diff.print(out, a.toString(), b.toString(), rows);
        if (html != null) {
            out.println();
            out.println("wrote " + html + " (differential flame graph)");
        }
        return 0;
    }
}
