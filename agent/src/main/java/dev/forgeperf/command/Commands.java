package dev.forgeperf.command;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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
            footer = {"", "Exit status: 0 ok, 1 error (one line on stderr says what to do), 2 usage error (also: no command).",
                    "Except: health 0 healthy, 1 degraded, 2 unhealthy, 3 could not tell (the Nagios plugin convention);",
                    "diff 0 no regression, 1 regression, 2 trouble (as diff(1)).",
                    "Environment: FORGE_PERF_DIR the agents' socket folder; FORGE_PERF_TIMEOUT how long to wait through",
                    "the silence of an agent whose JVM is stopped (default 60s; ten times that while the JVM runs).",
                    "Run 'forge-perf COMMAND --help' for a command's options."})
    public static final class Top implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show stack traces of failures.")
        public boolean verbose;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** No command given: a usage error (the usage goes to standard error, exit status 2). */
        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            err.println("forge-perf: no command given");
            spec.commandLine().usage(err);
            err.flush();
            return 2;
        }
    }

    /**
     * The registry of agent commands: name to a new instance, in the order help lists them. Both
     * sides build their picocli model from it (the agent to run a request, the CLI to forward
     * one), so adding an agent command is adding its entry here; the CLI adds its local commands
     * through {@link #create(String, Map)}.
     */
    private static final Map<String, Supplier<Object>> AGENT = new LinkedHashMap<>();

    static {
        AGENT.put("status", StatusCommand::new);
        AGENT.put("instrument", InstrumentCommand::new);
        AGENT.put("uninstrument", UninstrumentCommand::new);
        AGENT.put("timings", TimingsCommand::new);
        AGENT.put("dump", DumpCommand::new);
        AGENT.put("threads", ThreadsCommand::new);
        AGENT.put("metrics", MetricsCommand::new);
        AGENT.put("history", HistoryCommand::new);
        AGENT.put("health", HealthCommand::new);
        AGENT.put("gc", GcCommand::new);
        AGENT.put("snapshot", SnapshotCommand::new);
        AGENT.put("profile", ProfileCommand::commandLine);
        AGENT.put("session", SessionCommand::new);
        AGENT.put("detach", DetachCommand::new);
    }

    /** The agent commands, in the order help lists them. */
    public static final List<String> AGENT_COMMANDS = List.copyOf(AGENT.keySet());

    /** Creates the top command with all agent commands. */
    public static CommandLine create() {
        return create(null);
    }

    /**
     * Creates the top command with the agent commands, or with just {@code only} when it names
     * one: building picocli's model of every command is most of a CLI call's start-up.
     */
    public static CommandLine create(String only) {
        return create(only, Map.of());
    }

    /**
     * Creates the top command with the agent commands and then {@code local} ones (name to a new
     * instance, in help order), or with just {@code only} when it names one.
     */
    public static CommandLine create(String only, Map<String, Supplier<Object>> local) {
        CommandLine cl = new CommandLine(new Top());
        for (Map<String, Supplier<Object>> registry : List.of(AGENT, local)) {
            registry.forEach((name, command) -> {
                if (only == null || only.equals(name)) {
                    cl.addSubcommand(name, command.get());
                }
            });
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

    /** The exit status of {@code health} when it could not tell (no such JVM, no agent, bad arguments, a failure). */
    public static final int HEALTH_UNKNOWN = 3;
    /** The exit status of {@code diff} on trouble (bad arguments, unreadable input), as diff(1). */
    public static final int DIFF_TROUBLE = 2;

    /**
     * The exit status to report when command {@code name} failed with {@code status} (1 error, 2
     * usage): {@code health} and {@code diff} keep 1 and 2 for their verdicts, so any failure of
     * theirs is {@link #HEALTH_UNKNOWN} or {@link #DIFF_TROUBLE}.
     */
    public static int failureStatus(String name, int status) {
        if ("health".equals(name)) {
            return HEALTH_UNKNOWN;
        }
        if ("diff".equals(name)) {
            return DIFF_TROUBLE;
        }
        return status;
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
