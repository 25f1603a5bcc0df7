package dev.forgeperf.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the real CLI ({@code java -jar forge-perf.jar …}) as a user would. */
public final class Cli {
    /** One CLI run's outcome. */
    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private final Map<String, String> env;
    private final Path cwd;

    public Cli(Map<String, String> env, Path cwd) {
        this.env = env;
        this.cwd = cwd;
    }

    public Result run(String... args) {
        return runWith(List.of(), args);
    }

    /** Runs the CLI behind a prefix such as {@code runuser -u nobody --}. */
    public Result runWith(List<String> prefix, String... args) {
        try (Proc p = Proc.start(command(prefix, args), new HashMap<>(env), cwd)) {
            int exit = p.waitFor(Duration.ofMinutes(3));
            return new Result(exit, p.stdout(), p.stderr());
        }
    }

    /**
     * Starts the CLI and returns at once, for a command the test interrupts ({@code kill -INT}) or
     * runs beside others. SIGINT is set back to its default first: a shell ignores it in the jobs
     * it starts with {@code &}, the JVM then installs no handler for it, and Ctrl-C would be lost
     * when the suite itself runs in the background.
     */
    public Proc start(String... args) {
        return Proc.start(command(List.of("env", "--default-signal=INT"), args), new HashMap<>(env), cwd);
    }

    private static List<String> command(List<String> prefix, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Jdks.java(Path.of(System.getProperty("java.home"))));
        cmd.add("-jar");
        cmd.add(Fixtures.agentJar().toString());
        cmd.addAll(List.of(args));
        return cmd;
    }
}
