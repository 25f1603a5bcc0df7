package dev.forgeperf.control;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import dev.forgeperf.util.DaemonThreads;

/**
 * Runs complete requests on two bounded pools of daemon threads, so a long command never delays
 * a short one. Short commands ({@code status}, {@code timings}, {@code health}, {@code metrics},
 * {@code history}, {@code dump threads}, …) run on {@value #SHORT_THREADS} threads
 * ({@code forge-perf-control-short}) with up to {@value #SHORT_QUEUE} waiting; long ones
 * ({@link #isLong}) on at most {@value #LONG_THREADS} threads of their own
 * ({@code forge-perf-control-long}, none waiting), each with a {@link HangUpWatch} on a thread of
 * its own ({@code forge-perf-control-hangup}), so a long command ends when its client hangs up. A
 * request that finds its pool full is answered with one line and closed.
 *
 * <p>Each answer is written in {@link Protocol} frames ({@link AnswerStream}): to a client that
 * asks for them, an {@link Protocol#ALIVE} frame as soon as the request is read (before it waits for
 * a worker); stdout and stderr as the handler writes them ({@link FrameWriter}); to that client,
 * {@link Protocol#ALIVE} frames whenever the command is quiet for {@link Protocol#ALIVE_EVERY_MILLIS}
 * ms (from up to {@value #BEAT_THREADS} threads {@code forge-perf-control-beat}, one per running
 * command at most, so a client that stopped reading holds up only its own); then the exit status.
 * The connection is closed after it, and only then does the handler's {@code answered} turn true. A
 * handler that throws answers one line and status 1.
 *
 * <p>Thread-safety: {@link #dispatch} is called by the selector thread; the counts and
 * {@link #close()} from any thread.
 */
final class CommandWorkers {
    static final int SHORT_THREADS = 2;
    static final int SHORT_QUEUE = 256;
    static final int LONG_THREADS = 4;
    /** One per command that can run at once. */
    static final int BEAT_THREADS = SHORT_THREADS + LONG_THREADS;

    private final ControlServer.Handler handler;
    private final ThreadPoolExecutor shortPool;
    private final ThreadPoolExecutor longPool;
    private final ThreadPoolExecutor hangUpWatchers;
    private final ScheduledThreadPoolExecutor beats;
    private final AtomicLong refused = new AtomicLong();

    CommandWorkers(ControlServer.Handler handler) {
        this.handler = handler;
        this.shortPool = new ThreadPoolExecutor(SHORT_THREADS, SHORT_THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(SHORT_QUEUE),
                DaemonThreads.factory("forge-perf-control-short"));
        shortPool.allowCoreThreadTimeOut(true);
        this.longPool = new ThreadPoolExecutor(0, LONG_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.factory("forge-perf-control-long"));
        // a watcher ends when its command closes the connection; twice as many leaves room for
        // the watchers of commands that just ended
        this.hangUpWatchers = new ThreadPoolExecutor(0, 2 * LONG_THREADS, 5, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.factory("forge-perf-control-hangup"));
        this.beats = new ScheduledThreadPoolExecutor(BEAT_THREADS, DaemonThreads.factory("forge-perf-control-beat"));
        beats.setKeepAliveTime(30, TimeUnit.SECONDS);
        beats.allowCoreThreadTimeOut(true);
        beats.setRemoveOnCancelPolicy(true);
    }

    /** Short commands running now. */
    int shortRunning() {
        return shortPool.getActiveCount();
    }

    /** Short commands waiting for a thread. */
    int shortQueued() {
        return shortPool.getQueue().size();
    }

    /** Long commands running now. */
    int longRunning() {
        return longPool.getActiveCount();
    }

    /** Requests refused because their pool was full. */
    long refused() {
        return refused.get();
    }

    /**
     * True when {@code args} (a command line as sent) names a command that may run for long and
     * so runs apart from the short ones.
     */
    static boolean isLong(List<String> args) {
        List<String> words = new ArrayList<>();
        for (String a : args) {
            if (!a.startsWith("-")) {
                words.add(a);
            }
        }
        if (words.isEmpty()) {
            return false;
        }
        switch (words.get(0)) {
            case "profile":
            case "snapshot":
            case "gc":
            case "instrument":
            case "uninstrument":
            case "threads":
                return true;
            case "dump":
                return !(words.size() > 1 && words.get(1).equals("threads"));
            case "metrics":
                return args.stream().anyMatch(a -> a.equals("--watch") || a.startsWith("--watch="));
            default:
                return false;
        }
    }

    /**
     * Hands {@code r} to its pool, its channel made blocking; when the pool is full, answers one
     * line and closes instead. Never waits for a thread.
     */
    void dispatch(RequestReader.Ready r) {
        boolean isLong = isLong(r.request().args);
        try {
            if (wantsAlive(r)) {
                Connections.sayAlive(r.ch()); // taken: even a request queued behind busy workers is not mistaken for silence
            }
            r.ch().configureBlocking(true);
            (isLong ? longPool : shortPool).execute(() -> serve(r, isLong));
        } catch (RejectedExecutionException busy) {
            refused.incrementAndGet();
            Connections.answerAndClose(r.ch(), isLong
                    ? "the agent is running " + LONG_THREADS + " long commands already (profile, snapshot, dump, gc, instrument,"
                            + " uninstrument, threads, metrics --watch); try again when one of them ends (`forge-perf status` answers meanwhile)"
                    : "the agent has " + SHORT_QUEUE + " commands waiting; try again in a moment");
        } catch (IOException | RuntimeException e) {
            Connections.closeQuietly(r.ch());
        }
    }

    private void serve(RequestReader.Ready r, boolean isLong) {
        java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            answer(r, isLong, answered::get);
        } finally {
            answered.set(true); // the exit status is written and the connection closed, or the client is gone
        }
    }

    private void answer(RequestReader.Ready r, boolean isLong, BooleanSupplier answered) {
        SocketChannel ch = r.ch();
        try (ch) {
            AnswerStream out = new AnswerStream(new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 8192)));
            ScheduledFuture<?> beat = null;
            try {
                long every = Protocol.ALIVE_EVERY_MILLIS / 2;
                beat = wantsAlive(r) ? beats.scheduleWithFixedDelay(out::beat, every, every, TimeUnit.MILLISECONDS) : null;
            } catch (RejectedExecutionException closing) {
                // the server is closing: the command runs without beats
            }
            try {
                run(r, isLong, answered, ch, out);
            } finally {
                if (beat != null) {
                    beat.cancel(false);
                }
            }
        } catch (IOException | RuntimeException clientGone) {
            // the client went away: nothing to answer
        }
    }

    /** Whether the client asked for {@link Protocol#ALIVE} frames (an older CLI does not know them). */
    private static boolean wantsAlive(RequestReader.Ready r) {
        return "1".equals(r.request().headers.get(Protocol.ALIVE_HEADER));
    }

    /** Runs the command, its output and exit status written to {@code out}. */
    private void run(RequestReader.Ready r, boolean isLong, BooleanSupplier answered, SocketChannel ch, AnswerStream out) throws IOException {
        FrameWriter stdout = new FrameWriter(out, Protocol.OUT);
        FrameWriter stderr = new FrameWriter(out, Protocol.ERR);
        BooleanSupplier hungUp;
        if (r.hungUp()) {
            hungUp = () -> true;
        } else if (isLong) {
            HangUpWatch watch = new HangUpWatch(ch);
            try {
                hangUpWatchers.execute(watch);
                hungUp = watch;
            } catch (RejectedExecutionException full) {
                hungUp = () -> !ch.isOpen(); // cannot happen with the pools' sizes; the command runs unwatched
            }
        } else {
            hungUp = () -> false; // short: done before a hang-up would matter; writes fail if the client is gone
        }
        int status;
        try {
            status = handler.handle(r.request(), stdout, stderr, hungUp, answered);
        } catch (Throwable t) {
            stderr.write("forge-perf: the agent failed to run the command: " + t + "\n");
            status = 1;
        }
        stdout.flush();
        stderr.flush();
        out.exit(status);
    }

    /** Stops the pools; running commands are interrupted. */
    void close() {
        shortPool.shutdownNow();
        longPool.shutdownNow();
        hangUpWatchers.shutdownNow();
        beats.shutdownNow();
    }
}
