package dev.forgeperf.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;

/**
 * The one path from a JFR file to a {@link Profile}: streams a recording chunk by chunk with
 * {@link JfrParser} and aggregates the events of a {@link Kind}.
 *
 * <p>Speed: events of other types are skipped by their size, undecoded. A stack trace id is
 * resolved to a call-tree node once per chunk (frames interned by method id and line), so a typical
 * event costs reading a few varints, one hash lookup and an add; no strings are built per event.
 * Outside a host JVM the chunks are read by up to 4 threads at once ({@link ParallelChunks}).
 *
 * <p>CPU time: {@code cpu/nanoseconds} = the sum of the samples' weights. A {@code jdk.ExecutionSample}
 * weighs the sampling period in force when it was taken: {@link ProfileOptions#intervalNanos()} when
 * given, else the smallest {@code period} of {@code jdk.ExecutionSample} among the chunk's
 * {@code jdk.ActiveSetting} events (several recordings running at once sample at the fastest rate; a
 * recording to disk that starts or stops begins a new chunk), else the previous chunk's, else 20 ms
 * (the JDK's {@code default} setting). Samples wait per chunk for its period ({@link SamplingPeriods}).
 * A recording made through {@code jdk.jfr.Recording} must enable {@code jdk.ActiveSetting} for its
 * period to be found (the {@code default} and {@code profile} settings do). The same holds for
 * {@code jdk.NativeMethodSample} in wall profiles. Recordings written by async-profiler give the
 * period as its {@code interval} setting (nanoseconds; 0 for its default, 10 ms). A recording with
 * {@code jdk.CPUTimeSample} events (JDK 25+, JEP 509) is read from those instead, each weighing its
 * {@code samplingPeriod}. With {@link ProfileOptions#calibration()} each thread's samples are scaled
 * to its measured CPU time ({@link CpuCalibrator}); without it the header says the CPU time is an estimate.
 *
 * <p>Wall time: with {@link ProfileOptions#waiting()}, the waits still going on at the end of the
 * window (which have no event yet) are added from the thread dump ({@link WaitsInProgress}).
 *
 * <p>forge-perf's own frames that run on the application's threads (the timing advice's recorder,
 * the library timers) are folded into their callers in every kind; the header says in how many samples.
 *
 * <p>Allocation: each {@code jdk.ObjectAllocationSample} counts one object and its {@code weight}
 * bytes. A recording without those events (JDK 11–15 style, or async-profiler's) is read from
 * {@code jdk.ObjectAllocationInNewTLAB} (one object, {@code tlabSize} bytes) and
 * {@code jdk.ObjectAllocationOutsideTLAB} (one object, {@code allocationSize} bytes) instead; the
 * two are never added up, as they describe the same allocations.
 *
 * <p>The parts: {@link ChunkReader} (the per-event path, one per reading thread) with
 * {@link EventSlots} (the event types of a chunk), {@link StackInterner} and {@link FunctionFilter}
 * (stacks to call-tree nodes), {@link RawColumns} and {@link SamplingPeriods} (the kind's weighting),
 * {@link WaitsInProgress}; then {@link CpuCalibrator}.
 *
 * <p>Not thread-safe; one instance reads one file.
 */
public final class JfrReader {
    /** The sampling period assumed when the recording does not say (the JDK's {@code default} settings). */
    public static final long DEFAULT_PERIOD_NANOS = 20_000_000L;

    /** Threads whose names start with this are forge-perf's own; their events are left out of every profile. */
    public static final String AGENT_THREAD_PREFIX = "forge-perf-";

    /** The sample type of {@link #readThreadStarts}. */
    public static final SampleType THREAD_STARTS = new SampleType("threadcreate", "count");

    private static volatile boolean insideHost;

    private final Kind kind;
    private final ProfileOptions options;
    /** The reader of the caller's thread; with several threads, the others' are added to it. */
    private final ChunkReader main;
    /** Whether this reads thread starts ({@link #readThreadStarts}), for every reading thread. */
    private final boolean threadStarts;
    /** At most this many threads read one file, each every n-th chunk: one per core, up to 4; inside a host JVM one. */
    private int maxWorkers = insideHost ? 1 : Math.min(4, Runtime.getRuntime().availableProcessors());

    public JfrReader(Kind kind, ProfileOptions options) {
        this(kind, options, false);
    }

    private JfrReader(Kind kind, ProfileOptions options, boolean threadStarts) {
        if (kind == Kind.LIVE) {
            throw new IllegalArgumentException("live objects are read by LiveObjects, not streamed");
        }
        this.kind = kind;
        this.options = options;
        this.threadStarts = threadStarts;
        this.main = new ChunkReader(kind, options, threadStarts, insideHost);
    }

    /** Reads the events of {@code kind} from {@code jfr}. */
    public static Profile read(Path jfr, Kind kind, ProfileOptions options) throws IOException {
        if (kind == Kind.LIVE) {
            return LiveObjects.read(jfr, options);
        }
        return new JfrReader(kind, options).read(jfr);
    }

    /**
     * Where threads were started: one {@code threadcreate/count} sample per {@code jdk.ThreadStart}
     * event at its stack (the starting thread's), for {@code /debug/pprof/threadcreate}. Threads
     * started by forge-perf ({@value #AGENT_THREAD_PREFIX}…, the event's thread) are left out.
     */
    public static Profile readThreadStarts(Path jfr, ProfileOptions options) throws IOException {
        return threadStarts(threadStartsReader(options), jfr);
    }

    /** A reader of thread starts (every reading thread reads {@code jdk.ThreadStart}), to be passed to {@link #threadStarts}. */
    static JfrReader threadStartsReader(ProfileOptions options) {
        return new JfrReader(Kind.LOCK, options, true);
    }

    /** Reads thread starts from {@code jfr} with {@code reader}: the profile {@link #readThreadStarts} returns. */
    static Profile threadStarts(JfrReader reader, Path jfr) throws IOException {
        Profile p = reader.read(jfr);
        p.remap(List.of(THREAD_STARTS), 0, (raw, out) -> out[0] = raw[0]);
        p.setPeriod(THREAD_STARTS, 1);
        return p;
    }

    /** Parses a JFR period setting such as {@code 20 ms}; 0 when it is not one. */
    public static long parsePeriod(String value) {
        return SamplingPeriods.parse(value);
    }

    /** Events read (of all types) by {@link #read(Path)}. */
    public long events() {
        return main.events();
    }

    /** Events that made it into the profile. */
    public long matched() {
        return main.matched();
    }

    /** With {@link ProfileOptions#calls()}: samples and waits of the kind left out because no call was running on their thread then. */
    public long outsideCalls() {
        return main.outsideCalls();
    }

    /**
     * Reads {@code jfr} into a profile.
     *
     * @throws ProfileException for input that is not a complete, well-formed JFR file
     */
    public Profile read(Path jfr) throws IOException {
        JfrFile file = JfrFile.check(jfr);
        // the time zone only for --from/--to: loading the zone rules costs a command-line tool ~8 ms
        long from = options.from() == null ? Long.MIN_VALUE : TimeBound.resolve(options.from(), file.startEpochNanos(), ZoneId.systemDefault());
        long to = options.to() == null ? Long.MAX_VALUE : TimeBound.resolve(options.to(), file.startEpochNanos(), ZoneId.systemDefault());
        long windowStart = Math.max(file.startEpochNanos(), from);
        long windowEnd = Math.min(file.endEpochNanos(), to);
        main.window(windowStart, windowEnd);
        int workers = Math.min(file.chunks(), maxWorkers);
        if (workers <= 1) {
            main.readChunks(file, null, 1, from, to);
        } else {
            ChunkReader[] parts = new ChunkReader[workers];
            parts[0] = main;
            for (int w = 1; w < workers; w++) {
                parts[w] = new ChunkReader(kind, options, threadStarts, insideHost);
                parts[w].window(windowStart, windowEnd);
            }
            ParallelChunks.read(file, parts, from, to);
        }
        return main.finish();
    }

    /**
     * Called by the agent when it loads: from then on every read in this JVM (the host's) runs on
     * the caller's thread alone and memory-maps each chunk instead of copying it onto the heap,
     * so a read's heap is its index tables and the profile model, never the recording's bytes.
     * The CLI's own JVM keeps the faster parallel heap-copy reading.
     */
    public static void readInsideHost() {
        insideHost = true;
    }

    /** Reads with the caller's thread alone, every chunk memory-mapped: as inside a host JVM. */
    JfrReader hostSafe() {
        main.mappedOnly(true);
        maxWorkers = 1;
        return this;
    }

    /** Sets how many threads may read the file (1: only the caller's). */
    JfrReader workers(int n) {
        maxWorkers = Math.max(1, n);
        return this;
    }
}
