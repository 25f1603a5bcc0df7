package dev.forgeperf.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real process started by a test, its output collected line by line. Destroyed on close. */
public final class Proc implements AutoCloseable {
    private final Process process;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();
    private final List<String> command;
    private final Thread outPump;
    private final Thread errPump;

    private Proc(List<String> command, Process process) {
        this.command = command;
        this.process = process;
        outPump = pump(process.getInputStream(), out);
        errPump = pump(process.getErrorStream(), err);
    }

    public static Proc start(List<String> command, Map<String, String> env, Path dir) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (env != null) {
            env.forEach((k, v) -> {
                if (v == null) {
                    pb.environment().remove(k);
                } else {
                    pb.environment().put(k, v);
                }
            });
        }
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            return new Proc(command, pb.start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command, e);
        }
    }

    private static Thread pump(InputStream in, List<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (sink) {
                        sink.add(line);
                        sink.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
        }, "proc-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }

    public long pid() {
        return process.pid();
    }

    /** The command line it was started with. */
    public List<String> command() {
        return command;
    }

    public Process process() {
        return process;
    }

    /** Waits for a stdout line matching {@code regex}; returns the first capture group (or the line). */
    public String awaitOut(String regex, Duration timeout) {
        return await(out, regex, timeout);
    }

    public String awaitErr(String regex, Duration timeout) {
        return await(err, regex, timeout);
    }

    private String await(List<String> sink, String regex, Duration timeout) {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (sink) {
            int seen = 0;
            while (true) {
                for (; seen < sink.size(); seen++) {
                    Matcher m = p.matcher(sink.get(seen));
                    if (m.find()) {
                        return m.groupCount() > 0 ? m.group(1) : sink.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no line matching /" + regex + "/ within " + timeout + " from " + command
                            + "\nstdout:\n" + String.join("\n", out) + "\nstderr:\n" + String.join("\n", err));
                }
                try {
                    sink.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** Waits for the process to end and for all of its output to be read; returns its exit status. */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("still running after " + timeout + ": " + command + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
            }
            // the pumps end at end of file (a child that kept the pipes open only delays this up to the bound)
            outPump.join(TimeUnit.SECONDS.toMillis(60));
            errPump.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    public String stdout() {
        synchronized (out) {
            return String.join("\n", out);
        }
    }

    public String stderr() {
        synchronized (err) {
            return String.join("\n", err);
        }
    }

    public List<String> stderrLines(Predicate<String> filter) {
        synchronized (err) {
            return err.stream().filter(filter).toList();
        }
    }

    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        // every one, not just ours: under `runuser` the JVM is a child that may outlive the wrapper by a moment,
        // and a JVM still alive below would keep its attach socket from being removed
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                // still alive after the bound: its socket stays, as before
            }
        }
        // a JVM killed with SIGKILL leaves its JDK attach socket in /tmp; one of root would make every later JVM of
        // another user given the same pid unattachable (it cannot remove it), so the machine's next runs would fail
        for (ProcessHandle h : all) {
            if (!h.isAlive()) {
                try {
                    java.nio.file.Files.deleteIfExists(java.nio.file.Path.of("/tmp", ".java_pid" + h.pid()));
                } catch (java.io.IOException | RuntimeException e) {
                    // not ours to remove: leave it
                }
            }
        }
    }
}
