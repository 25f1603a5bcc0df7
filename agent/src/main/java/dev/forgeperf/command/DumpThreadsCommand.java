package dev.forgeperf.command;

import java.io.IOException;
import java.nio.file.Path;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.runtime.ThreadDump;
import dev.forgeperf.runtime.VirtualThreads;
import dev.forgeperf.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.forgeperf.control.CommandException;

/** {@code dump threads PID [-o FILE]}: every thread with its full stack, locks, and the deadlocks. */
@Command(name = "threads", description = {"Dump all threads with full stacks, the locks they hold and wait on, and deadlocks.",
        "Per thread: state, every frame, monitors and ownable synchronizers (ReentrantLock, …) held,",
        "the lock it waits on and that lock's owner. Each deadlock is spelled out at the end.",
        "On JDK 21+ the virtual threads follow, grouped by identical stack with counts, states and",
        "the carrier of each mounted one (from the JDK's HotSpotDiagnosticMXBean.dumpThreads; at most",
        VirtualThreads.MAX_GROUPS + " distinct stacks listed, the rest counted)."})
public final class DumpThreadsCommand extends AgentCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the dump to FILE instead of standard output.")
    String output;

    @Option(names = "--force", description = "Replace FILE if it exists (without it an existing file is refused).")
    boolean force;

    @Override
    public int run(AgentContext agent, Session session) {
        Path out = output == null ? null : session.resolve(output);
        if (out != null) {
            checkTarget(out, force);
        }
        ThreadDump dump = ThreadDump.take();
        VirtualThreads.Attempt virtual = VirtualThreads.attempt();
        String text = dump.render(virtual.dump(), virtual.whyNot());
        if (output == null) {
            session.out.print(text);
            return 0;
        }
        try {
            AtomicFiles.writeNew(out, force, o -> o.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new CommandException(AtomicFiles.failure(out, e).getMessage());
        }
        int deadlocked = dump.deadlockedThreadNames().size();
        session.out.printf("wrote %s (%d threads%s%s)%n", out, dump.threads().size(),
                virtual.dump() == null ? "" : ", " + virtual.dump().total() + " virtual in " + virtual.dump().groups().size() + " stacks",
                deadlocked == 0 ? ", no deadlock" : ", DEADLOCK: " + deadlocked + " threads " + String.join(", ", dump.deadlockedThreadNames()));
        return 0;
    }

    /** The output rule, checked before any work: one line and exit 1 when it fails. */
    static void checkTarget(Path out, boolean force) {
        try {
            AtomicFiles.checkTarget(out, force);
        } catch (IOException e) {
            throw new CommandException(e.getMessage());
        }
    }
}
