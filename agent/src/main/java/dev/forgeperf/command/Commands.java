package dev.forgeperf.command;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The command model shared by the CLI and the agent: the top command and every
 * {@link AgentCommand}. The CLI adds its local commands (list, attach, …) on top.
 */
public final class Commands {
    private Commands() {
    }

    /** The top-level command. */
    @Command(name = "forge-perf", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Answers where time, memory and threads go in a running JVM.%n"
                    + "Load the agent at startup (java -javaagent:forge-perf.jar[=options] ...) or into a running JVM (forge-perf attach PID).",
            footer = {"", "Exit status: 0 ok, 1 error (one line on stderr says what to do), 2 usage error.",
                    "Run 'forge-perf COMMAND --help' for a command's options."})
    public static final class Top implements Runnable {
        @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show stack traces of failures.")
        public boolean verbose;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    /** Creates the top command with all agent commands. */
    public static CommandLine create() {
        CommandLine cl = new CommandLine(new Top());
        cl.addSubcommand(new StatusCommand());
        cl.addSubcommand(new InstrumentCommand());
        cl.addSubcommand(new UninstrumentCommand());
        cl.addSubcommand(new TimingsCommand());
        cl.addSubcommand(new DumpCommand());
        cl.addSubcommand(new MetricsCommand());
        cl.addSubcommand(new HistoryCommand());
        cl.addSubcommand(new HealthCommand());
        cl.addSubcommand(new GcCommand());
        cl.addSubcommand(new SnapshotCommand());
        cl.addSubcommand(new ProfileCommand());
        cl.setUsageHelpAutoWidth(false);
        cl.setUsageHelpWidth(100);
        return withHelpOptions(cl);
    }

    /** Gives every (sub)command {@code --help}; call again after adding subcommands. */
    public static CommandLine withHelpOptions(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getCommandSpec().mixinStandardHelpOptions()) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
            }
            withHelpOptions(sub);
        }
        return cl;
    }

    /** Prints a parse error as one line plus a hint; returns exit status 2. */
    public static int usageError(CommandLine.ParameterException e, PrintWriter err) {
        CommandLine cmd = e.getCommandLine();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException && !cmd.getSubcommands().isEmpty()) {
            java.util.List<String> unmatched = ((CommandLine.UnmatchedArgumentException) e).getUnmatched();
            if (!unmatched.isEmpty() && !unmatched.get(0).startsWith("-")) {
                message = "unknown command '" + unmatched.get(0) + "'";
            }
        }
        err.println("forge-perf: " + message);
        if (e instanceof CommandLine.UnmatchedArgumentException) {
            java.util.List<String> suggestions = ((CommandLine.UnmatchedArgumentException) e).getSuggestions();
            if (!suggestions.isEmpty()) {
                err.println("Did you mean: " + String.join(", ", suggestions) + "?");
            }
        }
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return 2;
    }
}
