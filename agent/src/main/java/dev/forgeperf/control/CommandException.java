package dev.forgeperf.control;

/** A failure to report to the user as one line, with an exit status (1: runtime/data, 2: usage). */
public final class CommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CommandException(String message) {
        this(message, 1);
    }

    public CommandException(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
