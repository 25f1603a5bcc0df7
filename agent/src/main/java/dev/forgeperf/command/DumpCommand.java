package dev.forgeperf.command;

import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import dev.forgeperf.control.CommandException;
import dev.forgeperf.jfr.ContinuousRecording;
import dev.forgeperf.util.Durations;
import dev.forgeperf.util.Units;

/** {@code dump …}: artifacts written by the agent straight to a file. */
@Command(name = "dump", description = "Dump threads, the heap, the class histogram, the JFR recording or a class's bytecode.", subcommands = {
        DumpThreadsCommand.class, DumpHeapCommand.class, DumpHistogramCommand.class, DumpCommand.Jfr.class, DumpCommand.ClassFile.class})
public final class DumpCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing what to dump: " + String.join(", ", spec.subcommands().keySet()));
    }

    /** {@code dump jfr PID -o FILE.jfr [--last 5m]}: a copy of the continuous recording. */
    @Command(name = "jfr", description = {"Copy the agent's continuous JFR recording to a file (read it with `jfr summary` or JDK Mission Control).",
            "The file is 0600 (a recording holds the JVM's environment and system properties)."})
    public static final class Jfr extends AgentCommand {
        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.jfr", description = "Where to write the recording.")
        String output;

        @Option(names = "--force", description = "Replace FILE.jfr if it exists (without it an existing file is refused).")
        boolean force;

        @Option(names = "--last", paramLabel = "DURATION", description = "Only the most recent part, e.g. 5m (whole chunks, so a little more may come).")
        String last;

        @Override
        public int run(AgentContext agent, Session session) throws IOException {
            java.time.Duration window = null;
            if (last != null) {
                try {
                    window = java.time.Duration.ofNanos(Durations.parseNanos(last));
                } catch (IllegalArgumentException e) {
                    throw new CommandException("--last: " + e.getMessage(), 2);
                }
            }
            ContinuousRecording r = agent.recording();
            if (r == null) {
                throw new CommandException("the continuous recording is off in this JVM (agent option jfr=off); use `forge-perf profile` for a focused recording");
            }
            Path out = session.resolve(output);
            long bytes;
            try {
                bytes = r.dump(out, window, force);
            } catch (IOException e) {
                throw new CommandException(AtomicFiles.failure(out, e).getMessage());
            }
            session.out.printf("wrote %s (%s)%n", out, Units.bytes(bytes));
            return 0;
        }
    }

    /** {@code dump class PID CLASS -o FILE}: the class file as the JVM runs it now (with forge-perf's timing, if any). */
    @Command(name = "class", description = {"Write the bytecode a loaded class runs with now (after forge-perf's instrumentation, if any).",
            "Compare before and after `uninstrument` to see the original restored."})
    public static final class ClassFile extends AgentCommand {
        @Parameters(index = "1", paramLabel = "CLASS", description = "Fully qualified class name.")
        String className;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Where to write the .class file.")
        String output;

        @Option(names = "--force", description = "Replace FILE if it exists (without it an existing file is refused).")
        boolean force;

        @Override
        public int run(AgentContext agent, Session session) throws IOException {
            Instrumentation inst = agent.instrumentation();
            List<Class<?>> found = new ArrayList<>();
            for (Class<?> c : inst.getAllLoadedClasses()) {
                if (c.getName().equals(className)) {
                    found.add(c);
                }
            }
            if (found.isEmpty()) {
                throw new CommandException("no loaded class named " + className);
            }
            Class<?> target = found.get(0);
            if (!inst.isModifiableClass(target)) {
                throw new CommandException(className + " cannot be retransformed, so its bytecode cannot be read back");
            }
            Path out = session.resolve(output);
            DumpThreadsCommand.checkTarget(out, force);
            byte[] bytes = currentBytes(inst, target);
            try {
                AtomicFiles.writeNew(out, force, o -> o.write(bytes));
            } catch (IOException e) {
                throw new CommandException(AtomicFiles.failure(out, e).getMessage());
            }
            session.out.printf("wrote %s (%d bytes)%s%n", out, bytes.length,
                    found.size() > 1 ? "; " + found.size() + " classes of that name are loaded, this is the first" : "");
            return 0;
        }

        /** The class file bytes the JVM currently runs for {@code c}, read by a retransformation. */
        static byte[] currentBytes(Instrumentation inst, Class<?> c) {
            AtomicReference<byte[]> seen = new AtomicReference<>();
            ClassFileTransformer capture = new ClassFileTransformer() {
                @Override
                public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
                    if (redefined == c) {
                        seen.set(bytes.clone());
                    }
                    return null;
                }
            };
            inst.addTransformer(capture, true);
            try {
                inst.retransformClasses(c);
            } catch (Exception | LinkageError e) {
                throw new CommandException("cannot read back the bytecode of " + c.getName() + ": " + e);
            } finally {
                inst.removeTransformer(capture);
            }
            if (seen.get() == null) {
                throw new CommandException("the JVM did not hand back the bytecode of " + c.getName());
            }
            return seen.get();
        }
    }
}
