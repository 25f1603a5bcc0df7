package dev.forgeperf.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.forgeperf.util.DaemonThreads;
import dev.forgeperf.util.Log;

/**
 * The control socket's selector thread ({@code forge-perf-control}, a daemon): accepts
 * connections, lets in only the peers {@link PeerCheck} allows, and reads each request without
 * blocking, so a slow or silent client holds no worker. A complete request is handed on as a
 * {@link Ready}, its channel blocking again.
 *
 * <p>Bounds: at most {@value #MAX_WAITING} connections may be sending their request at once, each
 * for at most {@link ControlServer#REQUEST_TIMEOUT_MS} ms and {@link Protocol#MAX_REQUEST_BYTES}
 * bytes (so at most about 5 MiB of buffers in the worst case, a few hundred bytes each in
 * practice); past that the connection waiting longest is dropped, so held connections never lock
 * out a new client. A refused, dropped or malformed connection is answered with one line
 * ({@link Connections}); one that hangs up before its request is complete is just closed.
 *
 * <p>Thread-safety: the connections still sending (oldest first) and their buffers are touched by
 * the selector thread alone; the hand-off runs on it too, once per complete request. {@link #close()}
 * and the counts may be called from any thread; after {@code close} the loop ends and closes the
 * connections still waiting.
 */
final class RequestReader {
    static final int MAX_WAITING = 64;
    private static final int INITIAL_BUFFER = 512;

    /** A complete request on its way to a worker; {@code hungUp} when the client closed its side after sending it. */
    record Ready(SocketChannel ch, Protocol.Request request, boolean hungUp) {
    }

    private final ServerSocketChannel server;
    private final Selector selector;
    private final PeerCheck peers;
    private final Consumer<Ready> dispatch;
    private final Thread selectorThread;
    /** Connections still sending their request, oldest first; only the selector thread touches it. */
    private final Set<Waiting> waiting = new LinkedHashSet<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param server bound, non-blocking, registered with {@code selector} for accepting
     * @param dispatch called on the selector thread with each complete request; must not block
     */
    RequestReader(ServerSocketChannel server, Selector selector, PeerCheck peers, Consumer<Ready> dispatch) {
        this.server = server;
        this.selector = selector;
        this.peers = peers;
        this.dispatch = dispatch;
        this.selectorThread = DaemonThreads.factory("forge-perf-control").newThread(this::selectLoop);
    }

    /** Starts the selector thread. */
    void start() {
        selectorThread.start();
    }

    /** How peers are checked (see {@link PeerCheck#mode()}). */
    String peerCheck() {
        return peers.mode();
    }

    /** Connections refused because their peer is neither the owner nor root. */
    long refused() {
        return refused.get();
    }

    /** Connections dropped with one line: silent past the deadline, or the oldest of too many waiting. */
    long dropped() {
        return dropped.get();
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

    private void selectLoop() {
        ArrayDeque<Ready> ready = new ArrayDeque<>();
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
                    Ready r;
                    while ((r = ready.pollFirst()) != null) { // taken before it is dispatched: never twice, whatever is thrown
                        dispatch.accept(r);
                    }
                }
            } catch (Throwable e) {
                // whatever fails this round (an OutOfMemoryError while the application fills its heap, a class
                // the JVM cannot load) fails the round, never the thread: the socket serves on once there is room
                if (!closed) {
                    try {
                        Log.failureOnce("control selector", "control socket: a request could not be handled", e);
                    } catch (Throwable ignored) {
                        // no room even to log: the next round tries again
                    }
                    sleepQuietly();
                }
            }
        }
        for (Waiting w : waiting) {
            Connections.closeQuietly(w.ch);
        }
        waiting.clear();
    }

    private void acceptAll() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            try {
                ch.configureBlocking(false);
                String refusal = peers.refusal(ch);
                if (refusal != null) {
                    refused.incrementAndGet();
                    Connections.answerAndClose(ch, refusal);
                    continue;
                }
                if (waiting.size() >= MAX_WAITING) {
                    Waiting oldest = waiting.iterator().next();
                    drop(oldest, "dropped: " + MAX_WAITING + " connections were waiting to send their request and this one waited longest;"
                            + " a client sends its request right after connecting");
                }
                SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
                Waiting w = new Waiting(ch, key, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ControlServer.REQUEST_TIMEOUT_MS));
                key.attach(w);
                waiting.add(w);
            } catch (Throwable e) {
                Connections.closeQuietly(ch); // first: the client learns at once, even when logging fails too
                Log.failureOnce("control accept", "control socket: a connection could not be checked", e);
                if (e instanceof VirtualMachineError) {
                    throw (VirtualMachineError) e;
                }
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
                Connections.closeQuietly(w.ch); // hung up before sending a whole request: nobody to answer
            }
        } catch (IOException bad) {
            waiting.remove(w);
            w.key.cancel();
            Connections.answerAndClose(w.ch, "bad request: " + bad.getMessage(), 2);
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
            Connections.answerAndClose(w.ch, "no request received within " + ControlServer.REQUEST_TIMEOUT_MS / 1000 + " s; connection closed");
        }
    }

    private void drop(Waiting w, String message) {
        waiting.remove(w);
        w.key.cancel();
        dropped.incrementAndGet();
        Connections.answerAndClose(w.ch, message);
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting; the loop then ends and closes the connections still waiting. */
    void close() {
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
    }
}
