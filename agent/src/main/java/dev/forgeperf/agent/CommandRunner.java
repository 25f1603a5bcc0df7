package dev.forgeperf.agent;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;

import dev.forgeperf.command.AgentCommand;
import dev.forgeperf.control.CommandException;
import dev.forgeperf.command.Commands;
import dev.forgeperf.command.Session;
import dev.forgeperf.control.ControlServer;
import dev.forgeperf.control.Protocol;
import dev.forgeperf.runtime.HeapGuard;
import picocli.CommandLine;

/**
 * Runs a command line received on the control socket against the shared command model. A failure
 * (not the command's own answer) gets the exit status {@link Commands#failureStatus} gives it.
 */
final class CommandRunner implements ControlServer.Handler {
    private final Agent agent;

    private static final String HEAP_FULL = "forge-perf: the JVM's heap is full (less than 1 MB free); the agent does nothing now,"
            + " so as not to take the application's last memory; retry shortly\n";

    CommandRunner(Agent agent) {
        this.agent = agent;
    }

    @Override
    public int handle(Protocol.Request request, Writer outWriter, Writer errWriter, java.util.function.BooleanSupplier hungUp,
            java.util.function.BooleanSupplier answered) {
        if (HeapGuard.freeNow() < (1 << 20)) {
            // parsing the command could fail a class initializer for good: answer without doing anything
            try {
                errWriter.write(HEAP_FULL);
            } catch (java.io.IOException clientGone) {
                // nothing to answer
            }
            return 1;
        }
        PrintWriter out = new PrintWriter(outWriter, true);
        PrintWriter err = new PrintWriter(errWriter, true);
        String cwd = request.headers.getOrDefault(Protocol.CWD, "/");
        Session session = new Session(out, err, Path.of(cwd), "true".equals(request.headers.get(Protocol.TTY)), hungUp, answered);
        String name = Commands.commandName(request.args.toArray(new String[0]));
        CommandLine cl = Commands.create(name != null && Commands.AGENT_COMMANDS.contains(name) ? name : null);
        cl.setOut(out);
        cl.setErr(err);
        CommandLine.ParseResult parsed;
        try {
            parsed = cl.parseArgs(request.args.toArray(new String[0]));
        } catch (CommandLine.ParameterException e) {
            return Commands.failureStatus(name, Commands.usageError(e, err));
        }
        if (CommandLine.printHelpIfRequested(parsed)) {
            return 0;
        }
        CommandLine.ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        Object command = leaf.commandSpec().userObject();
        if (!(command instanceof AgentCommand)) {
            err.println("forge-perf: '" + leaf.commandSpec().name() + "' does not run inside the JVM");
            return Commands.failureStatus(name, 2);
        }
        boolean verbose = ((Commands.Top) parsed.commandSpec().userObject()).verbose;
        if (agent.detached()) {
            err.println("forge-perf: the agent is detaching from this JVM; run `forge-perf attach " + agent.pid() + "` to load it again");
            return 1;
        }
        try {
            int status = ((AgentCommand) command).run(agent, session);
            out.flush();
            return status;
        } catch (CommandException | HeapGuard.Refused e) {
            err.println("forge-perf: " + e.getMessage());
            return Commands.failureStatus(name, e instanceof CommandException ? ((CommandException) e).exitCode() : 1);
        } catch (java.io.IOException e) {
            err.println("forge-perf: " + (e instanceof java.nio.file.NoSuchFileException || e instanceof java.nio.file.AccessDeniedException
                    ? "cannot write " + e.getMessage() : e.getMessage() == null ? e.toString() : e.getMessage()));
            return Commands.failureStatus(name, 1);
        } catch (Exception | LinkageError e) {
            err.println("forge-perf: the command failed in the agent: " + e + (verbose ? "" : " (run with --verbose for details)"));
            if (verbose) {
                e.printStackTrace(err);
            }
            return Commands.failureStatus(name, 1);
        }
    }
}
