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

    /** Threads whose names start with this are forge-perf's own; their events are left out of every profile. */
    public static final String AGENT_THREAD_PREFIX = "forge-perf-";

    /** Parses a JFR period setting such as {@code 20 ms}; 0 when it is not one. */
    public static long parsePeriod(String value) {
        return SamplingPeriods.parse(value);
    }

    private final Kind kind;
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

    /** The sampling periods of the chunks, by which execution samples are weighted. */
    private final SamplingPeriods periods;
    /** How the events of {@link #kind} add to {@link #profile} (its raw columns), and how those become its sample types. */
    private final RawColumns columns;
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
        this.options = options;
        this.calibrating = kind.measuresCpuTime() && options.calibration() != null;
        this.waits = kind.measuresWaiting() && options.calls() == null ? options.waiting() : null;
        this.calls = options.calls();
        this.profile = new Profile(RawColumns.types(kind.weighting()), 0);
        this.periods = new SamplingPeriods(profile, kind.weighting(), options);
        this.columns = new RawColumns(kind, profile, periods, options, calibrating);
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
        profile = columns.finish(stacks, inProgress, windowStart, windowEnd);
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
        periods.absorb(other.periods);
        columns.absorb(other.columns);
        stacks.absorb(other.stacks);
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
                        periods.activeSetting(longs[SETTING_ID], texts[0], texts[1]);
                        texts[0] = null;
                        texts[1] = null;
                        continue;
                    }
                    if (code == CPU_TIME_LOST) {
                        columns.lostCpuTime(longs[VALUE]);
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
                periods.endChunk();
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
        slots.startChunk(parser);
        periods.startChunk(slots.executionSampleType(), slots.nativeSampleType());
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
            case EXECUTION_SAMPLE -> columns.execution(node);
            case NATIVE_SAMPLE -> columns.nativeSample(node);
            case CPU_TIME_SAMPLE -> columns.cpuTime(node, value, failed);
            case ALLOCATION_SAMPLE -> columns.allocation(node, value);
            case NEW_TLAB, OUTSIDE_TLAB -> columns.tlab(node, value);
            case CONTENDED -> columns.contended(node, parser.ticksToNanos(duration));
            case BLOCKED -> columns.offCpu(node, offCpu);
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

}
