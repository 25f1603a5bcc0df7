package dev.forgeperf.command;

import java.io.IOException;
import java.nio.file.Path;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.runtime.HeapDump;
import dev.forgeperf.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.forgeperf.control.CommandException;
import dev.forgeperf.util.Units;

/** {@code dump heap PID -o FILE.hprof [--live]}: an HPROF heap dump, complete or absent. */
@Command(name = "heap", description = {"Write an HPROF heap dump (for Eclipse MAT, VisualVM, …).",
        "Written 0600 in a private temporary folder beside FILE and moved there when complete. Refused",
        "up front when FILE exists (unless --force), the directory is not writable or has less free",
        "space than the heap uses.",
        "The application pauses while the heap is walked; a terminal shows the size growing."})
public final class DumpHeapCommand extends AgentCommand {
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.hprof", description = "Where to write the dump; must end with .hprof.")
    String output;

    @Option(names = "--force", description = "Replace FILE if it exists (without it an existing file is refused).")
    boolean force;

    @Option(names = "--live", description = "Only objects reachable from GC roots (runs a full GC first; smaller dump).")
    boolean live;

    @Option(names = "--json", description = "Print JSON (file, bytes, durationMillis, live, heapUsedBytes).")
    boolean json;

    @Override
    public int run(AgentContext agent, Session session) {
        Path out = session.resolve(output);
        boolean progress = session.tty && !json;
        HeapDump.Result r;
        try {
            r = HeapDump.write(out, live, force, !progress ? null : bytes -> {
                session.out.print("\rwriting heap dump: " + Units.bytes(bytes) + "   ");
                session.out.flush();
            });
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage(), 2);
        } catch (IOException e) {
            throw new CommandException(e.getMessage() == null ? "heap dump failed: " + e : e.getMessage());
        } finally {
            if (progress) {
                session.out.print("\r\033[K");
                session.out.flush();
            }
        }
        if (json) {
            session.out.println(Json.write(r.toMap()));
        } else {
            session.out.printf("wrote %s (%s, %s of heap%s) in %s%n", r.file(), Units.bytes(r.bytes()), Units.bytes(r.heapUsed()),
                    live ? ", live objects only" : "", Units.nanos(r.durationNanos()));
        }
        return 0;
    }

    /** A one-line reason for a failed write. */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
