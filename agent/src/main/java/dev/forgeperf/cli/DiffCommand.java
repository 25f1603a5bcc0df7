package dev.forgeperf.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.forgeperf.control.CommandException;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileDiff;
import dev.forgeperf.profile.ProfileOutput;
import dev.forgeperf.report.Snapshot;
import dev.forgeperf.report.SnapshotDiff;
import dev.forgeperf.report.SnapshotException;
import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code diff A B}: two profiles (pprof or JFR) → what got hotter or colder; two snapshot folders →
 * timings, heap, GC, threads, class growth and moved functions, exit status 1 on a regression. Any
 * failure is exit status 2, as diff(1): 1 always means a regression.
 */
@Command(name = "diff", description = {"Compare two snapshot folders, or two profiles, before and after.",
        "Snapshots: timed methods (calls, mean, p50, p99), heap, GC, threads, class histogram growth and the CPU/allocation "
                + "functions that moved. Exit status 1 when something rose by more than --threshold percent (a timed method's "
                + "p99 or mean with enough calls, the live heap (class histogram, else heap after old-generation GC), GC pauses or time in GC, threads) or B has a new leak "
                + "finding; the regressions are named first.",
        "Profiles (pprof .pb.gz or .jfr): functions whose share of the total grew (hotter) or shrank (colder), as a table "
                + "and optionally as a differential flame graph."},
        footer = {"", "Exit status (as diff(1)):",
                "  0 no regression, 1 regression, 2 trouble (bad arguments, a missing or unreadable input; one line",
                "  on stderr says which). Scripts test for 1: forge-perf diff A B; [ $? -eq 1 ] && echo regression"})
final class DiffCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "A", description = "The baseline (before): a snapshot folder or a profile.")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "What to compare with it (after), of the same sort.")
    Path b;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write an HTML page: the snapshot diff, or for profiles a differential"
            + " flame graph (width: B; red hotter, blue colder).")
    Path html;

    @Option(names = "--force", description = "Replace the --html FILE if it exists (refused otherwise).")
    boolean force;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--threshold", paramLabel = "PERCENT", description = "Snapshots: a rise above this many percent is a regression (default: 10).")
    Double threshold;

    @Option(names = "--wide", description = "Snapshots: print full method names (by default names longer than "
            + SnapshotDiff.NAME_WIDTH + " columns are shortened, keeping rows distinct; --json is never shortened).")
    boolean wide;

    @Option(names = "-n", paramLabel = "N", description = "Profiles: rows per section (default: ${DEFAULT-VALUE}).")
    int rows = 20;

    @Mixin
    ProfileArgs args;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        boolean dirA = Files.isDirectory(a);
        boolean dirB = Files.isDirectory(b);
        for (Path p : new Path[] {a, b}) {
            if (!Files.exists(p)) {
                throw new CommandException(p + ": no such file or folder");
            }
        }
        if (html != null) {
            try {
                AtomicFiles.checkTarget(html, force);
            } catch (java.io.IOException e) {
                throw new CommandException(e.getMessage());
            }
        }
        if (dirA || dirB) {
            if (!(dirA && dirB)) {
                throw new CommandException((dirA ? b : a) + " is not a folder: give two snapshot folders or two profile files", 2);
            }
            return snapshots();
        }
        if (threshold != null) {
            throw new CommandException("--threshold applies to snapshot folders, not to profiles", 2);
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
                AtomicFiles.writeNew(html, force, o -> diff.writeFlameGraph(title, o));
                return null;
            });
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("a", a.toString());
            m.put("b", b.toString());
            m.put("sampleType", diff.sampleType().type());
            m.put("unit", diff.sampleType().unit());
            m.put("hotter", rows(diff.hotter()));
            m.put("colder", rows(diff.colder()));
            out.println(Json.write(m));
            return 0;
        }
        diff.print(out, a.toString(), b.toString(), rows);
        if (html != null) {
            out.println();
            out.println("wrote " + html + " (differential flame graph)");
        }
        return 0;
    }

    private List<Object> rows(List<ProfileDiff.Row> list) {
        List<Object> out = new ArrayList<>();
        for (ProfileDiff.Row r : list.subList(0, Math.min(rows, list.size()))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("function", r.function());
            m.put("selfShareA", r.selfA());
            m.put("selfShareB", r.selfB());
            m.put("totalShareA", r.totalA());
            m.put("totalShareB", r.totalB());
            out.add(m);
        }
        return out;
    }

    /** Two snapshot folders: the comparison, the regressions, exit status 1 when there are any. */
    private int snapshots() {
        double t = threshold == null ? SnapshotDiff.DEFAULT_THRESHOLD_PERCENT : threshold;
        if (!(t >= 0) || Double.isInfinite(t)) {
            throw new CommandException("--threshold must be a percentage of 0 or more, e.g. 10", 2);
        }
        SnapshotDiff diff;
        try {
            diff = SnapshotDiff.of(Snapshot.load(a), Snapshot.load(b), t);
        } catch (SnapshotException e) {
            throw new CommandException(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (html != null) {
            try {
                // one line naming the path and the cause (AtomicFiles.failure)
                AtomicFiles.writeNew(html, force, o -> o.write(diff.renderHtml().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (java.io.IOException e) {
                throw new CommandException(e.getMessage());
            }
        }
        if (json) {
            out.println(Json.write(diff.toMap()));
        } else {
            out.print(diff.render(wide));
            if (html != null) {
                out.println();
                out.println("wrote " + html);
            }
        }
        out.flush();
        return diff.exitCode();
    }
}
