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

    public Session(PrintWriter out, PrintWriter err, Path cwd, boolean tty) {
        this.out = out;
        this.err = err;
        this.cwd = cwd;
        this.tty = tty;
    }

    /** {@code path} resolved against the client's working directory. */
    public Path resolve(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : cwd.resolve(p).normalize();
    }
}
