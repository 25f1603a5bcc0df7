package dev.forgeperf.command;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.runtime.ClassHistogram;
import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.forgeperf.control.CommandException;
import dev.forgeperf.runtime.HeapGuard;

/** {@code dump histogram PID}: instances and bytes per class, largest first. */
@Command(name = "histogram", description = {"Show instances and bytes per class, largest first (the class histogram).",
        "Class names in Java source form: byte[], java.lang.String[], int[][].",
        "Counts live objects, after a full GC, unless --all."})
public final class DumpHistogramCommand extends AgentCommand {
    @Option(names = "--top", paramLabel = "N", description = "Show the N largest classes (default: ${DEFAULT-VALUE}; 0: all).")
    int top = 30;

    @Option(names = "--all", description = "Count every object on the heap, reachable or not, without running a GC first.")
    boolean all;

    @Option(names = "--json", description = "Print JSON: totals and rows (rank, className, instances, bytes, module).")
    boolean json;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the whole histogram (all classes) to FILE as text.")
    String output;

    @Option(names = "--force", description = "Replace FILE if it exists (without it an existing file is refused).")
    boolean force;

    @Override
    public int run(AgentContext agent, Session session) {
        if (top < 0) {
            throw new CommandException("--top must not be negative", 2);
        }
        if (output != null) {
            DumpThreadsCommand.checkTarget(session.resolve(output), force);
        }
        List<ClassHistogram.Row> rows;
        HeapGuard.require("the class histogram", HeapGuard.HISTOGRAM_BYTES,
                "retry when the heap is less full, or run `jcmd " + agent.pid() + " GC.class_histogram`, which builds it outside the Java heap");
        try {
            rows = ClassHistogram.take(all);
        } catch (IllegalStateException e) {
            throw new CommandException(e.getMessage());
        }
        if (output != null) {
            Path out = session.resolve(output);
            try {
                String text = ClassHistogram.render(rows, 0);
                AtomicFiles.writeNew(out, force, o -> o.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new CommandException(AtomicFiles.failure(out, e).getMessage());
            }
            if (!json) {
                session.out.printf("wrote %s (%d classes)%n", out, rows.size());
            }
        }
        if (json) {
            session.out.println(Json.write(ClassHistogram.toMap(rows, top)));
        } else if (output == null) {
            session.out.print(ClassHistogram.render(rows, top));
        }
        return 0;
    }
}
