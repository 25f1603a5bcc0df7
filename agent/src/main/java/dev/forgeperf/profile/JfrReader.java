package dev.forgeperf.profile;

import static dev.forgeperf.profile.EventSlots.ACTIVE_SETTING;
import static dev.forgeperf.profile.EventSlots.ALLOCATION_SAMPLE;
import static dev.forgeperf.profile.EventSlots.BLOCKED;
import static dev.forgeperf.profile.EventSlots.CONTENDED;
import static dev.forgeperf.profile.EventSlots.CPU_TIME_LOST;
import static dev.forgeperf.profile.EventSlots.CPU_TIME_SAMPLE;
import static dev.forgeperf.profile.EventSlots.DURATION;
import static dev.forgeperf.profile.EventSlots.EXECUTION_SAMPLE;
import static dev.forgeperf.profile.EventSlots.FAILED;
import static dev.forgeperf.profile.EventSlots.NATIVE_SAMPLE;
import static dev.forgeperf.profile.EventSlots.NEW_TLAB;
import static dev.forgeperf.profile.EventSlots.OUTSIDE_TLAB;
import static dev.forgeperf.profile.EventSlots.SETTING_ID;
import static dev.forgeperf.profile.EventSlots.STACK;
import static dev.forgeperf.profile.EventSlots.START;
import static dev.forgeperf.profile.EventSlots.THREAD;
import static dev.forgeperf.profile.EventSlots.VALUE;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.forgeperf.util.Failures;
import dev.forgeperf.util.Units;

/**
 * The one path from a JFR file to a {@link Profile}: streams a recording chunk by chunk with
 * {@link JfrParser} and aggregates the events of a {@link Kind}.
 *
 * <p>Speed: events of other types are skipped by their size, undecoded. A stack trace id is
 * resolved to a call-tree node once per chunk (frames interned by method id and line), so a typical
 * event costs reading a few varints, one hash lookup and an add; no strings are built per event.
 *
 * <p>CPU time: {@code cpu/nanoseconds} = the sum of the samples' weights. A {@code jdk.ExecutionSample}
 * weighs the sampling period in force when it was taken: {@link ProfileOptions#intervalNanos()} when
 * given, else the smallest {@code period} of {@code jdk.ExecutionSample} among the chunk's
 * {@code jdk.ActiveSetting} events (several recordings running at once sample at the fastest rate; a
 * recording to disk that starts or stops begins a new chunk), else the previous chunk's, else 20 ms
 * (the JDK's {@code default} setting). Samples wait per chunk for its period ({@link #endChunk()}).
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
 * <p>Not thread-safe; one instance reads one file.
 */
public final class JfrReader {
    /** The sampling period assumed when the recording does not say (the JDK's {@code default} settings). */
    public static final long DEFAULT_PERIOD_NANOS = 20_000_000L;

    // raw columns of a cpu profile
    private static final int CPU_EXEC_SAMPLES = 0;
    private static final int CPU_EXEC_NANOS = 1;
    private static final int CPU_EXEC_PENDING = 2;
    private static final int CPU_TIME_SAMPLES = 3;
    private static final int CPU_TIME_NANOS = 4;
    // raw columns of a wall profile
    private static final int WALL_EXEC_SAMPLES = 0;
    private static final int WALL_NATIVE_SAMPLES = 1;
    private static final int WALL_OFF_CPU_NANOS = 2;
    private static final int WALL_EXEC_NANOS = 3;
    private static final int WALL_NATIVE_NANOS = 4;
    private static final int WALL_EXEC_PENDING = 5;
    private static final int WALL_NATIVE_PENDING = 6;

    /** Threads whose names start with this are forge-perf's own; their events are left out of every profile. */
    public static final String AGENT_THREAD_PREFIX = "forge-perf-";

    private final Kind kind;
    /** How {@link #kind} weighs its events ({@link #finish}), and whether its samples wait for their chunk's period. */
    private final Kind.Weighting weighting;
    private final boolean sampled;
    /** The raw columns an execution sample adds to (they differ between cpu and wall), resolved once per reader. */
    private final int execSamples;
    private final int execPending;
    private final int execNanos;
    private final ProfileOptions options;
    private Profile profile;
    /** Whether samples are scaled per thread to {@link ProfileOptions#calibration()} (cpu only). */
    private final boolean calibrating;
    /** For a wall profile: the threads waiting at the end of the window, else null. */
    private final WaitingThreads waits;
    /** Only samples and waits inside these calls (a latency profile), else null. */
    private final CallWindows calls;
    /** Events left out because they fell outside {@link #calls}. */
    private long outsideCalls;
    /** For a wall profile with {@link #waits}: the threads' last events, and at the end the waits still going on. */
    private final WaitsInProgress inProgress;
    private final LongIntMap threadIds = new LongIntMap(64);

    /** The Java thread id of a thread (constant-pool id), cached per chunk; 0 when it has none (a native thread). */
    private int javaThreadId(long thread) {
        if (thread == 0) {
            return 0;
        }
        int tid = threadIds.get(thread);
        if (tid < 0) {
            long id = parser.threadJavaId(thread);
            tid = id > 0 && id < Integer.MAX_VALUE ? (int) id : 0;
            threadIds.put(thread, tid);
        }
        return tid;
    }

    /** The call-tree nodes of the chunks' stack traces, in {@link #profile}. */
    private final StackInterner stacks;

    private boolean sawAllocationSample;
    private long events;
    private long matched;

    public JfrReader(Kind kind, ProfileOptions options) {
        this(kind, options, false);
    }

    /** The sample type of {@link #readThreadStarts}. */
    public static final SampleType THREAD_STARTS = new SampleType("threadcreate", "count");

    /** The event types read in the current chunk, and where their values go in {@link #longs} and {@link #texts}. */
    private final EventSlots slots;

    private JfrReader(Kind kind, ProfileOptions options, boolean threadStarts) {
        if (kind == Kind.LIVE) {
            throw new IllegalArgumentException("live objects are read by LiveObjects, not streamed");
        }
        this.slots = new EventSlots(kind, threadStarts);
        this.kind = kind;
        this.weighting = kind.weighting();
        this.sampled = weighting.sampled();
        boolean cpu = weighting == Kind.Weighting.CPU;
        this.execSamples = cpu ? CPU_EXEC_SAMPLES : WALL_EXEC_SAMPLES;
        this.execPending = cpu ? CPU_EXEC_PENDING : WALL_EXEC_PENDING;
        this.execNanos = cpu ? CPU_EXEC_NANOS : WALL_EXEC_NANOS;
        this.options = options;
        this.calibrating = kind.measuresCpuTime() && options.calibration() != null;
        this.waits = kind.measuresWaiting() && options.calls() == null ? options.waiting() : null;
        this.calls = options.calls();
        this.profile = new Profile(rawTypes(weighting), 0);
        this.stacks = new StackInterner(profile, options, calibrating);
        this.inProgress = new WaitsInProgress(options, waits, stacks);
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
        Profile p = new JfrReader(Kind.LOCK, options, true).read(jfr);
        p.remap(List.of(THREAD_STARTS), 0, (raw, out) -> out[0] = raw[0]);
        p.setPeriod(THREAD_STARTS, 1);
        return p;
    }

    /** Events read (of all types) by {@link #read(Path)}. */
    public long events() {
        return events;
    }

    /** Events that made it into the profile. */
    public long matched() {
        return matched;
    }

    /** With {@link ProfileOptions#calls()}: samples and waits of the kind left out because no call was running on their thread then. */
    public long outsideCalls() {
        return outsideCalls;
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
        windowStart = Math.max(file.startEpochNanos(), from);
        windowEnd = Math.min(file.endEpochNanos(), to);
        int workers = Math.min(file.chunks(), maxWorkers);
        if (workers <= 1) {
            readChunks(file, null, 1, from, to);
        } else {
            readInParallel(file, workers, from, to);
        }
        finish();
        if (agentEvents > 0) {
            profile.addComment(agentEvents + " events on forge-perf's own threads left out");
        }
        if (calibrating) {
            CpuCalibration cal = options.calibration();
            profile.setTime(cal.startEpochNanos(), Math.max(0, cal.endEpochNanos() - cal.startEpochNanos()));
        } else {
            profile.setTime(windowStart, Math.max(0, windowEnd - windowStart));
        }
        return profile;
    }

    private static volatile boolean insideHost;

    /**
     * Called by the agent when it loads: from then on every read in this JVM (the host's) runs on
     * the caller's thread alone and memory-maps each chunk instead of copying it onto the heap,
     * so a read's heap is its index tables and the profile model, never the recording's bytes.
     * The CLI's own JVM keeps the faster parallel heap-copy reading.
     */
    public static void readInsideHost() {
        insideHost = true;
    }

    /** At most this many threads read one file, each every n-th chunk: one per core, up to 4; inside a host JVM one. */
    private int maxWorkers = insideHost ? 1 : Math.min(4, Runtime.getRuntime().availableProcessors());

    /** Whether chunks are memory-mapped rather than copied onto the heap (inside a host JVM). */
    private boolean mappedOnly = insideHost;

    /** Reads with the caller's thread alone, every chunk memory-mapped: as inside a host JVM. */
    JfrReader hostSafe() {
        mappedOnly = true;
        maxWorkers = 1;
        return this;
    }

    /** Sets how many threads may read the file (1: only the caller's). */
    JfrReader workers(int n) {
        maxWorkers = Math.max(1, n);
        return this;
    }

    /**
     * Reads the chunks with {@code workers} threads (this one included), each taking the next
     * unread chunk into its own reader, and adds the others' raw samples to this one. A failure is
     * the one of the earliest chunk.
     */
    private void readInParallel(JfrFile file, int workers, long from, long to) throws IOException {
        java.util.concurrent.atomic.AtomicInteger claim = new java.util.concurrent.atomic.AtomicInteger();
        JfrReader[] parts = new JfrReader[workers];
        Throwable[] failures = new Throwable[workers];
        Thread[] threads = new Thread[workers];
        parts[0] = this;
        for (int w = 1; w < workers; w++) {
            parts[w] = new JfrReader(kind, options);
            parts[w].windowStart = windowStart;
            parts[w].windowEnd = windowEnd;
            int first = w;
            threads[w] = new Thread(() -> {
                try {
                    parts[first].readChunks(file, claim, workers, from, to);
                } catch (Throwable t) {
                    failures[first] = t;
                    claim.set(file.chunks()); // the others stop after their current chunk
                }
            }, AGENT_THREAD_PREFIX + "jfr-reader-" + w);
            threads[w].setDaemon(true);
            threads[w].start();
        }
        try {
            readChunks(file, claim, workers, from, to);
        } catch (IOException | RuntimeException | Error e) {
            failures[0] = e;
            claim.set(file.chunks());
        }
        // claims only grow, so every chunk before a failed one was read: the earliest failure does not depend on timing
        boolean interrupted = false;
        for (int w = 1; w < workers; w++) {
            while (true) {
                try {
                    threads[w].join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    claim.set(file.chunks()); // stop the readers, then wait for them: none outlives the call
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while reading " + file.path());
        }
        Throwable failure = earliest(parts, failures);
        Failures.rethrow(failure);
        for (int w = 1; w < workers; w++) {
            absorb(parts[w]);
        }
    }

    /** The failure of the reader that stopped at the earliest chunk, so that the message does not depend on thread timing. */
    private static Throwable earliest(JfrReader[] parts, Throwable[] failures) {
        Throwable first = null;
        int firstChunk = Integer.MAX_VALUE;
        for (int w = 0; w < parts.length; w++) {
            if (failures[w] != null && (first == null || parts[w].failedChunk < firstChunk)) {
                first = failures[w];
                firstChunk = parts[w].failedChunk;
            }
        }
        return first;
    }

    /** Adds what another reader of the same file and kind read (other chunks) to this one. */
    private void absorb(JfrReader other) {
        profile.addAll(other.profile);
        inProgress.absorb(other.inProgress);
        other.samplesByPeriod.forEach((period, n) -> samplesByPeriod.computeIfAbsent(period, p -> new long[1])[0] += n[0]);
        periodAssumed |= other.periodAssumed;
        cpuTimeSamples += other.cpuTimeSamples;
        failedCpuTimeSamples += other.failedCpuTimeSamples;
        lostCpuTimeSamples += other.lostCpuTimeSamples;
        stacks.absorb(other.stacks);
        sawAllocationSample |= other.sawAllocationSample;
        events += other.events;
        matched += other.matched;
        agentEvents += other.agentEvents;
        outsideCalls += other.outsideCalls;
    }

    private int failedChunk = Integer.MAX_VALUE;

    /** Reads the chunks {@code claim} hands out (all, in order, when null) into this reader's raw profile. */
    private void readChunks(JfrFile file, java.util.concurrent.atomic.AtomicInteger claim, int readers, long from, long to) throws IOException {
        Path jfr = file.path();
        boolean window = options.from() != null || options.to() != null;
        JfrParser parser = null;
        try (JfrParser p = claim == null ? new JfrParser(jfr, file.length(), mappedOnly) : new JfrParser(jfr, file.length(), file.chunkOffsets(), claim, readers)) {
            parser = p;
            this.parser = p;
            stacks.startFile(file, p, mappedOnly);
            while (p.nextChunk()) {
                startChunk();
                long type;
                while ((type = parser.nextEvent()) >= 0) {
                    events++;
                    int slot = slots.slot(type);
                    if (slot < 0) {
                        continue;
                    }
                    int code = slots.code(slot);
                    slots.readFields(parser, slot, longs, texts);
                    if (code == ACTIVE_SETTING) {
                        activeSetting(longs[SETTING_ID], texts[0], texts[1]);
                        texts[0] = null;
                        texts[1] = null;
                        continue;
                    }
                    if (code == CPU_TIME_LOST) {
                        lostCpuTimeSamples += Math.max(0, longs[VALUE]);
                        longs[VALUE] = 0;
                        continue;
                    }
                    if (window && code != BLOCKED) { // a wait counts by its overlap with the window (sample)
                        long t = parser.ticksToEpochNanos(longs[START]);
                        if (t < from || t >= to) {
                            continue;
                        }
                    }
                    sample(code);
                }
                endChunk();
            }
        } catch (JfrParser.Corrupt e) {
            failedChunk = parser == null ? 0 : parser.chunkIndex();
            throw new ProfileException(jfr + ": corrupted JFR recording: " + e.getMessage(), e);
        } catch (IOException | RuntimeException | Error e) {
            failedChunk = parser == null ? 0 : parser.chunkIndex();
            throw e;
        } finally {
            this.parser = null;
            stacks.endFile();
        }
    }

    private JfrParser parser;
    private final long[] longs = new long[EventSlots.LONGS];
    private final String[] texts = new String[EventSlots.TEXTS];
    private final LongIntMap agentThreads = new LongIntMap(64);
    private long agentEvents;
    /** The profile's time span (epoch nanoseconds): off-CPU time outside it is not counted. */
    private long windowStart = Long.MIN_VALUE;
    private long windowEnd = Long.MAX_VALUE;

    /** Looks up this chunk's type ids of the events of interest and resets the per-chunk caches (ids are chunk-local). */
    private void startChunk() {
        stacks.startChunk();
        threadIds.clear();
        agentThreads.clear();
        chunkExecPeriod = 0;
        chunkNativePeriod = 0;
        slots.startChunk(parser);
    }

    /** async-profiler's sampling interval when its recording says {@code interval = 0} (its default). */
    static final long ASYNC_PROFILER_DEFAULT_INTERVAL = 10_000_000L;

    private void activeSetting(long eventTypeId, String name, String value) {
        if (!sampled) {
            return;
        }
        long nanos = 0;
        if ("period".equals(name)) {
            nanos = parsePeriod(value);
        } else if ("interval".equals(name) && value != null && value.matches("\\d{1,18}")) {
            // async-profiler's recordings: nanoseconds, 0 meaning its default
            nanos = Long.parseLong(value) == 0 ? ASYNC_PROFILER_DEFAULT_INTERVAL : Long.parseLong(value);
        }
        if (nanos > 0) {
            // several recordings at once sample at the fastest rate; a recording to disk that starts
            // or stops begins a new chunk, so within one chunk the period in force does not change
            if (eventTypeId == slots.executionSampleType()) {
                chunkExecPeriod = chunkExecPeriod == 0 ? nanos : Math.min(chunkExecPeriod, nanos);
            } else if (eventTypeId == slots.nativeSampleType()) {
                chunkNativePeriod = chunkNativePeriod == 0 ? nanos : Math.min(chunkNativePeriod, nanos);
            }
        }
    }

    /** The periods of this chunk's jdk.ActiveSetting events (0: none seen yet). */
    private long chunkExecPeriod;
    private long chunkNativePeriod;
    /** The last chunk's periods: a chunk that does not state its own keeps them. */
    private long lastExecPeriod;
    private long lastNativePeriod;
    /** Per sampling period used (nanoseconds), the samples weighted by it. */
    private final java.util.TreeMap<Long, long[]> samplesByPeriod = new java.util.TreeMap<>();
    private boolean periodAssumed;
    /** Nodes with samples pending in this chunk, waiting for the chunk's period. */
    private int[] pending = new int[256];
    private int pendingCount;
    private long cpuTimeSamples;
    private long failedCpuTimeSamples;
    private long lostCpuTimeSamples;

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
    private void endChunk() {
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
                long n = profile.value(node, WALL_NATIVE_PENDING);
                if (n != 0) {
                    profile.add(node, WALL_NATIVE_PENDING, -n);
                    profile.add(node, WALL_NATIVE_NANOS, n * nat);
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
        return last > 0 ? last : DEFAULT_PERIOD_NANOS;
    }

    private static List<SampleType> rawTypes(Kind.Weighting weighting) {
        int width = weighting.rawWidth;
        SampleType[] raw = new SampleType[width];
        for (int i = 0; i < width; i++) {
            raw[i] = new SampleType("raw" + i, "count");
        }
        return List.of(raw);
    }

    private static final Pattern PERIOD = Pattern.compile("\\s*(\\d+)\\s*(ns|us|ms|s|m|h|d)\\s*");

    /** Parses a JFR period setting such as {@code 20 ms}; 0 when it is not one. */
    public static long parsePeriod(String value) {
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

    private void sample(int code) {
        long stack = longs[STACK];
        long value = longs[VALUE];
        long thread = longs[THREAD];
        long duration = longs[DURATION];
        long start = longs[START];
        boolean failed = longs[FAILED] != 0;
        longs[FAILED] = 0;
        longs[STACK] = 0;
        longs[THREAD] = 0;
        longs[VALUE] = 0;
        longs[DURATION] = 0;
        if (agentThread(thread)) {
            agentEvents++;
            return;
        }
        if (code == CONTENDED && options.minDurationNanos() > 0 && parser.ticksToNanos(duration) < options.minDurationNanos()) {
            return; // under the threshold of the recording asked for: another recording's event
        }
        long offCpu = 0;
        if (code == BLOCKED) {
            // only the part of a wait inside the profile's span: one that began before the recording
            // (an idle pool thread's 60 s park) or runs past --to counts that much, one outside not at all
            long begin = parser.ticksToEpochNanos(start);
            long end = begin + parser.ticksToNanos(duration);
            offCpu = calls != null ? calls.overlap(javaThreadId(thread), Math.max(begin, windowStart), Math.min(end, windowEnd))
                    : Math.min(end, windowEnd) - Math.max(begin, windowStart);
            if (offCpu <= 0) {
                if (calls != null) {
                    outsideCalls++;
                }
                return;
            }
        } else if (calls != null && !calls.contains(javaThreadId(thread), parser.ticksToEpochNanos(start))) {
            outsideCalls++;
            return;
        }
        if (waits != null) {
            long last = code == BLOCKED ? parser.ticksToEpochNanos(start) + parser.ticksToNanos(duration) : parser.ticksToEpochNanos(start);
            inProgress.noteActivity(javaThreadId(thread), last);
        }
        int node = options.threads() || calibrating ? stacks.threadedNode(stack, thread) : stacks.node(stack);
        if (node < 0) {
            if (!calibrating) {
                return;
            }
            node = profile.child(stacks.threadNode(thread), stacks.filteredFrame()); // still counts for its thread's scale
        }
        matched++;
        switch (code) {
            case EXECUTION_SAMPLE -> {
                profile.add(node, execSamples, 1);
                markPending(node, execPending);
            }
            case NATIVE_SAMPLE -> {
                profile.add(node, WALL_NATIVE_SAMPLES, 1);
                markPending(node, WALL_NATIVE_PENDING);
            }
            case CPU_TIME_SAMPLE -> {
                cpuTimeSamples++;
                if (failed) {
                    failedCpuTimeSamples++;
                }
                profile.add(node, CPU_TIME_SAMPLES, 1);
                profile.add(node, CPU_TIME_NANOS, Math.max(0, value));
            }
            case ALLOCATION_SAMPLE -> {
                sawAllocationSample = true;
                profile.add(node, 0, 1);
                profile.add(node, 1, value);
            }
            case NEW_TLAB, OUTSIDE_TLAB -> {
                profile.add(node, 2, 1);
                profile.add(node, 3, value);
            }
            case CONTENDED -> {
                profile.add(node, 0, 1);
                profile.add(node, 1, parser.ticksToNanos(duration));
            }
            case BLOCKED -> profile.add(node, WALL_OFF_CPU_NANOS, offCpu);
            default -> throw new IllegalStateException("event code " + code);
        }
    }

    /** Whether a thread (constant-pool id) is one of forge-perf's own; cached per chunk. */
    private boolean agentThread(long thread) {
        if (thread == 0) {
            return false;
        }
        int cached = agentThreads.get(thread);
        if (cached < 0) {
            String name = parser.threadName(thread);
            cached = name != null && name.startsWith(AGENT_THREAD_PREFIX) ? 1 : 0;
            agentThreads.put(thread, cached);
        }
        return cached == 1;
    }

    /** Turns the raw columns into the kind's sample types, now that the periods are known. */
    private void finish() {
        long period = mainPeriod();
        boolean fromSamples = sawAllocationSample;
        boolean cpuTime = cpuTimeSamples > 0;
        switch (weighting) {
            case CPU -> profile.remap(kind.sampleTypes(), kind.primary(), (raw, out) -> {
                out[0] = cpuTime ? raw[CPU_TIME_SAMPLES] : raw[CPU_EXEC_SAMPLES];
                out[1] = cpuTime ? raw[CPU_TIME_NANOS] : raw[CPU_EXEC_NANOS];
            });
            case WALL -> profile.remap(kind.sampleTypes(), kind.primary(), (raw, out) -> {
                // time off the CPU counts as the samples a sampler of every thread would have taken
                out[0] = raw[WALL_EXEC_SAMPLES] + raw[WALL_NATIVE_SAMPLES] + Math.round(raw[WALL_OFF_CPU_NANOS] / (double) period);
                out[1] = raw[WALL_EXEC_NANOS] + raw[WALL_NATIVE_NANOS] + raw[WALL_OFF_CPU_NANOS];
            });
            case ALLOCATION -> profile.remap(kind.sampleTypes(), kind.primary(), (raw, out) -> {
                out[0] = fromSamples ? raw[0] : raw[2];
                out[1] = fromSamples ? raw[1] : raw[3];
            });
            case CONTENTION -> profile.remap(kind.sampleTypes(), kind.primary(), (raw, out) -> {
                out[0] = raw[0];
                out[1] = raw[1];
            });
        }
        switch (weighting) {
            case CPU, WALL -> {
                if (weighting == Kind.Weighting.CPU && cpuTime) {
                    profile.addComment("CPU time from jdk.CPUTimeSample (JEP 509, each sample weighs its sampling period): "
                            + cpuTimeSamples + " samples, " + failedCpuTimeSamples + " without a stack (failed), "
                            + lostCpuTimeSamples + " lost (jdk.CPUTimeSamplesLost)");
                } else {
                    profile.addComment("jdk.ExecutionSample" + (weighting == Kind.Weighting.WALL ? "/NativeMethodSample" : "")
                            + " weighted by the period in force when taken: " + periodsText());
                }
                if (weighting == Kind.Weighting.CPU) {
                    if (calibrating) {
                        profile = CpuCalibrator.calibrate(profile, options.calibration(), kind, options, stacks.filteredFrame());
                    } else {
                        profile.addComment("estimate: not calibrated to the threads' CPU time (JFR's execution sampler takes a few threads"
                                + " per period, runnable ones too; profile a live JVM with `profile cpu` for calibrated numbers)");
                    }
                }
                profile.setPeriod(kind.periodType(), period);
                if (weighting == Kind.Weighting.WALL) {
                    profile.addComment("off-CPU time from " + String.join(", ", kind.events(Kind.Role.BLOCKED))
                            + " (waits under each event's recording threshold are missing: none with `profile wall`, which"
                            + " records from 0 ms; under 10-20 ms in the JDK's default settings)");
                    inProgress.addWaiters(profile, period, windowStart, windowEnd);
                }
            }
            case ALLOCATION -> {
                profile.setPeriod(kind.periodType(), 0);
                profile.addComment(fromSamples ? "from jdk.ObjectAllocationSample (weight in bytes)"
                        : "from jdk.ObjectAllocationInNewTLAB/OutsideTLAB");
            }
            case CONTENTION -> profile.setPeriod(kind.periodType(), 1);
        }
        if (stacks.foldedSamples() > 0) {
            profile.addComment("forge-perf's own frames (timing advice, recorder) folded into their callers in " + stacks.foldedSamples() + " samples");
        }
    }

    /** The period most samples were weighted by (pprof's {@code period}). */
    private long mainPeriod() {
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
        return best > 0 ? best : lastExecPeriod > 0 ? lastExecPeriod : DEFAULT_PERIOD_NANOS;
    }

    private String periodsText() {
        if (samplesByPeriod.isEmpty()) {
            return Units.nanos(mainPeriod()) + " (no samples)";
        }
        StringBuilder b = new StringBuilder();
        samplesByPeriod.forEach((period, n) -> b.append(b.length() == 0 ? "" : ", ")
                .append(Units.nanos(period)).append(" (").append(n[0]).append(" samples)"));
        b.append(options.intervalNanos() > 0 ? " (given)" : periodAssumed ? " (some assumed: the recording does not say)" : " (from jdk.ActiveSetting)");
        return b.toString();
    }
}
