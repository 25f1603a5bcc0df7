package dev.forgeperf.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;

/**
 * Static entry points called by the advice inlined into timed methods, and the registry of
 * {@link MethodStats} by integer id.
 *
 * <h2>Hot path</h2>
 * {@link #record}, {@link #sampleStart}, {@link #recordSampled} and {@link #countError} do not
 * allocate, lock, look anything up in a map, log or throw; they are lock-free. Lookup of an id
 * of one of the first {@value #FIXED_IDS} ids (the advice passes the id as a constant, so the JIT folds
 * the range check and the array's address) is one acquire read of an element of a {@code static final}
 * array; later ids read a growable table (a volatile read, a bounds check, an acquire read). Ids that
 * are negative or not registered are silently ignored. The slow-call check is one
 * volatile read and a compare; only a slow call leaves the fast path.
 *
 * <h2>Exact mode</h2>
 * <pre>{@code
 * long t = System.nanoTime();            // on enter
 * Recorder.record(id, System.nanoTime() - t, thrown);   // on exit
 * }</pre>
 *
 * <h2>Sampled mode</h2> (every call counted, one in {@link #sampleInterval() N} timed)
 * <pre>{@code
 * long t = Recorder.sampleStart(id);     // on enter: counts the call
 * if (t != 0L) Recorder.recordSampled(id, System.nanoTime() - t, thrown);   // on exit
 * else if (thrown) Recorder.countError(id);
 * }</pre>
 *
 * <p>Bootstrap class: uses only {@code java.base}, no lambdas, no indy string concatenation.
 */
public final class Recorder {

    private static final VarHandle TABLE_ELEMENT =
            MethodHandles.arrayElementVarHandle(MethodStats[].class);

    private static final Object LOCK = new Object();

    /**
     * Ids below this live in {@link #FIXED}, a {@code static final} array whose address and length
     * the JIT treats as constants: with the id a constant in the advice, finding a method's stats is
     * one load. 4,096 references take 16 KiB (32 KiB without compressed references), held for the
     * life of the JVM; ids are reused after {@link #release}, so most applications never go past it.
     */
    static final int FIXED_IDS = 4096;
    /** Ids {@code 0 .. FIXED_IDS-1} -> stats; elements set with release semantics under {@link #LOCK}. */
    private static final MethodStats[] FIXED = new MethodStats[FIXED_IDS];
    /** Ids {@code FIXED_IDS ..} -> stats at {@code id - FIXED_IDS}; grown copy-on-write under {@link #LOCK}. */
    private static volatile MethodStats[] table = new MethodStats[0];
    /** Number of registered ids; guarded by {@link #LOCK}. */
    private static int size;

    private static volatile boolean active;

    /** Mask N-1 for sampled mode. */
    private static volatile int sampleMask = 15;

    /** Calls with elapsed >= this go to the slow path; Long.MAX_VALUE when no listener. */
    private static volatile long slowThresholdNanos = Long.MAX_VALUE;
    private static volatile SlowConfig slowConfig;

    private static final ThreadLocal<boolean[]> IN_LISTENER = new ThreadLocal<boolean[]>() {
        @Override
        protected boolean[] initialValue() {
            return new boolean[1];
        }
    };

    private Recorder() {
    }

    // ---- hot path ---------------------------------------------------------------------------

    /**
     * Records one timed call (exact mode). Unknown ids are ignored.
     *
     * @param methodId     id from {@link #register(MethodStats)}
     * @param elapsedNanos elapsed time; negative values count as 0
     * @param thrown       whether the call completed by throwing
     */
    public static void record(int methodId, long elapsedNanos, boolean thrown) {
        final MethodStats s = lookup(methodId);
        if (s != null) {
            s.record(elapsedNanos, thrown);
            if (elapsedNanos >= slowThresholdNanos) {
                slowCall(methodId, elapsedNanos, thrown);
            }
        }
    }

    /**
     * Sampled mode, on method enter: counts the call exactly and decides whether to time it.
     *
     * @return {@code System.nanoTime()} if this call is to be timed (the calling thread's stripe
     *     counter was a multiple of N before this call), else {@code 0L}; also {@code 0L} for
     *     unknown ids. (A genuine {@code nanoTime()} of exactly 0 is treated as "not timed".)
     */
    public static long sampleStart(int methodId) {
        final MethodStats s = lookup(methodId);
        if (s != null && (s.incrementCount() & sampleMask) == 0L) {
            return System.nanoTime();
        }
        return 0L;
    }

    /**
     * Sampled mode, on exit of a call for which {@link #sampleStart} returned non-zero. The call
     * itself was already counted by {@code sampleStart}; this adds its time (and error).
     */
    public static void recordSampled(int methodId, long elapsedNanos, boolean thrown) {
        record(methodId, elapsedNanos, thrown);
    }

    /**
     * Sampled mode, on exit by throwing of a call that was not timed: counts the error only, so
     * that the error count stays exact. Unknown ids are ignored.
     */
    public static void countError(int methodId) {
        final MethodStats s = lookup(methodId);
        if (s != null) {
            s.recordError();
        }
    }

    private static MethodStats lookup(int id) {
        if (id >= 0 && id < FIXED_IDS) {
            return (MethodStats) TABLE_ELEMENT.getAcquire(FIXED, id);
        }
        final MethodStats[] t = table;
        final int i = id - FIXED_IDS;
        return i >= 0 && i < t.length ? (MethodStats) TABLE_ELEMENT.getAcquire(t, i) : null;
    }

    // ---- slow path --------------------------------------------------------------------------

    private static void slowCall(int id, long elapsedNanos, boolean thrown) {
        final SlowConfig c = slowConfig;
        if (c == null || elapsedNanos < c.thresholdNanos) {
            return; // listener changed concurrently
        }
        final boolean[] inListener = IN_LISTENER.get();
        if (inListener[0]) {
            return; // slow call made by the listener itself: no re-entry
        }
        inListener[0] = true;
        try {
            c.listener.slowCall(id, elapsedNanos, thrown);
        } catch (Throwable ignored) {
            // a misbehaving listener must never affect the application
        } finally {
            inListener[0] = false;
        }
    }

    /**
     * Sets (or with {@code null} removes) the listener notified, on the calling thread, of every
     * recorded call with {@code elapsed >= thresholdNanos}. Any {@link Throwable} thrown by the
     * listener is swallowed. In sampled mode only timed calls can be reported.
     *
     * @param thresholdNanos threshold; values below 0 are treated as 0
     */
    public static void setSlowCallListener(SlowCallListener listener, long thresholdNanos) {
        synchronized (LOCK) {
            if (listener == null) {
                slowThresholdNanos = Long.MAX_VALUE;
                slowConfig = null;
            } else {
                final long t = Math.max(0L, thresholdNanos);
                slowConfig = new SlowConfig(listener, t);
                slowThresholdNanos = t;
            }
        }
    }

    private static final class SlowConfig {
        final SlowCallListener listener;
        final long thresholdNanos;

        SlowConfig(SlowCallListener listener, long thresholdNanos) {
            this.listener = listener;
            this.thresholdNanos = thresholdNanos;
        }
    }

    // ---- registry (off the hot path) --------------------------------------------------------

    /** Most methods and track names registered at once; guarded by {@link #LOCK}. */
    private static int maxMethods = Integer.MAX_VALUE;
    /** Registered and not released; guarded by {@link #LOCK}. */
    private static int live;
    /** Registrations refused because {@link #maxMethods} was reached; guarded by {@link #LOCK}. */
    private static long refused;
    /** Ids given back by {@link #release(int)}, reused first; guarded by {@link #LOCK}. */
    private static int[] freeIds = new int[16];
    private static int freeCount;

    /**
     * Registers stats and returns its id, or {@code -1} when {@link #maxMethods()} methods are
     * registered already (the caller then does not time the method; {@link #refused()} counts it).
     * Ids of released stats are reused; other ids are 0, 1, 2, ...; registering the same instance
     * twice yields two ids for it.
     */
    public static int register(MethodStats stats) {
        if (stats == null) {
            throw new NullPointerException("stats");
        }
        synchronized (LOCK) {
            if (live >= maxMethods) {
                if (refused++ == 0 && refusalListener != null) {
                    try {
                        refusalListener.run();
                    } catch (Throwable ignored) {
                        // the listener only reports
                    }
                }
                return -1;
            }
            final int id;
            if (freeCount > 0) {
                id = freeIds[--freeCount];
            } else {
                id = size;
                if (id == Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("too many registered methods");
                }
                size = id + 1;
            }
            if (id < FIXED_IDS) {
                TABLE_ELEMENT.setRelease(FIXED, id, stats);
            } else {
                MethodStats[] t = table;
                final int i = id - FIXED_IDS;
                if (i < t.length) {
                    TABLE_ELEMENT.setRelease(t, i, stats);
                } else {
                    t = Arrays.copyOf(t, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(256L, 2L * t.length)));
                    t[i] = stats;
                    table = t; // volatile publish of the grown copy
                }
            }
            live++;
            return id;
        }
    }

    /**
     * Forgets the stats under {@code id} and frees their memory; the id may be given to another
     * method. Only for ids no code can record into any more (their class was unloaded).
     */
    public static void release(int id) {
        synchronized (LOCK) {
            if (!forget(id)) {
                return;
            }
            if (freeCount == freeIds.length) {
                freeIds = Arrays.copyOf(freeIds, freeCount * 2);
            }
            freeIds[freeCount++] = id;
        }
    }

    /**
     * Forgets the stats under {@code id} and frees their memory, like {@link #release}, but the id
     * is never given out again: for ids whose code may still run somewhere. A frame that was on a
     * stack when its method's instrumentation was removed still runs the timed version and records
     * once more on exit; under a retired id that call is ignored instead of landing in another
     * method's row.
     */
    public static void retire(int id) {
        synchronized (LOCK) {
            forget(id);
        }
    }

    /** Clears {@code id}'s slot and frees its stats; false when nothing was registered there. Caller holds {@link #LOCK}. */
    private static boolean forget(int id) {
        final MethodStats s = id < 0 || id >= size ? null : lookup(id);
        if (s == null) {
            return false;
        }
        if (id < FIXED_IDS) {
            TABLE_ELEMENT.setRelease(FIXED, id, (MethodStats) null);
        } else {
            TABLE_ELEMENT.setRelease(table, id - FIXED_IDS, (MethodStats) null);
        }
        s.release();
        live--;
        return true;
    }

    /** The stats registered under {@code id}, or {@code null} if there is none. */
    public static MethodStats stats(int id) {
        return lookup(id);
    }

    /** All registered stats in id order (released ids left out); an unmodifiable copy. */
    public static List<MethodStats> all() {
        final int n;
        synchronized (LOCK) {
            n = size;
        }
        final java.util.ArrayList<MethodStats> out = new java.util.ArrayList<MethodStats>(n);
        for (int i = 0; i < n; i++) {
            final MethodStats s = lookup(i);
            if (s != null) {
                out.add(s);
            }
        }
        return java.util.Collections.unmodifiableList(out);
    }

    /** Number of ids in use so far (ids are {@code 0 .. size()-1}; released ones are reused). */
    public static int size() {
        synchronized (LOCK) {
            return size;
        }
    }

    /** Number of stats registered and not released. */
    public static int live() {
        synchronized (LOCK) {
            return live;
        }
    }

    private static Runnable refusalListener;

    /** Run once, under the registry lock, the first time {@link #register} refuses (exceptions ignored). */
    public static void setRefusalListener(Runnable listener) {
        synchronized (LOCK) {
            refusalListener = listener;
        }
    }

    /** Sets the most methods and track names registered at once (at least 1). */
    public static void setMaxMethods(int max) {
        synchronized (LOCK) {
            maxMethods = Math.max(1, max);
        }
    }

    /** The most methods and track names registered at once. */
    public static int maxMethods() {
        synchronized (LOCK) {
            return maxMethods;
        }
    }

    /** Registrations refused so far because {@link #maxMethods()} was reached. */
    public static long refused() {
        synchronized (LOCK) {
            return refused;
        }
    }

    // ---- configuration ----------------------------------------------------------------------

    /** Whether the agent is loaded and recording (set by the agent at load). */
    public static boolean isActive() {
        return active;
    }

    /** Set by the agent at load; {@code dev.forgeperf.ForgePerf} is a no-op while false. */
    public static void setActive(boolean value) {
        active = value;
    }

    /**
     * Sets N for sampled mode (one call in N timed per stripe). Rounded up to a power of two,
     * 1 .. 2^30. Default 16. Intended to be set by the agent before instrumenting.
     */
    public static void setSampleInterval(int n) {
        final int c = Math.max(1, Math.min(1 << 30, n));
        final int pow2 = c == 1 ? 1 : Integer.highestOneBit(c - 1) << 1;
        sampleMask = pow2 - 1;
    }

    /** Current N for sampled mode (a power of two). */
    public static int sampleInterval() {
        return sampleMask + 1;
    }
}
