package dev.forgeperf.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * HOT SPOT 5 (memory leak, with {@code --leak}): a "cache" that never evicts. A daemon thread
 * ({@code session-leaker}) adds {@link LeakedSession} objects to a static list at a steady
 * ~{@value #LEAK_BYTES_PER_SECOND} bytes/s of payload, so heap-after-GC grows visibly within
 * 20-30 s but a 512 MB heap survives for several minutes.
 */
public final class SessionCache {

    /** Target leak rate (payload bytes per second). */
    static final long LEAK_BYTES_PER_SECOND = 1_500_000;
    /** Payload size range per session, in bytes. */
    static final int MIN_PAYLOAD = 1_024;
    static final int MAX_PAYLOAD = 10_240;

    private static final long TICK_MILLIS = 10;

    /** The leak: sessions are added and never removed. */
    private static final List<LeakedSession> SESSIONS = new ArrayList<>();
    private static long retainedBytes;
    private static long nextId;

    private static volatile Thread leaker;

    private SessionCache() {
    }

    /** Starts the leaking daemon thread (idempotent). */
    public static synchronized void startLeaking() {
        if (leaker != null) {
            return;
        }
        Thread t = new Thread(SessionCache::leakLoop, "session-leaker");
        t.setDaemon(true);
        leaker = t;
        t.start();
    }

    /** Stops the leaking thread; already retained sessions stay retained. */
    public static void stopLeaking() throws InterruptedException {
        Thread t = leaker;
        if (t != null) {
            t.interrupt();
            t.join(1_000);
        }
    }

    /** Retains a new session forever. */
    public static synchronized LeakedSession add(String user, int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        ThreadLocalRandom.current().nextBytes(payload);
        LeakedSession session = new LeakedSession(nextId++, user, System.currentTimeMillis(), payload);
        SESSIONS.add(session);
        retainedBytes += payloadBytes;
        return session;
    }

    /** Number of retained sessions. */
    public static synchronized int size() {
        return SESSIONS.size();
    }

    /** Total payload bytes retained. */
    public static synchronized long retainedBytes() {
        return retainedBytes;
    }

    private static void leakLoop() {
        long start = System.nanoTime();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long elapsedNanos = System.nanoTime() - start;
                long target = elapsedNanos / 1_000_000L * LEAK_BYTES_PER_SECOND / 1_000L;
                while (retainedBytes() < target) {
                    add("user-" + rnd.nextInt(100_000), rnd.nextInt(MIN_PAYLOAD, MAX_PAYLOAD + 1));
                }
                Thread.sleep(TICK_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
