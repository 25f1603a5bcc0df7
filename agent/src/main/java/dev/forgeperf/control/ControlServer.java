package dev.forgeperf.control;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import dev.forgeperf.util.DaemonThreads;
import dev.forgeperf.util.SocketDir;

/**
 * The agent's control socket: a Unix domain socket {@code <pid>.sock} (0600) in the owner-only
 * {@link SocketDir}, serving commands side by side.
 *
 * <p>Threads, all daemons: one selector thread ({@code forge-perf-control}, {@link RequestReader})
 * accepts, checks the peer and reads requests without blocking, so a slow or silent client holds
 * no worker; a complete request goes to one of two bounded pools. Short commands ({@code status}, {@code timings},
 * {@code health}, {@code metrics}, {@code history}, {@code dump threads}, …) run on
 * {@value #SHORT_THREADS} threads ({@code forge-perf-control-short}) with up to
 * {@value #SHORT_QUEUE} waiting; long ones ({@code profile}, {@code snapshot}, {@code gc},
 * {@code instrument}, {@code uninstrument}, {@code dump} other than {@code threads},
 * {@code metrics --watch}) on at most {@value #LONG_THREADS} threads of their own
 * ({@code forge-perf-control-long}, none waiting), each with a thread that notices the client hang
 * up. A long command therefore never delays a short one.
 *
 * <p>Bounds: at most {@value RequestReader#MAX_WAITING} connections may be sending their request
 * at once, each for at most {@link #REQUEST_TIMEOUT_MS} ms and {@link Protocol#MAX_REQUEST_BYTES}
 * bytes (so at most about 5 MiB of buffers in the worst case, a few hundred bytes each in
 * practice); past that the connection waiting longest is dropped, so held connections never lock
 * out a new client. Whoever cannot be served now is told why in one line: too many long commands
 * at once, too many commands waiting.
 *
 * <p>Peers: the JVM's owner and root (as the JDK's attach listener allows) are served; anyone else
 * is answered with one line and refused ({@link PeerCheck}).
 */
public final class ControlServer implements AutoCloseable {
    public static final long REQUEST_TIMEOUT_MS = 10_000;
    static final int SHORT_THREADS = 2;
    static final int SHORT_QUEUE = 256;
    static final int LONG_THREADS = 4;

    /** Runs one request; writes the answer to {@code out}/{@code err}; returns the exit status. */
    public interface Handler {
        /**
         * @param hungUp true once the client has closed its sending side (Ctrl-C) or gone away:
         *     a long-running command should then finish early with what it has
         */
        int handle(Protocol.Request request, Writer out, Writer err, BooleanSupplier hungUp) throws Exception;
    }

    private final Path socket;
    private final RequestReader reader;
    private final Handler handler;
    private final ThreadPoolExecutor shortPool;
    private final ThreadPoolExecutor longPool;
    private final ThreadPoolExecutor hangUpWatchers;
    private final AtomicLong refused = new AtomicLong();

    private ControlServer(Path socket, ServerSocketChannel server, Selector selector, Handler handler, PeerCheck peers) {
        this.socket = socket;
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
        this.reader = new RequestReader(server, selector, peers, this::dispatch);
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
        ControlServer cs = new ControlServer(socket, server, selector, handler, PeerCheck.ofThisProcess());
        cs.reader.start();
        return cs;
    }

    public Path socket() {
        return socket;
    }

    /** Counts for {@code status}: connections sending their request, commands running, refusals. */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("shortRunning", shortPool.getActiveCount());
        m.put("shortQueued", shortPool.getQueue().size());
        m.put("longRunning", longPool.getActiveCount());
        m.put("longMax", LONG_THREADS);
        m.put("refused", reader.refused() + refused.get());
        m.put("dropped", reader.dropped());
        return m;
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

    private void dispatch(RequestReader.Ready r) {
        boolean isLong = isLong(r.request().args);
        try {
            r.ch().configureBlocking(true);
            (isLong ? longPool : shortPool).execute(() -> serve(r, isLong));
        } catch (RejectedExecutionException busy) {
            refused.incrementAndGet();
            Connections.answerAndClose(r.ch(), isLong
                    ? "the agent is running " + LONG_THREADS + " long commands already (profile, snapshot, dump, gc, instrument,"
                            + " metrics --watch); try again when one of them ends (`forge-perf status` answers meanwhile)"
                    : "the agent has " + SHORT_QUEUE + " commands waiting; try again in a moment");
        } catch (IOException | RuntimeException e) {
            Connections.closeQuietly(r.ch());
        }
    }

    private void serve(RequestReader.Ready r, boolean isLong) {
        SocketChannel ch = r.ch();
        try (ch) {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 8192));
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
                status = handler.handle(r.request(), stdout, stderr, hungUp);
            } catch (Throwable t) {
                stderr.write("forge-perf: the agent failed to run the command: " + t + "\n");
                status = 1;
            }
            stdout.flush();
            stderr.flush();
            Protocol.writeExit(out, status);
        } catch (IOException | RuntimeException clientGone) {
            // the client went away: nothing to answer
        }
    }

    /** Stops accepting, closes waiting connections and removes the socket file. */
    @Override
    public void close() {
        reader.close();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // best effort at exit
        }
        shortPool.shutdownNow();
        longPool.shutdownNow();
        hangUpWatchers.shutdownNow();
    }
}
