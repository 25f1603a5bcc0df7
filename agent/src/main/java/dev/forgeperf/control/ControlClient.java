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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Sends one command line to an agent's control socket and streams back its answer. The agent
 * sends something at least every {@link Protocol#ALIVE_EVERY_MILLIS} ms while it works on the
 * command, so a silence longer than the caller's bound means it does not answer (the JVM stopped
 * or paused, its agent stuck): the call then ends with {@link NoAnswer} instead of waiting forever.
 */
public final class ControlClient {
    /** How long a client waits through silence by default. */
    public static final Duration DEFAULT_SILENCE = Duration.ofSeconds(60);

    private ControlClient() {
    }

    /** The agent sent nothing for {@link #silence()}: its JVM may be stopped, paused or its agent stuck. */
    public static final class NoAnswer extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient Duration silence;

        NoAnswer(Duration silence, boolean taken) {
            super(taken ? "the agent took the command and then sent nothing for " + said(silence)
                    : "the agent sent nothing for " + said(silence) + " (it did not take the command)");
            this.silence = silence;
        }

        public Duration silence() {
            return silence;
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
        return run(socket, headers, args, sink, call -> { }, DEFAULT_SILENCE);
    }

    /**
     * Runs {@code args} in the agent listening on {@code socket}.
     *
     * @param started told about the call once the request is sent (to wire up Ctrl-C)
     * @param silence the longest the agent may send nothing before the call gives up
     * @return the command's exit status
     * @throws NoAnswer when the agent sent nothing for {@code silence}
     * @throws IOException when the socket cannot be reached or the agent hung up mid-answer
     */
    public static int run(Path socket, Map<String, String> headers, List<String> args, Protocol.FrameSink sink,
            Consumer<Call> started, Duration silence) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            Silence watch = new Silence(ch, silence);
            ch.connect(UnixDomainSocketAddress.of(socket));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch)));
            IOException writeFailed = null;
            try {
                Protocol.writeRequest(out, headers, args);
            } catch (IOException e) {
                // the agent may have refused the connection before reading the request (busy, not
                // the owner): its one-line answer is still there to read
                writeFailed = e;
            }
            Call call = new Call(ch);
            if (writeFailed == null) {
                started.accept(call);
            }
            DataInputStream in = new DataInputStream(new BufferedInputStream(watch.counting(Channels.newInputStream(ch))));
            Thread watcher = new Thread(watch, "forge-perf-answer-watch");
            watcher.setDaemon(true);
            watcher.start();
            try {
                return Protocol.readResponse(in, sink);
            } catch (IOException e) {
                if (watch.gaveUp()) {
                    throw new NoAnswer(silence, watch.heard());
                }
                if (writeFailed != null) {
                    throw writeFailed;
                }
                if (e instanceof EOFException) {
                    throw new IOException("the agent closed the connection before answering (did the JVM exit?)");
                }
                throw e;
            } finally {
                watch.stop();
                call.end();
            }
        }
    }

    /**
     * Closes the channel once nothing arrived for the bound, which ends a read blocked on it.
     * Thread-safety: the reading thread marks arrivals, the watching thread checks them.
     */
    private static final class Silence implements Runnable {
        private final SocketChannel ch;
        private final long boundNanos;
        private volatile long lastHeard = System.nanoTime();
        private volatile boolean heard;
        private volatile boolean gaveUp;
        private volatile boolean stopped;

        Silence(SocketChannel ch, Duration bound) {
            this.ch = ch;
            this.boundNanos = bound.toNanos();
        }

        /** {@code in}, noting each arrival. */
        java.io.InputStream counting(java.io.InputStream in) {
            return new java.io.FilterInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    arrived();
                    return n;
                }

                @Override
                public int read() throws IOException {
                    int c = super.read();
                    arrived();
                    return c;
                }
            };
        }

        private void arrived() {
            lastHeard = System.nanoTime();
            heard = true;
        }

        @Override
        public void run() {
            while (!stopped) {
                if (System.nanoTime() - lastHeard > boundNanos) {
                    gaveUp = true;
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // closed either way
                    }
                    return;
                }
                try {
                    Thread.sleep(Math.max(1, Math.min(200, boundNanos / 4_000_000)));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        boolean gaveUp() {
            return gaveUp;
        }

        /** Whether anything arrived at all (the agent took the request). */
        boolean heard() {
            return heard;
        }

        void stop() {
            stopped = true;
        }
    }
}
