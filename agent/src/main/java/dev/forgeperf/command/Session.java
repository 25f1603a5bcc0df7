package dev.forgeperf.command;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * One command's connection to its user: where its answer goes and the client's working directory
 * and terminal, so the agent resolves {@code -o FILE} as the user meant it.
 */
public final class Session {
    public final PrintWriter out;
    public final PrintWriter err;
    public final Path cwd;
    public final boolean tty;
    private final java.util.function.BooleanSupplier hungUp;
    private final java.util.function.BooleanSupplier answered;

    public Session(PrintWriter out, PrintWriter err, Path cwd, boolean tty, java.util.function.BooleanSupplier hungUp,
            java.util.function.BooleanSupplier answered) {
        this.out = out;
        this.err = err;
        this.cwd = cwd;
        this.tty = tty;
        this.hungUp = hungUp;
        this.answered = answered;
    }

    /**
     * True once this command's answer is complete: the exit status written and the connection
     * closed (or the client gone). Never true while the command runs; for another thread to wait on.
     */
    public boolean answered() {
        return answered.getAsBoolean();
    }

    /** True once the user pressed Ctrl-C or the client went away. */
    public boolean hungUp() {
        return hungUp.getAsBoolean() || out.checkError();
    }

    /**
     * Waits {@code nanos}, or less if the user hangs up; calls {@code tick} with the seconds left
     * about once a second.
     *
     * @return true when the whole time passed
     */
    public boolean await(long nanos, java.util.function.LongConsumer tick) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        long lastSecond = -1;
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            if (hungUp()) {
                return false;
            }
            long second = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(left + 999_999_999L);
            if (second != lastSecond && tick != null) {
                tick.accept(second);
                lastSecond = second;
            }
            Thread.sleep(Math.min(100, Math.max(1, left / 1_000_000)));
        }
    }

    /** {@code path} resolved against the client's working directory. */
    public Path resolve(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : cwd.resolve(p).normalize();
    }
}
