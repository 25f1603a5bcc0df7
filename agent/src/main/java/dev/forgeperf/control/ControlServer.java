package dev.forgeperf.control;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import dev.forgeperf.util.DaemonThreads;
import dev.forgeperf.util.SocketDir;
import dev.forgeperf.util.Log;

/**
 * The agent's control socket: a Unix domain socket {@code <pid>.sock} (0600) in the owner-only
 * {@link SocketDir}, serving commands side by side.
 *
 * <p>Threads, all daemons: one selector thread ({@code forge-perf-control}) accepts, checks the
 * peer and reads requests without blocking, so a slow or silent client holds no worker; a complete
 * request goes to one of two bounded pools. Short commands ({@code status}, {@code timings},
 * {@code health}, {@code metrics}, {@code history}, {@code dump threads}, …) run on
 * {@value #SHORT_THREADS} threads ({@code forge-perf-control-short}) with up to
 * {@value #SHORT_QUEUE} waiting; long ones ({@code profile}, {@code snapshot}, {@code gc},
 * {@code instrument}, {@code uninstrument}, {@code dump} other than {@code threads},
 * {@code metrics --watch}) on at most {@value #LONG_THREADS} threads of their own
 * ({@code forge-perf-control-long}, none waiting), each with a thread that notices the client hang
 * up. A long command therefore never delays a short one.
 *
 * <p>Bounds: at most {@value #MAX_WAITING} connections may be sending their request at once, each
 * for at most {@link #REQUEST_TIMEOUT_MS} ms and {@link Protocol#MAX_REQUEST_BYTES} bytes (so at
 * most about 5 MiB of buffers in the worst case, a few hundred bytes each in practice); past that
 * the connection waiting longest is dropped, so held connections never lock out a new client.
 * Whoever cannot be served now is told why in one line: too many long commands at once, too many
 * commands waiting.
 *
 * <p>Peers: the JVM's owner and root (as the JDK's attach listener allows) are served; anyone else
 * is answered with one line and refused.
 */
public final class ControlServer implements AutoCloseable {
    public static final long REQUEST_TIMEOUT_MS = 10_000;
    static final int MAX_WAITING = 64;
    static final int SHORT_THREADS = 2;
    static final int SHORT_QUEUE = 256;
    static final int LONG_THREADS = 4;
    private static final int INITIAL_BUFFER = 512;

    /** Runs one request; writes the answer to {@code out}/{@code err}; returns the exit status. */
    public interface Handler {
        /**
         * @param hungUp true once the client has closed its sending side (Ctrl-C) or gone away:
         *     a long-running command should then finish early with what it has
         */
        int handle(Protocol.Request request, Writer out, Writer err, BooleanSupplier hungUp) throws Exception;
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Handler handler;
    private final UserPrincipal owner;
    private final UserPrincipal root;
    private final ThreadPoolExecutor shortPool;
    private final ThreadPoolExecutor longPool;
    private final ThreadPoolExecutor hangUpWatchers;
    private final Thread selectorThread;
    /** Connections still sending their request, oldest first; only the selector thread touches it. */
    private final Set<Waiting> waiting = new LinkedHashSet<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    private ControlServer(Path socket, ServerSocketChannel server, Selector selector, Handler handler, UserPrincipal owner,
            UserPrincipal root) {
        this.socket = socket;
        this.server = server;
        this.selector = selector;
        this.handler = handler;
        this.owner = owner;
        this.root = root;
        this.shortPool = new ThreadPoolExecutor(SHORT_THREADS, SHORT_THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(SHORT_QUEUE),
                DaemonThreads.factory("forge-perf-control-short"));
        shortPool.allowCoreThreadTimeOut(true);
        this.longPool = new ThreadPoolExecutor(0, LONG_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.factory("forge-perf-control-long"));
        // a watcher ends when its command closes the connection; twice as many leaves room for
        // the watchers of commands that just ended
        this.hangUpWatchers = new ThreadPoolExecutor(0, 2 * LONG_THREADS, 5, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.factory("forge-perf-control-hangup"));
        this.selectorThread = DaemonThreads.factory("forge-perf-control").newThread(this::selectLoop);
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
        ControlServer cs = new ControlServer(socket, server, selector, handler, Files.getOwner(Path.of("/proc/self")), rootPrincipal());
        cs.selectorThread.start();
        return cs;
    }

    private static UserPrincipal rootPrincipal() {
        try {
            return java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("root");
        } catch (IOException | RuntimeException e) {
            return null;
        }
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
        m.put("refused", refused.get());
        m.put("dropped", dropped.get());
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

    /** A connection still sending its request: what has arrived so far and its deadline. */
    private static final class Waiting {
        final SocketChannel ch;
        final SelectionKey key;
        final long deadline;
        byte[] buffer = new byte[INITIAL_BUFFER];
        int length;
        int needed = 4;
        boolean eof;

        Waiting(SocketChannel ch, SelectionKey key, long deadline) {
            this.ch = ch;
            this.key = key;
            this.deadline = deadline;
        }
    }

    /** A complete request on its way to a worker. */
    private record Ready(SocketChannel ch, Protocol.Request request, boolean hungUp) {
    }

    private void selectLoop() {
        List<Ready> ready = new ArrayList<>();
        while (!closed) {
            try {
                selector.select(1000);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        acceptAll();
                    } else if (key.isReadable()) {
                        Waiting w = (Waiting) key.attachment();
                        Ready r = readMore(w);
                        if (r != null) {
                            ready.add(r);
                        }
                    }
                }
                expire(System.nanoTime());
                if (!ready.isEmpty()) {
                    selector.selectNow(); // deregisters the cancelled keys, so the channels may block again
                    for (Ready r : ready) {
                        dispatch(r);
                    }
                    ready.clear();
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    Log.failureOnce("control selector", "control socket: a request could not be handled", e);
                    sleepQuietly();
                }
            }
        }
        for (Waiting w : waiting) {
            closeQuietly(w.ch);
        }
        waiting.clear();
    }

    private void acceptAll() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            try {
                ch.configureBlocking(false);
                UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
                if (peer == null || !(owner.equals(peer.user()) || peer.user().equals(root))) {
                    refused.incrementAndGet();
                    String who = peer == null ? "an unknown user" : "user " + peer.user().getName();
                    answerAndClose(ch, "connection refused: " + who + " is not the owner of this JVM (" + owner.getName()
                            + ") nor root; run forge-perf as " + owner.getName());
                    continue;
                }
                if (waiting.size() >= MAX_WAITING) {
                    Waiting oldest = waiting.iterator().next();
                    drop(oldest, "dropped: " + MAX_WAITING + " connections were waiting to send their request and this one waited longest;"
                            + " a client sends its request right after connecting");
                }
                SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
                Waiting w = new Waiting(ch, key, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REQUEST_TIMEOUT_MS));
                key.attach(w);
                waiting.add(w);
            } catch (IOException | RuntimeException e) {
                closeQuietly(ch);
            }
        }
    }

    /** Reads what has arrived; the complete request once it is all there, else null. */
    private Ready readMore(Waiting w) {
        try {
            while (true) {
                if (w.length == w.buffer.length) {
                    if (w.buffer.length >= Protocol.MAX_REQUEST_BYTES) {
                        break;
                    }
                    w.buffer = Arrays.copyOf(w.buffer, Math.min(Protocol.MAX_REQUEST_BYTES, Math.max(w.buffer.length * 2, w.needed)));
                }
                int n = w.ch.read(ByteBuffer.wrap(w.buffer, w.length, w.buffer.length - w.length));
                if (n < 0) {
                    w.eof = true;
                    break;
                }
                if (n == 0) {
                    break;
                }
                w.length += n;
            }
            if (w.length >= w.needed) {
                try {
                    Protocol.Request request = Protocol.parseRequest(w.buffer, w.length);
                    waiting.remove(w);
                    w.key.cancel();
                    return new Ready(w.ch, request, w.eof);
                } catch (Protocol.Incomplete more) {
                    w.needed = more.needed;
                }
            }
            if (w.eof) {
                waiting.remove(w);
                w.key.cancel();
                closeQuietly(w.ch); // hung up before sending a whole request: nobody to answer
            }
        } catch (IOException bad) {
            waiting.remove(w);
            w.key.cancel();
            answerAndClose(w.ch, "bad request: " + bad.getMessage(), 2);
        }
        return null;
    }

    private void expire(long now) {
        Iterator<Waiting> it = waiting.iterator();
        while (it.hasNext()) {
            Waiting w = it.next();
            if (now - w.deadline < 0) {
                break; // oldest first: the rest are younger
            }
            it.remove();
            w.key.cancel();
            dropped.incrementAndGet();
            answerAndClose(w.ch, "no request received within " + REQUEST_TIMEOUT_MS / 1000 + " s; connection closed");
        }
    }

    private void drop(Waiting w, String message) {
        waiting.remove(w);
        w.key.cancel();
        dropped.incrementAndGet();
        answerAndClose(w.ch, message);
    }

    private void dispatch(Ready r) {
        boolean isLong = isLong(r.request().args);
        try {
            r.ch().configureBlocking(true);
            (isLong ? longPool : shortPool).execute(() -> serve(r, isLong));
        } catch (RejectedExecutionException busy) {
            refused.incrementAndGet();
            answerAndClose(r.ch(), isLong
                    ? "the agent is running " + LONG_THREADS + " long commands already (profile, snapshot, dump, gc, instrument,"
                            + " metrics --watch); try again when one of them ends (`forge-perf status` answers meanwhile)"
                    : "the agent has " + SHORT_QUEUE + " commands waiting; try again in a moment");
        } catch (IOException | RuntimeException e) {
            closeQuietly(r.ch());
        }
    }

    private void serve(Ready r, boolean isLong) {
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

    /** Sends one error line and exit status 1, then closes; never blocks. */
    private static void answerAndClose(SocketChannel ch, String message) {
        answerAndClose(ch, message, 1);
    }

    /**
     * Sends one error line and {@code status}, then closes. Never blocks for long: the answer is a
     * few hundred bytes, which a socket buffer holds; what the client sent is read first (at most
     * a request's worth), so closing does not discard data the client is still to read.
     */
    private static void answerAndClose(SocketChannel ch, String message, int status) {
        try (ch) {
            byte[] text = ("forge-perf: " + message + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(text.length + 10);
            b.put(Protocol.ERR).putInt(text.length).put(text).put(Protocol.EXIT).putInt(status).flip();
            if (ch.isBlocking()) {
                ch.configureBlocking(false);
            }
            for (int i = 0; i < 100 && b.hasRemaining(); i++) {
                if (ch.write(b) == 0) {
                    Thread.onSpinWait();
                }
            }
            ByteBuffer drain = ByteBuffer.allocate(4096);
            for (int total = 0; total < Protocol.MAX_REQUEST_BYTES; ) {
                int n = ch.read(drain);
                if (n <= 0) {
                    break;
                }
                total += n;
                drain.clear();
            }
        } catch (IOException | RuntimeException ignored) {
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

    /** Stops accepting, closes waiting connections and removes the socket file. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
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
