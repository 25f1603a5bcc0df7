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

/** Sends one command line to an agent's control socket and streams back its answer. */
public final class ControlClient {
    private ControlClient() {
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
        return run(socket, headers, args, sink, call -> { });
    }

    /**
     * Runs {@code args} in the agent listening on {@code socket}.
     *
     * @param started told about the call once the request is sent (to wire up Ctrl-C)
     * @return the command's exit status
     * @throws IOException when the socket cannot be reached or the agent hung up mid-answer
     */
    public static int run(Path socket, Map<String, String> headers, List<String> args, Protocol.FrameSink sink,
            Consumer<Call> started) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
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
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch)));
            try {
                return Protocol.readResponse(in, sink);
            } catch (IOException e) {
                if (writeFailed != null) {
                    throw writeFailed;
                }
                if (e instanceof EOFException) {
                    throw new IOException("the agent closed the connection before answering (did the JVM exit?)");
                }
                throw e;
            } finally {
                call.end();
            }
        }
    }
}
