package dev.forgeperf.http;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.forgeperf.util.Log;
import dev.forgeperf.util.DaemonThreads;

/**
 * What keeps slow and vanished HTTP clients from costing the others, around the JDK's server.
 *
 * <p><b>Request-read timeout.</b> The JDK's server hands a connection to its executor when the
 * first byte of a request arrives; the executor's thread then reads the request head, blocking.
 * Every task given to {@link #executor()} must reach {@link #handling()} (our handler) within
 * {@link #READ_TIMEOUT_MS} of starting, else its thread is interrupted, which closes the
 * connection (its channel is interruptible) and frees the thread. The same bound holds from
 * {@link #sending()} on: sending the answer to a client that does not read it, and reading the
 * rest of a request body that arrives slowly, are cut the same way. Up to {@value #THREADS} heads are
 * read at once ({@code forge-perf-http} threads, daemons, gone after 30 s idle) and
 * {@value #QUEUE} more connections wait; past that the JDK closes a new connection unanswered. So a
 * handful of clients sending a byte a second hold a thread each for at most 10 s while
 * {@code /metrics} and {@code /health} are still answered.
 *
 * <p><b>Per-client limit.</b> A client address other than loopback (the server listens beyond
 * loopback only with {@code http.allowRemote=true}) gets at most {@value #PER_CLIENT} requests
 * read or answered at once; a connection beyond that is closed unanswered, so one remote host
 * cannot take every thread. Loopback clients share one address (a local scraper, a liveness probe
 * and a browser alike), so they are bounded only by the totals above.
 *
 * <p><b>Vanished clients.</b> {@link #clientGone(HttpExchange)} tells whether the client of an
 * exchange has closed its connection, by a non-blocking read on the exchange's socket, reached
 * through the JDK server's internals: the agent opens {@code jdk.httpserver/sun.net.httpserver} to
 * its own module only (never to the application). When that is not possible the check says
 * "still there" and a profile runs its full time, as before; this is logged once.
 */
final class ExchangeGuard {
    static final long READ_TIMEOUT_MS = 10_000;
    static final int THREADS = 32;
    static final int QUEUE = 32;
    static final int PER_CLIENT = 8;

    private static final int READING = 0;
    private static final int HANDLING = 1;
    private static final int TIMED_OUT = 2;
    private static final int DONE = 3;
    private static final int SENDING = 4;
    private static final ThreadLocal<Task> CURRENT = new ThreadLocal<>();

    private final ThreadPoolExecutor pool;
    private final ScheduledThreadPoolExecutor timer;
    private final Field exchangeImpl;
    private final Field connection;
    private final Field channel;
    private final Field taskChannel;
    private final java.util.concurrent.ConcurrentHashMap<java.net.InetAddress, Integer> perClient = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong refusedClients = new java.util.concurrent.atomic.AtomicLong();

    ExchangeGuard(Instrumentation inst) {
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                DaemonThreads.factory("forge-perf-http"));
        pool.allowCoreThreadTimeOut(true);
        this.timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.factory("forge-perf-http-watchdog"));
        timer.setRemoveOnCancelPolicy(true);
        Field[] f = internals(inst);
        this.exchangeImpl = f[0];
        this.connection = f[1];
        this.channel = f[2];
        this.taskChannel = f[3];
    }

    /** The executor for the JDK's server. */
    Executor executor() {
        return r -> {
            Task t = new Task(r);
            java.net.InetAddress client = remoteClientOf(r);
            if (client != null) {
                int[] now = new int[1];
                perClient.compute(client, (k, n) -> now[0] = n == null ? 1 : n + 1);
                if (now[0] > PER_CLIENT) {
                    release(client);
                    refusedClients.incrementAndGet();
                    closeChannelOf(r); // the task then fails at once and the JDK forgets the connection
                } else {
                    t.client = client;
                }
            }
            try {
                pool.execute(t);
            } catch (RuntimeException rejected) {
                if (t.client != null) {
                    release(t.client);
                }
                throw rejected;
            }
        };
    }

    private void release(java.net.InetAddress client) {
        perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Connections refused because their client had {@value #PER_CLIENT} requests going already. */
    long refusedClients() {
        return refusedClients.get();
    }

    /** The address of a task's client when it is not loopback; null otherwise or when it cannot be told. */
    private java.net.InetAddress remoteClientOf(Runnable r) {
        SocketChannel ch = taskChannelOf(r);
        try {
            java.net.SocketAddress a = ch == null ? null : ch.getRemoteAddress();
            if (a instanceof java.net.InetSocketAddress) {
                java.net.InetAddress ip = ((java.net.InetSocketAddress) a).getAddress();
                return ip == null || ip.isLoopbackAddress() ? null : ip;
            }
        } catch (IOException | RuntimeException e) {
            // closed already
        }
        return null;
    }

    private void closeChannelOf(Runnable r) {
        SocketChannel ch = taskChannelOf(r);
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private SocketChannel taskChannelOf(Runnable r) {
        if (taskChannel == null || !taskChannel.getDeclaringClass().isInstance(r)) {
            return null;
        }
        try {
            Object ch = taskChannel.get(r);
            return ch instanceof SocketChannel ? (SocketChannel) ch : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Called by the handler when it starts: the request head has been read, the read timeout no
     * longer applies. False when the timeout fired first (the connection is closed: do nothing).
     */
    static boolean handling() {
        Task t = CURRENT.get();
        return t == null || t.handling();
    }

    /**
     * Called by the handler when its answer is built: sending it (and the JDK's reading of what is
     * left of the request body) must end within the timeout.
     */
    static void sending() {
        Task t = CURRENT.get();
        if (t != null) {
            t.sending();
        }
    }

    /** Requests being read or answered now. */
    int active() {
        return pool.getActiveCount();
    }

    void shutdown() {
        pool.shutdownNow();
        timer.shutdownNow();
    }

    /**
     * A check, for the thread handling {@code ex} only, of whether its client has gone (closed or
     * half-closed the connection). A request pipelined behind this one would be read and lost by
     * the check, so answers of exchanges that were checked say {@code Connection: close}.
     */
    BooleanSupplier clientGone(HttpExchange ex) {
        SocketChannel ch = channelOf(ex);
        if (ch == null) {
            return () -> false;
        }
        ByteBuffer one = ByteBuffer.allocate(1);
        return () -> {
            try {
                ch.configureBlocking(false);
                try {
                    one.clear();
                    return ch.read(one) < 0;
                } finally {
                    ch.configureBlocking(true);
                }
            } catch (IOException | RuntimeException gone) {
                return !ch.isOpen() || gone instanceof IOException;
            }
        };
    }

    private SocketChannel channelOf(HttpExchange ex) {
        if (channel == null || !exchangeImpl.getDeclaringClass().isInstance(ex)) {
            return null;
        }
        try {
            Object impl = exchangeImpl.get(ex);
            Object conn = impl == null ? null : connection.get(impl);
            Object ch = conn == null ? null : channel.get(conn);
            return ch instanceof SocketChannel ? (SocketChannel) ch : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code HttpExchangeImpl.impl}, {@code ExchangeImpl.connection}, {@code HttpConnection.chan},
     * {@code ServerImpl.Exchange.chan}; nulls when unreachable.
     */
    private static Field[] internals(Instrumentation inst) {
        try {
            Module server = HttpServer.class.getModule();
            if (inst != null && !server.isOpen("sun.net.httpserver", ExchangeGuard.class.getModule())) {
                inst.redefineModule(server, Set.of(), Map.of(), Map.of("sun.net.httpserver", Set.of(ExchangeGuard.class.getModule())),
                        Set.of(), Map.of());
            }
            ClassLoader l = HttpServer.class.getClassLoader();
            Field impl = Class.forName("sun.net.httpserver.HttpExchangeImpl", false, l).getDeclaredField("impl");
            Field conn = Class.forName("sun.net.httpserver.ExchangeImpl", false, l).getDeclaredField("connection");
            Field chan = Class.forName("sun.net.httpserver.HttpConnection", false, l).getDeclaredField("chan");
            Field taskChan = Class.forName("sun.net.httpserver.ServerImpl$Exchange", false, l).getDeclaredField("chan");
            for (Field f : new Field[] {impl, conn, chan, taskChan}) {
                f.setAccessible(true);
            }
            return new Field[] {impl, conn, chan, taskChan};
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Log.failureOnce("http internals", "HTTP: cannot see when a client hangs up (a /debug/pprof profile runs its full time)"
                    + " nor limit requests per client", e);
            return new Field[4];
        }
    }

    /** One task of the JDK's server: reading a request head (timed), then handling it. */
    private final class Task implements Runnable {
        private final Runnable work;
        private Thread thread;
        private int state = READING;
        private ScheduledFuture<?> watchdog;
        java.net.InetAddress client;

        Task(Runnable work) {
            this.work = work;
        }

        @Override
        public void run() {
            synchronized (this) {
                thread = Thread.currentThread();
            }
            CURRENT.set(this);
            arm();
            try {
                work.run();
            } finally {
                synchronized (this) {
                    state = DONE;
                    watchdog.cancel(false);
                }
                if (client != null) {
                    release(client);
                }
                CURRENT.remove();
                Thread.interrupted(); // an interrupt meant for this task ends with it
            }
        }

        private synchronized void arm() {
            watchdog = timer.schedule(this::expire, READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }

        synchronized boolean handling() {
            if (state == READING) {
                state = HANDLING;
                watchdog.cancel(false);
            }
            return state == HANDLING;
        }

        synchronized void sending() {
            if (state == HANDLING) {
                state = SENDING;
                arm();
            }
        }

        private synchronized void expire() {
            if (state == READING || state == SENDING) {
                state = TIMED_OUT;
                thread.interrupt();
            }
        }
    }
}
