package dev.forgeperf.control;

import java.io.IOException;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import dev.forgeperf.util.SocketDir;

/**
 * The agent's control socket: a Unix domain socket {@code <pid>.sock} (0600) in the owner-only
 * {@link SocketDir}, serving commands side by side. This class is its lifecycle (bind, start,
 * counts, close); the serving is done by
 * <ul>
 *   <li>{@link RequestReader}: one selector thread ({@code forge-perf-control}) accepts, checks the
 *       peer and reads requests without blocking, so a slow or silent client holds no worker;</li>
 *   <li>{@link CommandWorkers}: a complete request goes to one of two bounded pools. Short commands
 *       ({@code status}, {@code timings}, {@code health}, {@code metrics}, {@code history},
 *       {@code dump threads}, …) run on {@value CommandWorkers#SHORT_THREADS} threads
 *       ({@code forge-perf-control-short}) with up to {@value CommandWorkers#SHORT_QUEUE} waiting;
 *       long ones ({@code profile}, {@code snapshot}, {@code gc}, {@code instrument},
 *       {@code uninstrument}, {@code dump} other than {@code threads}, {@code metrics --watch}) on
 *       at most {@value CommandWorkers#LONG_THREADS} threads of their own
 *       ({@code forge-perf-control-long}, none waiting), each with a thread that notices the client
 *       hang up ({@link HangUpWatch}). A long command therefore never delays a short one, and ends
 *       early when its client hangs up.</li>
 * </ul>
 * All their threads are daemons.
 *
 * <p>Bounds: at most {@value RequestReader#MAX_WAITING} connections may be sending their request
 * at once, each for at most {@link #REQUEST_TIMEOUT_MS} ms and {@link Protocol#MAX_REQUEST_BYTES}
 * bytes (so at most about 5 MiB of buffers in the worst case, a few hundred bytes each in
 * practice); past that the connection waiting longest is dropped, so held connections never lock
 * out a new client. Whoever cannot be served now is told why in one line ({@link Connections}):
 * too many long commands at once, too many commands waiting.
 *
 * <p>Peers: the JVM's owner and root (as the JDK's attach listener allows) are served; anyone else
 * is answered with one line and refused ({@link PeerCheck}).
 *
 * <p>Thread-safety: {@link #toMap()} and {@link #close()} may be called from any thread.
 */
public final class ControlServer implements AutoCloseable {
    public static final long REQUEST_TIMEOUT_MS = 10_000;

    /** Runs one request; writes the answer to {@code out}/{@code err}; returns the exit status. */
    public interface Handler {
        /**
         * @param hungUp true once the client has closed its sending side (Ctrl-C) or gone away:
         *     a long-running command should then finish early with what it has
         * @param answered true once this request is over: its exit status was written and its
         *     connection closed (or the client went away). A command that takes the control socket
         *     down ({@code detach}) waits for it on another thread, so the socket never goes before
         *     the answer
         */
        int handle(Protocol.Request request, Writer out, Writer err, BooleanSupplier hungUp, BooleanSupplier answered) throws Exception;
    }

    private final Path socket;
    private final RequestReader reader;
    private final CommandWorkers workers;

    private ControlServer(Path socket, ServerSocketChannel server, Selector selector, Handler handler, PeerCheck peers) {
        this.socket = socket;
        this.workers = new CommandWorkers(handler);
        this.reader = new RequestReader(server, selector, peers, workers::dispatch);
    }

    /**
     * Binds {@code <dir>/<pid>.sock} and starts accepting.
     *
     * @throws IOException with a one-line reason when the socket cannot be created
     */
    public static ControlServer start(long pid, Handler handler) throws IOException {
        PeerCheck peers = PeerCheck.ofThisProcess(); // before binding: a failure here leaves no socket behind
        Path dir = SocketDir.ensure();
        Path socket = dir.resolve(pid + ".sock");
        Files.deleteIfExists(socket); // a stale socket of an earlier process with our pid
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        // bound under a temporary name and renamed once it is 0600: the socket never appears
        // under its real name with looser permissions
        Path bound = dir.resolve(pid + ".sock.new");
        Selector selector = null;
        try {
            Files.deleteIfExists(bound);
            server.bind(UnixDomainSocketAddress.of(bound));
            Files.setPosixFilePermissions(bound, SocketDir.OWNER_ONLY_FILE);
            Files.move(bound, socket, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            server.configureBlocking(false);
            selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            server.close();
            if (selector != null) {
                selector.close();
            }
            Files.deleteIfExists(bound);
            throw e;
        }
        ControlServer cs = new ControlServer(socket, server, selector, handler, peers);
        cs.reader.start();
        return cs;
    }

    public Path socket() {
        return socket;
    }

    /** Counts for {@code status}: connections sending their request, commands running, refusals. */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("shortRunning", workers.shortRunning());
        m.put("shortQueued", workers.shortQueued());
        m.put("longRunning", workers.longRunning());
        m.put("longMax", CommandWorkers.LONG_THREADS);
        m.put("refused", reader.refused() + workers.refused());
        m.put("dropped", reader.dropped());
        m.put("peerCheck", reader.peerCheck());
        return m;
    }

    /** Stops accepting, closes waiting connections, removes the socket file and stops the pools (running commands are interrupted). */
    @Override
    public void close() {
        reader.close();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // best effort at exit
        }
        workers.close();
    }
}
