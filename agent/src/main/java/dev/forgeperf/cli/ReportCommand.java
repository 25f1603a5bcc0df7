package dev.forgeperf.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.forgeperf.control.CommandException;
import dev.forgeperf.report.Report;
import dev.forgeperf.report.SnapshotException;
import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.snapshot.SnapshotLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code report SNAPDIR}: a snapshot's report, made offline from the folder alone. */
@Command(name = "report", description = {"Print or write the report of a snapshot folder, offline.",
        "Findings first (deadlocks, unhealthy checks, likely leaks, GC pressure, lock hot spots, slowest timed methods), then "
                + "memory, GC, threads, history, timed methods, top CPU/allocation/lock methods and the class histogram."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SNAPDIR", description = "A snapshot folder (it has a manifest.json).")
    Path dir;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "txt, md, html or json (default: from the -o file's extension, else txt).")
    Report.Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report to FILE (complete or absent) instead of printing it.")
    Path output;

    @Option(names = "--force", description = "Replace the -o FILE if it exists (refused otherwise).")
    boolean force;

    @Option(names = "--write", description = "(Re)write report.txt, report.md and report.html inside SNAPDIR.")
    boolean write;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (write) {
                if (output != null || format != null) {
                    throw new CommandException("--write rewrites the three report files in SNAPDIR; leave out --format and -o", 2);
                }
                Report.writeAll(dir);
                for (String f : SnapshotLayout.REPORTS) {
                    out.println("wrote " + dir.resolve(f));
                }
                return 0;
            }
            Report.Format f = format;
            if (f == null && output != null) {
                f = Report.Format.forFile(output.getFileName().toString());
            }
            String text = Report.of(dir).render(f == null ? Report.Format.txt : f);
            if (output == null) {
                out.print(text);
                out.flush();
                return 0;
            }
            try {
                AtomicFiles.writeNew(output, force, o -> o.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (java.io.IOException e) {
                throw new CommandException(e.getMessage());
            }
            out.println("wrote " + output);
            return 0;
        } catch (SnapshotException e) {
            throw new CommandException(e.getMessage());
        } catch (java.nio.file.AccessDeniedException e) {
            throw new CommandException("cannot write " + e.getFile() + ": permission denied");
        } catch (IOException e) {
            throw new CommandException("cannot write the report: " + e.getMessage());
        }
    }
}
