package dev.forgeperf.control;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The agent's control socket: a Unix domain socket {@code <pid>.sock} (0600) in the owner-only
 * {@link SocketDir}. One daemon thread accepts; requests run on a small bounded pool of daemon
 * threads; a client that does not send its request within {@link #REQUEST_TIMEOUT_MS} is dropped.
 * Every connection's peer uid is checked against this process's uid.
 */
public final class ControlServer implements AutoCloseable {
    public static final long REQUEST_TIMEOUT_MS = 10_000;
    private static final int MAX_CONCURRENT = 4;

    /** Runs one request; writes the answer to {@code out}/{@code err}; returns the exit status. */
    public interface Handler {
        /**
         * @param hungUp true once the client has closed its sending side (Ctrl-C) or gone away:
         *     a long-running command should then finish early with what it has
         */
        int handle(Protocol.Request request, Writer out, Writer err, java.util.function.BooleanSupplier hungUp) throws Exception;
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final Handler handler;
    private final UserPrincipal owner;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timer;
    private final Thread acceptor;
    private volatile boolean closed;

    private ControlServer(Path socket, ServerSocketChannel server, Handler handler, UserPrincipal owner) {
        this.socket = socket;
        this.server = server;
        this.handler = handler;
        this.owner = owner;
        // core = max: a ThreadPoolExecutor adds threads beyond its core only once the queue is full, so
        // with one core thread every request waited behind a running profile; idle threads still time out
        this.workers = new ThreadPoolExecutor(MAX_CONCURRENT, MAX_CONCURRENT, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_CONCURRENT * 2), DaemonThreads.factory("forge-perf-request"));
        this.workers.allowCoreThreadTimeOut(true);
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(MAX_CONCURRENT + 1, DaemonThreads.factory("forge-perf-control-timer"));
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        this.acceptor = DaemonThreads.factory("forge-perf-control").newThread(this::acceptLoop);
    }

    /**
     * Binds {@code <dir>/<pid>.sock} and starts accepting.
     *
     * @throws IOException with a one-line reason when the socket cannot be created
     */
    public static ControlServer start(long pid, Handler handler) throws IOException {
        Path dir = SocketDir.ensure();
        Path socket = dir.resolve(pid + ".sock");
        Files.deleteIfExists(socket); // a stale socket of an earlier process with our pid
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        // bound under a temporary name and renamed once it is 0600: the socket never appears
        // under its real name with looser permissions
        Path bound = dir.resolve(pid + ".sock.new");
        try {
            Files.deleteIfExists(bound);
            server.bind(UnixDomainSocketAddress.of(bound));
            Files.setPosixFilePermissions(bound, SocketDir.OWNER_ONLY_FILE);
            Files.move(bound, socket, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(bound);
            throw e;
        }
        ControlServer cs = new ControlServer(socket, server, handler, Files.getOwner(Path.of("/proc/self")));
        cs.acceptor.start();
        return cs;
    }

    public Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    sleepQuietly();
                }
                continue;
            }
            try {
                workers.execute(() -> serve(ch));
            } catch (RejectedExecutionException busy) {
                refuse(ch, "the agent is busy with " + MAX_CONCURRENT + " requests; try again shortly");
            }
        }
    }

    private void serve(SocketChannel ch) {
        ScheduledFuture<?> watchdog = timer.schedule(() -> closeQuietly(ch), REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        try (ch) {
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 8192));
            if (peer == null || !owner.equals(peer.user())) {
                watchdog.cancel(false);
                String who = peer == null ? "an unknown user" : "user " + peer.user().getName();
                Protocol.writeFrame(out, Protocol.ERR, "forge-perf: connection refused: " + who
                        + " is not the owner of this JVM (" + owner.getName() + "); run forge-perf as " + owner.getName() + "\n");
                Protocol.writeExit(out, 1);
                return;
            }
            Protocol.Request request;
            try {
                request = Protocol.readRequest(new DataInputStream(Channels.newInputStream(ch)));
            } catch (IOException bad) {
                if (ch.isOpen()) {
                    Protocol.writeFrame(out, Protocol.ERR, "forge-perf: bad request: " + bad.getMessage() + "\n");
                    Protocol.writeExit(out, 2);
                }
                return;
            } finally {
                watchdog.cancel(false);
            }
            FrameWriter stdout = new FrameWriter(out, Protocol.OUT);
            FrameWriter stderr = new FrameWriter(out, Protocol.ERR);
            HangUpWatch hangUp = new HangUpWatch(ch);
            timer.execute(hangUp);
            int status;
            try {
                status = handler.handle(request, stdout, stderr, hangUp);
            } catch (Throwable t) {
                stderr.write("forge-perf: the agent failed to run the command: " + t + "\n");
                status = 1;
            }
            stdout.flush();
            stderr.flush();
            Protocol.writeExit(out, status);
        } catch (IOException | RuntimeException clientGone) {
            // the client went away or broke the protocol: nothing to answer
        }
    }

    private static void refuse(SocketChannel ch, String message) {
        try (ch) {
            DataOutputStream out = new DataOutputStream(Channels.newOutputStream(ch));
            Protocol.writeFrame(out, Protocol.ERR, "forge-perf: " + message + "\n");
            Protocol.writeExit(out, 1);
        } catch (IOException ignored) {
            // client gone
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting and removes the socket file. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // best effort at exit
        }
        workers.shutdownNow();
        timer.shutdownNow();
    }

    /**
     * Notices when the client stops sending (it half-closes on Ctrl-C) or disappears: a blocking
     * read on the channel itself (not through a stream, which would hold the channel's blocking
     * lock that writers need) returns -1 or fails.
     */
    private static final class HangUpWatch implements Runnable, java.util.function.BooleanSupplier {
        private final SocketChannel ch;
        private volatile boolean hungUp;

        HangUpWatch(SocketChannel ch) {
            this.ch = ch;
        }

        @Override
        public void run() {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(64);
            try {
                while (ch.read(b) >= 0) {
                    b.clear();
                }
            } catch (IOException | RuntimeException gone) {
                // closed either way
            }
            hungUp = true;
        }

        @Override
        public boolean getAsBoolean() {
            return hungUp;
        }
    }

    /** A Writer that sends what it is given as frames of one type, flushing on newline. */
    private static final class FrameWriter extends Writer {
        private final DataOutputStream out;
        private final byte type;
        private final StringBuilder buffer = new StringBuilder();

        FrameWriter(DataOutputStream out, byte type) {
            this.out = out;
            this.type = type;
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            synchronized (out) {
                buffer.append(cbuf, off, len);
                if (buffer.length() >= 8192 || buffer.indexOf("\n") >= 0) {
                    flush();
                }
            }
        }

        @Override
        public void flush() throws IOException {
            synchronized (out) {
                if (buffer.length() > 0) {
                    Protocol.writeFrame(out, type, buffer.toString());
                    buffer.setLength(0);
                }
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
