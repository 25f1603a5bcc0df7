package dev.forgeperf.command;

import dev.forgeperf.profile.ProfileOptions;
import picocli.CommandLine.Option;
import dev.forgeperf.control.CommandException;

/** Options that shape a profile's stacks, shared by {@code profile}, {@code convert}, {@code top} and {@code diff}. */
public final class StackFilter {
    @Option(names = "--threads", description = "Put the thread name at the root of every stack.")
    boolean threads;

    @Option(names = "--include", paramLabel = "REGEX", description = "Keep only samples with a frame (pkg.Class.method) matching REGEX.")
    String include;

    @Option(names = "--exclude", paramLabel = "REGEX", description = "Drop samples with a frame matching REGEX.")
    String exclude;

    /**
     * {@code base} with these options applied.
     *
     * @throws CommandException (usage, exit 2) for a malformed regular expression
     */
    public ProfileOptions applyTo(ProfileOptions base) {
        try {
            return base.withThreads(threads).withInclude(include).withExclude(exclude);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage(), 2);
        }
    }
}
