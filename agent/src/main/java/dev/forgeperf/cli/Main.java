package dev.forgeperf.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Supplier;
import java.util.Map;

import dev.forgeperf.command.AgentCommand;
import dev.forgeperf.control.CommandException;
import dev.forgeperf.command.Commands;
import dev.forgeperf.command.DetachCommand;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * The forge-perf CLI. Local commands (list, attach, …) run here; agent commands are forwarded
 * through the target JVM's control socket. Exit status: 0 ok, 1 error, 2 usage error; {@code health} and
 * {@code diff} report any failure as {@link Commands#failureStatus} says (3 and 2).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line; returns the exit status. */
    public static int run(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        boolean verbose = Arrays.asList(args).contains("--verbose");
        List<String> line = List.of(args);
        AgentCommand.setForwarder(command -> command instanceof DetachCommand
                ? Remote.detach(command.target, line, out, err) : Remote.forward(command.target, line, out, err));
        String name = Commands.commandName(args);
        boolean single = name != null && !name.equals("generate-completion")
                && (Commands.AGENT_COMMANDS.contains(name) || LOCAL_COMMANDS.contains(name));
        CommandLine cl = create(single ? name : null);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((e, a) -> Commands.failureStatus(name, Commands.usageError(e, err)));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CommandException) {
                err.println("forge-perf: " + e.getMessage());
                return Commands.failureStatus(name, ((CommandException) e).exitCode());
            }
            err.println("forge-perf: " + e.getMessage() + (verbose ? "" : " (run with --verbose for details)"));
            if (verbose) {
                e.printStackTrace(err);
            }
            return Commands.failureStatus(name, 1);
        });
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    /** The commands that run in the CLI itself: name to a new instance, in help order (the agent's come from {@link Commands}). */
    private static final Map<String, Supplier<Object>> LOCAL = new LinkedHashMap<>();

    static {
        LOCAL.put("list", ListCommand::new);
        LOCAL.put("attach", AttachCommand::new);
        LOCAL.put("convert", ConvertCommand::new);
        LOCAL.put("top", TopCommand::new);
        LOCAL.put("diff", DiffCommand::new);
        LOCAL.put("report", ReportCommand::new);
        LOCAL.put("generate-completion", () -> {
            CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
            completion.getCommandSpec().usageMessage().hidden(false);
            return completion;
        });
    }

    /** The names of the commands that run in the CLI itself. */
    static final List<String> LOCAL_COMMANDS = List.copyOf(LOCAL.keySet());

    /** The full command model: agent commands plus the CLI's local ones. */
    public static CommandLine create() {
        return create(null);
    }

    /** The command model, or only the part {@code only} needs when it names a command (faster start); the completion script needs the whole model. */
    static CommandLine create(String only) {
        return Commands.withHelpOptions(Commands.create(only, LOCAL));
    }
}
