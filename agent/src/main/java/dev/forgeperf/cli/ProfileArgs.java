package dev.forgeperf.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.forgeperf.control.CommandException;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.ProfileException;
import dev.forgeperf.profile.ProfileOptions;
import dev.forgeperf.util.Durations;
import dev.forgeperf.command.StackFilter;
import picocli.CommandLine.Option;

/** Options shared by the offline profile commands ({@code convert}, {@code top}, {@code diff}) and their error mapping. */
final class ProfileArgs {
    @Option(names = "--event", paramLabel = "KIND", defaultValue = "cpu",
            description = "Which profile to build from a JFR file: cpu, wall, alloc, lock or park (default: ${DEFAULT-VALUE}).")
    String event;

    @picocli.CommandLine.Mixin
    StackFilter filter = new StackFilter();

    @Option(names = "--from", paramLabel = "TIME", description = "Keep events from TIME: a duration after the recording's start (30s), an instant (2025-01-31T10:15:00Z) or a local time (10:15:30).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Keep events before TIME (same forms as --from).")
    String to;

    @Option(names = "--interval", paramLabel = "DURATION", description = "The CPU sampling period (default: the recording's own setting, else 20ms).")
    String interval;

    Kind kind() {
        try {
            return Kind.of(event);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage(), 2);
        }
    }

    ProfileOptions options() {
        try {
            ProfileOptions o = filter.applyTo(ProfileOptions.DEFAULT).withWindow(from, to);
            return interval == null ? o : o.withInterval(Durations.parseNanos(interval));
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage(), 2);
        }
    }

    /** Runs {@code body}, turning input and I/O problems into one-line {@link CommandException}s. */
    static <T> T run(Callable<T> body) {
        try {
            return body.call();
        } catch (ProfileException e) {
            throw new CommandException(e.getMessage());
        } catch (CommandException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage(), 2);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CommandException(e.getFile() + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new CommandException(e.getFile() + ": permission denied");
        } catch (IOException e) {
            throw new CommandException(e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String name(Path p) {
        return p.getFileName() == null ? p.toString() : p.getFileName().toString();
    }
}
