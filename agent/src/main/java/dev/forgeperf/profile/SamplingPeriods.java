package dev.forgeperf.profile;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.forgeperf.util.Units;

/**
 * The sampling period each execution sample (and, in wall profiles, native method sample) weighs:
 * {@link ProfileOptions#intervalNanos()} when given, else the smallest period of the event among the
 * chunk's {@code jdk.ActiveSetting} events ({@link #activeSetting}), else the previous chunk's, else
 * {@link JfrReader#DEFAULT_PERIOD_NANOS}. Within one chunk the period in force does not change (a
 * recording to disk that starts or stops begins a new chunk), and it is taken from the chunk's
 * settings wherever in the chunk they are: so a sample counts 1 in its node's pending column
 * ({@link #execution}, {@link #nativeSample}) and {@link #endChunk} moves the chunk's pending counts,
 * times its period, into the nanosecond columns ({@link RawColumns}).
 *
 * <p>Per event: one value read and one add on the profile, and a node appended to the pending list
 * the first time it gets a sample in the chunk (an {@code int[]} grown by doubling); at the chunk's
 * end a walk over the pending nodes. Keeps, per period, how many samples it weighted: the profile's
 * main period ({@link #mainPeriod}) and the header's summary ({@link #text}).
 *
 * <p>Kinds that are not sampled ({@link Kind.Weighting#sampled()}) take no settings and weigh nothing.
 * Not thread-safe: one per reader of chunks; parallel readers' counts are merged with {@link #absorb}.
 */
final class SamplingPeriods {
    /** async-profiler's sampling interval when its recording says {@code interval = 0} (its default). */
    static final long ASYNC_PROFILER_DEFAULT_INTERVAL = 10_000_000L;

    private static final Pattern PERIOD = Pattern.compile("\\s*(\\d+)\\s*(ns|us|ms|s|m|h|d)\\s*");

    private final Profile profile;
    private final ProfileOptions options;
    private final Kind.Weighting weighting;
    private final boolean sampled;
    /** The raw columns of execution samples pending and weighted (they differ between cpu and wall), and of native ones (wall). */
    private final int execPending;
    private final int execNanos;
    private final int nativePending;
    private final int nativeNanos;
    /** The periods of this chunk's jdk.ActiveSetting events (0: none seen yet). */
    private long chunkExecPeriod;
    private long chunkNativePeriod;
    /** The last chunk's periods: a chunk that does not state its own keeps them. */
    private long lastExecPeriod;
    private long lastNativePeriod;
    /** Per sampling period used (nanoseconds), the samples weighted by it. */
    private final TreeMap<Long, long[]> samplesByPeriod = new TreeMap<>();
    private boolean periodAssumed;
    /** Nodes with samples pending in this chunk, waiting for the chunk's period. */
    private int[] pending = new int[256];
    private int pendingCount;
    /** This chunk's type ids of jdk.ExecutionSample and jdk.NativeMethodSample (-1: not in the chunk). */
    private long executionSampleTypeId = -1;
    private long nativeSampleTypeId = -1;

    /**
     * Periods for the samples of a profile of {@code weighting}'s raw columns ({@link RawColumns#periods}):
     * execution samples pending in column {@code execPending}, weighted into {@code execNanos}; in a wall
     * profile native method samples likewise in {@code nativePending} and {@code nativeNanos}.
     */
    SamplingPeriods(Profile profile, Kind.Weighting weighting, ProfileOptions options, int execPending, int execNanos, int nativePending, int nativeNanos) {
        this.profile = profile;
        this.options = options;
        this.weighting = weighting;
        this.sampled = weighting.sampled();
        this.execPending = execPending;
        this.execNanos = execNanos;
        this.nativePending = nativePending;
        this.nativeNanos = nativeNanos;
    }

    /** Starts a chunk whose sample events have these type ids (-1: none): no period stated yet. */
    void startChunk(long executionSampleTypeId, long nativeSampleTypeId) {
        chunkExecPeriod = 0;
        chunkNativePeriod = 0;
        this.executionSampleTypeId = executionSampleTypeId;
        this.nativeSampleTypeId = nativeSampleTypeId;
    }

    /**
     * Takes a {@code jdk.ActiveSetting} event of this chunk: a {@code period} (JDK) or {@code interval}
     * (async-profiler) of {@code jdk.ExecutionSample} or {@code jdk.NativeMethodSample} sets the chunk's
     * period of those samples, the smallest when several recordings state one.
     */
    void activeSetting(long eventTypeId, String name, String value) {
        if (!sampled) {
            return;
        }
        long nanos = 0;
        if ("period".equals(name)) {
            nanos = parse(value);
        } else if ("interval".equals(name) && value != null && value.matches("\\d{1,18}")) {
            // async-profiler's recordings: nanoseconds, 0 meaning its default
            nanos = Long.parseLong(value) == 0 ? ASYNC_PROFILER_DEFAULT_INTERVAL : Long.parseLong(value);
        }
        if (nanos > 0) {
            // several recordings at once sample at the fastest rate; a recording to disk that starts
            // or stops begins a new chunk, so within one chunk the period in force does not change
            if (eventTypeId == executionSampleTypeId) {
                chunkExecPeriod = chunkExecPeriod == 0 ? nanos : Math.min(chunkExecPeriod, nanos);
            } else if (eventTypeId == nativeSampleTypeId) {
                chunkNativePeriod = chunkNativePeriod == 0 ? nanos : Math.min(chunkNativePeriod, nanos);
            }
        }
    }

    /** Counts an execution sample at {@code node}, to be weighted at the chunk's end. */
    void execution(int node) {
        markPending(node, execPending);
    }

    /** Counts a native method sample at {@code node} (wall), to be weighted at the chunk's end. */
    void nativeSample(int node) {
        markPending(node, nativePending);
    }

    private void markPending(int node, int column) {
        if (profile.value(node, column) == 0) {
            if (pendingCount == pending.length) {
                pending = Arrays.copyOf(pending, pendingCount * 2);
            }
            pending[pendingCount++] = node;
        }
        profile.add(node, column, 1);
    }

    /** Weights this chunk's execution and native samples by the period in force while the chunk was written. */
    void endChunk() {
        if (!sampled) {
            return;
        }
        if (pendingCount == 0) {
            lastExecPeriod = chunkExecPeriod > 0 ? chunkExecPeriod : lastExecPeriod;
            lastNativePeriod = chunkNativePeriod > 0 ? chunkNativePeriod : lastNativePeriod;
            return;
        }
        boolean given = options.intervalNanos() > 0;
        boolean execAssumed = !given && chunkExecPeriod <= 0 && lastExecPeriod <= 0;
        boolean nativeAssumed = !given && chunkNativePeriod <= 0 && lastNativePeriod <= 0;
        long exec = chunkPeriod(chunkExecPeriod, lastExecPeriod);
        long nat = chunkPeriod(chunkNativePeriod, lastNativePeriod);
        lastExecPeriod = exec;
        lastNativePeriod = nat;
        long execCount = 0;
        long nativeCount = 0;
        for (int i = 0; i < pendingCount; i++) {
            int node = pending[i];
            long e = profile.value(node, execPending);
            if (e != 0) {
                profile.add(node, execPending, -e);
                profile.add(node, execNanos, e * exec);
                execCount += e;
            }
            if (weighting == Kind.Weighting.WALL) {
                long n = profile.value(node, nativePending);
                if (n != 0) {
                    profile.add(node, nativePending, -n);
                    profile.add(node, nativeNanos, n * nat);
                    nativeCount += n;
                }
            }
        }
        pendingCount = 0;
        periodAssumed |= execCount > 0 && execAssumed || nativeCount > 0 && nativeAssumed;
        if (execCount > 0) {
            samplesByPeriod.computeIfAbsent(exec, p -> new long[1])[0] += execCount;
        }
        if (nativeCount > 0) {
            samplesByPeriod.computeIfAbsent(nat, p -> new long[1])[0] += nativeCount;
        }
    }

    private long chunkPeriod(long stated, long last) {
        if (options.intervalNanos() > 0) {
            return options.intervalNanos();
        }
        if (stated > 0) {
            return stated;
        }
        return last > 0 ? last : JfrReader.DEFAULT_PERIOD_NANOS;
    }

    /** The period most samples were weighted by (pprof's {@code period}). */
    long mainPeriod() {
        if (options.intervalNanos() > 0) {
            return options.intervalNanos();
        }
        long best = 0;
        long most = -1;
        for (Map.Entry<Long, long[]> e : samplesByPeriod.entrySet()) {
            if (e.getValue()[0] > most) {
                most = e.getValue()[0];
                best = e.getKey();
            }
        }
        return best > 0 ? best : lastExecPeriod > 0 ? lastExecPeriod : JfrReader.DEFAULT_PERIOD_NANOS;
    }

    /** The periods the samples were weighted by, with their counts, and where the periods came from. */
    String text() {
        if (samplesByPeriod.isEmpty()) {
            return Units.nanos(mainPeriod()) + " (no samples)";
        }
        StringBuilder b = new StringBuilder();
        samplesByPeriod.forEach((period, n) -> b.append(b.length() == 0 ? "" : ", ")
                .append(Units.nanos(period)).append(" (").append(n[0]).append(" samples)"));
        b.append(options.intervalNanos() > 0 ? " (given)" : periodAssumed ? " (some assumed: the recording does not say)" : " (from jdk.ActiveSetting)");
        return b.toString();
    }

    /** Adds the samples another reader (of other chunks of the same file) weighted. */
    void absorb(SamplingPeriods other) {
        other.samplesByPeriod.forEach((period, n) -> samplesByPeriod.computeIfAbsent(period, p -> new long[1])[0] += n[0]);
        periodAssumed |= other.periodAssumed;
    }

    /** Parses a JFR period setting such as {@code 20 ms}; 0 when it is not one ({@link JfrReader#parsePeriod}). */
    static long parse(String value) {
        if (value == null) {
            return 0;
        }
        Matcher m = PERIOD.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return 0;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ns" -> n;
            case "us" -> n * 1_000L;
            case "ms" -> n * 1_000_000L;
            case "s" -> n * 1_000_000_000L;
            case "m" -> n * 60_000_000_000L;
            case "h" -> n * 3_600_000_000_000L;
            default -> n * 86_400_000_000_000L;
        };
    }
}
