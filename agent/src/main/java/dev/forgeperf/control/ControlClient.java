package dev.forgeperf.control;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Sends one command line to an agent's control socket and streams back its answer. A client that
 * asks for them ({@link Protocol#ALIVE_HEADER}) gets an {@link Protocol#ALIVE} frame as soon as the
 * agent has read the request and then whenever the command has sent nothing for
 * {@link Protocol#ALIVE_EVERY_MILLIS} ms, so a long silence means the agent does not answer. The
 * call then ends with {@link NoAnswer} instead of waiting forever: after the caller's bound when the
 * JVM is stopped ({@code SIGSTOP}, a debugger) or cannot be told, after ten times the bound when it
 * runs (a long GC pause or a heap dump of a big heap stops every Java thread, the beats' too, and
 * ends). Only time spent waiting for the agent counts: not the time the caller spends with what it
 * read (a full pipe), nor time this process was itself stopped or starved (Ctrl-Z). An agent that
 * answers without alive frames (an older version) is waited for as long as it takes.
 */
public final class ControlClient {
    /** How long a client waits through silence by default. */
    public static final Duration DEFAULT_SILENCE = Duration.ofSeconds(60);
    /** How many times the bound a client waits through silence while the JVM runs. */
    public static final int WHILE_RUNNING = 10;

    private ControlClient() {
    }

    /** The agent sent nothing for {@link #silence()}: its JVM is stopped, paused, or its agent stuck. */
    public static final class NoAnswer extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient Duration silence;
        private final Boolean stopped;

        NoAnswer(Duration silence, boolean taken, Boolean stopped) {
            super((taken ? "the agent took the command and then sent nothing for " + said(silence)
                    : "the agent sent nothing for " + said(silence) + " (it did not take the command)")
                    + (stopped == null ? "" : stopped ? "; the JVM is stopped (SIGSTOP, or a debugger holds it)" : " while its JVM ran"));
            this.silence = silence;
            this.stopped = stopped;
        }

        public Duration silence() {
            return silence;
        }

        /** Whether the JVM was stopped when the client gave up; null when it could not be told. */
        public Boolean stopped() {
            return stopped;
        }

        private static String said(Duration d) {
            return d.toMillis() < 1000 ? d.toMillis() + "ms" : dev.forgeperf.util.Units.span(d.toMillis());
        }
    }

    /** A call in progress: lets a Ctrl-C handler ask the agent to finish early. */
    public static final class Call {
        private final SocketChannel ch;
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile Runnable onEnd = () -> { };

        Call(SocketChannel ch) {
            this.ch = ch;
        }

        /** Half-closes the connection: the agent sees the user hang up. False if already over. */
        public boolean interrupt() {
            if (ended.getCount() == 0) {
                return false;
            }
            try {
                ch.shutdownOutput();
                return true;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        /** Waits until the answer has been read completely (or the time is up). */
        public void awaitEnd(Duration max) {
            try {
                ended.await(max.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        public void onEnd(Runnable r) {
            onEnd = r;
        }

        void end() {
            ended.countDown();
            onEnd.run();
        }
    }

    public static int run(Path socket, Map<String, String> headers, List<String> args, Protocol.FrameSink sink) throws IOException {
        return run(socket, headers, args, sink, call -> { }, DEFAULT_SILENCE, null);
    }

    /**
     * Runs {@code args} in the agent listening on {@code socket}.
     *
     * @param started told about the call once the request is sent (to wire up Ctrl-C)
     * @param silence how long the agent may send nothing before the call gives up (ten times that while
     *                {@code stopped} says the JVM runs)
     * @param stopped whether the JVM is stopped now; null: cannot be told (the bound applies as is)
     * @return the command's exit status
     * @throws NoAnswer when the agent sent nothing for that long
     * @throws IOException when the socket cannot be reached or the agent hung up mid-answer
     */
    public static int run(Path socket, Map<String, String> headers, List<String> args, Protocol.FrameSink sink,
            Consumer<Call> started, Duration silence, BooleanSupplier stopped) throws IOException {
        Map<String, String> asked = new LinkedHashMap<>(headers);
        asked.put(Protocol.ALIVE_HEADER, "1");
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            Silence watch = new Silence(ch, silence, stopped);
            Thread watcher = new Thread(watch, "forge-perf-answer-watch");
            watcher.setDaemon(true);
            watcher.start(); // before connecting: a stopped JVM's full accept queue blocks connect
            Call call = new Call(ch);
            try {
                IOException writeFailed = null;
                try {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch)));
                    Protocol.writeRequest(out, asked, args);
                } catch (IOException e) {
                    if (watch.gaveUp() || !ch.isConnected()) {
                        throw watch.gaveUp() ? watch.noAnswer() : e;
                    }
                    // the agent may have refused the connection before reading the request (busy, not
                    // the owner): its one-line answer is still there to read
                    writeFailed = e;
                }
                if (writeFailed == null) {
                    started.accept(call);
                }
                DataInputStream in = new DataInputStream(new BufferedInputStream(watch.watched(Channels.newInputStream(ch))));
                try {
                    return Protocol.readResponse(in, (type, text) -> {
                        watch.output();
                        sink.text(type, text);
                    }, watch::alive);
                } catch (IOException e) {
                    if (watch.gaveUp()) {
                        throw watch.noAnswer();
                    }
                    if (writeFailed != null) {
                        throw writeFailed;
                    }
                    if (e instanceof EOFException) {
                        throw new IOException("the agent closed the connection before answering (did the JVM exit?)");
                    }
                    throw e;
                }
            } finally {
                watch.stop();
                call.end();
            }
        }
    }

    /**
     * Closes the channel once the agent has been silent too long, which ends a connect or read
     * blocked on it. Silence counts only while this client waits for the agent (connecting, or
     * blocked in a read), and restarts when the watcher itself was not scheduled for a while (this
     * process was stopped or starved). Thread-safety: the calling thread marks its reads and the
     * frames, the watching thread checks them; all shared fields are volatile.
     */
    private static final class Silence implements Runnable {
        private final SocketChannel ch;
        private final long boundNanos;
        private final BooleanSupplier stopped;
        /** When this client started waiting for the agent (Long.MIN_VALUE: not waiting). */
        private volatile long waitingSince = System.nanoTime();
        private volatile boolean heard;
        private volatile boolean aliveSeen;
        /** An older agent: output came before any alive frame; it is waited for as long as it takes. */
        private volatile boolean unbounded;
        private volatile boolean gaveUp;
        private volatile Boolean stoppedAtEnd;
        private volatile boolean done;

        Silence(SocketChannel ch, Duration bound, BooleanSupplier stopped) {
            this.ch = ch;
            this.boundNanos = bound.toNanos();
            this.stopped = stopped;
        }

        /** {@code in}, its blocking reads marked as waiting for the agent. */
        java.io.InputStream watched(java.io.InputStream in) {
            return new java.io.FilterInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    waitingSince = System.nanoTime();
                    try {
                        int n = super.read(b, off, len);
                        heard = true;
                        return n;
                    } finally {
                        waitingSince = Long.MIN_VALUE;
                    }
                }

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }
            };
        }

        /** An alive frame arrived. */
        void alive() {
            aliveSeen = true;
        }

        /** Output arrived: without an alive frame before it, the agent is an older one that sends none. */
        void output() {
            if (!aliveSeen) {
                unbounded = true;
            }
        }

        @Override
        public void run() {
            long tick = Math.max(1, Math.min(200, boundNanos / 4_000_000));
            long last = System.nanoTime();
            while (!done) {
                try {
                    Thread.sleep(tick);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                long since = waitingSince;
                if (now - last > TimeUnit.MILLISECONDS.toNanos(tick) + 1_000_000_000L && since != Long.MIN_VALUE) {
                    waitingSince = now; // this process was stopped or starved: not the agent's silence
                    since = now;
                }
                last = now;
                if (unbounded || since == Long.MIN_VALUE || now - since <= boundNanos) {
                    continue;
                }
                Boolean jvmStopped = stopped == null ? null : stopped.getAsBoolean();
                if (Boolean.FALSE.equals(jvmStopped) && now - since <= WHILE_RUNNING * boundNanos) {
                    continue; // it runs: a long pause that ends, most likely
                }
                stoppedAtEnd = jvmStopped;
                gaveUp = true;
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closed either way
                }
                return;
            }
        }

        boolean gaveUp() {
            return gaveUp;
        }

        NoAnswer noAnswer() {
            Duration waited = Boolean.FALSE.equals(stoppedAtEnd) ? Duration.ofNanos(WHILE_RUNNING * boundNanos) : Duration.ofNanos(boundNanos);
            return new NoAnswer(waited, heard, stoppedAtEnd);
        }

        void stop() {
            done = true;
        }
    }
}
