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

    /** The agent commands, in the order help lists them. */
    public static final java.util.List<String> AGENT_COMMANDS = java.util.List.of("status", "instrument", "uninstrument", "timings",
            "dump", "metrics", "history", "health", "gc", "snapshot", "profile", "detach");

    /** A new instance of the agent command {@code name} (one of {@link #AGENT_COMMANDS}). */
    static Object newAgentCommand(String name) {
        switch (name) {
            case "status": return new StatusCommand();
            case "instrument": return new InstrumentCommand();
            case "uninstrument": return new UninstrumentCommand();
            case "timings": return new TimingsCommand();
            case "dump": return new DumpCommand();
            case "metrics": return new MetricsCommand();
            case "history": return new HistoryCommand();
            case "health": return new HealthCommand();
            case "gc": return new GcCommand();
            case "snapshot": return new SnapshotCommand();
            case "profile": return new ProfileCommand();
            case "detach": return new DetachCommand();
            default: throw new IllegalArgumentException(name);
        }
    }

    /** Creates the top command with all agent commands. */
    public static CommandLine create() {
        return create(null);
    }

    /**
     * Creates the top command with the agent commands, or with just {@code only} when it names
     * one: building picocli's model of every command is most of a CLI call's start-up.
     */
    public static CommandLine create(String only) {
        CommandLine cl = new CommandLine(new Top());
        for (String name : AGENT_COMMANDS) {
            if (only == null || only.equals(name)) {
                cl.addSubcommand(newAgentCommand(name));
            }
        }
        cl.setUsageHelpAutoWidth(false);
        cl.setUsageHelpWidth(100);
        return withHelpOptions(cl);
    }

    /** The first argument that is not an option: the subcommand's name, if any. */
    public static String commandName(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
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
