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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads the events of a {@link Kind} from the chunks of one JFR file into its own raw profile: the
 * per-event path of {@link JfrReader}. For each event of a type the kind reads ({@link EventSlots}),
 * it decodes the fields it needs into a reused {@code long[]}, leaves out forge-perf's own threads,
 * events outside the window or outside the calls of a latency profile ({@link CallWindows}) and
 * contentions under the recording's threshold, resolves the stack to a call-tree node
 * ({@link StackInterner}, under a thread root with {@link ProfileOptions#threads()} or while
 * calibrating) and adds the event to the kind's raw columns ({@link RawColumns}); a
 * {@code jdk.ActiveSetting} sets the chunk's sampling period ({@link SamplingPeriods}), weighted at
 * the chunk's end. A wall profile also notes each thread's last event ({@link WaitsInProgress}).
 *
 * <p>Speed: events of other types are skipped by their size, undecoded; a kept event costs a few
 * varints, {@link LongIntMap} lookups of its thread and stack and one or two adds: no allocation and no
 * string per event. Slower paths: a stack, method or thread met for the first time in a chunk; with a
 * root per thread ({@link ProfileOptions#threads()}, calibrating) a stack's frames are looked up in a
 * {@code HashMap} by boxed id; a wall profile that adds the waits going on at its end notes each event's
 * thread in a {@code HashMap} ({@link WaitsInProgress}).
 *
 * <p>Invariants: constant-pool ids (types, threads, stacks, methods) are chunk-local, so every cache
 * keyed by them is cleared at each chunk; the profile's nodes, frames and functions live for the read.
 * After the last chunk (and the other readers' {@link #absorb}), {@link #finish} makes the profile.
 *
 * <p>Not thread-safe: one per reading thread ({@link ParallelChunks} gives each its own).
 */
final class ChunkReader {
    private final ProfileOptions options;
    /** The raw profile: the kind's raw columns ({@link RawColumns}) per call-tree node. */
    private final Profile profile;
    /** Whether samples are scaled per thread to {@link ProfileOptions#calibration()} (cpu and wall). */
    private final boolean calibrating;
    /** For a wall profile: the threads waiting at the end of the window, else null. */
    private final WaitingThreads waits;
    /** Only samples and waits inside these calls (a latency profile), else null. */
    private final CallWindows calls;
    /** The event types read in the current chunk, and where their values go in {@link #longs} and {@link #texts}. */
    private final EventSlots slots;
    /** The call-tree nodes of the chunks' stack traces, in {@link #profile}. */
    private final StackInterner stacks;
    /** The sampling periods of the chunks, by which execution samples are weighted. */
    private final SamplingPeriods periods;
    /** How the events of the kind add to {@link #profile} (its raw columns), and how those become its sample types. */
    private final RawColumns columns;
    /** For a wall profile with {@link #waits}: the threads' last events, and at the end the waits still going on. */
    private final WaitsInProgress inProgress;
    private final LongIntMap threadIds = new LongIntMap(64);
    private final LongIntMap agentThreads = new LongIntMap(64);
    private final long[] longs = new long[EventSlots.LONGS];
    private final String[] texts = new String[EventSlots.TEXTS];
    private JfrParser parser;
    /** Whether chunks are memory-mapped rather than copied onto the heap (inside a host JVM). */
    private boolean mappedOnly;
    /** The profile's time span (epoch nanoseconds): off-CPU time outside it is not counted. */
    private long windowStart = Long.MIN_VALUE;
    private long windowEnd = Long.MAX_VALUE;
    private long events;
    private long matched;
    private long agentEvents;
    /** Events left out because they fell outside {@link #calls}. */
    private long outsideCalls;
    private int failedChunk = Integer.MAX_VALUE;

    /**
     * A reader of {@code kind}'s events ({@code threadStarts}: of jdk.ThreadStart instead, see
     * {@link JfrReader#readThreadStarts}); {@code mappedOnly}: the chunks it opens itself are memory-mapped.
     */
    ChunkReader(Kind kind, ProfileOptions options, boolean threadStarts, boolean mappedOnly) {
        this.slots = new EventSlots(kind, threadStarts);
        this.options = options;
        this.mappedOnly = mappedOnly;
        this.calibrating = kind.readsThreadClocks() && options.calibration() != null;
        this.waits = kind.measuresWaiting() && options.calls() == null ? options.waiting() : null;
        this.calls = options.calls();
        this.profile = new Profile(RawColumns.types(kind.weighting()), 0);
        this.periods = RawColumns.periods(profile, kind.weighting(), options);
        this.columns = new RawColumns(kind, profile, periods, options, calibrating);
        this.stacks = new StackInterner(profile, options, calibrating, kind.weighting() == Kind.Weighting.ALLOCATION);
        this.inProgress = new WaitsInProgress(options, waits, stacks);
    }

    /** Sets whether the chunks this reader opens itself are memory-mapped rather than copied onto the heap. */
    void mappedOnly(boolean mapped) {
        this.mappedOnly = mapped;
    }

    /** Sets the profile's time span (epoch nanoseconds), before the first chunk. */
    void window(long start, long end) {
        this.windowStart = start;
        this.windowEnd = end;
    }

    /** Events read, of all types. */
    long events() {
        return events;
    }

    /** Events that made it into the profile. */
    long matched() {
        return matched;
    }

    /** Samples and waits left out because no call of {@link ProfileOptions#calls()} was running on their thread then. */
    long outsideCalls() {
        return outsideCalls;
    }

    /**
     * Makes the profile of the chunks read: the kind's sample types from the raw columns, with the
     * header's comments (see {@link RawColumns#finish}), and its time span (the calibration's, else the
     * window). Once, after the last chunk.
     */
    Profile finish() {
        Profile result = columns.finish(stacks, inProgress, windowStart, windowEnd);
        if (agentEvents > 0) {
            result.addComment(agentEvents + " events on forge-perf's own threads left out");
        }
        if (calibrating) {
            CpuCalibration cal = options.calibration();
            result.setTime(cal.startEpochNanos(), Math.max(0, cal.endEpochNanos() - cal.startEpochNanos()));
        } else {
            result.setTime(windowStart, Math.max(0, windowEnd - windowStart));
        }
        return result;
    }

    /** Adds what another reader of the same file and kind read (other chunks) to this one: its profile and counts. */
    void absorb(ChunkReader other) {
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

    /**
     * Reads the chunks {@code claim} hands out (all, in order, when null) into this reader's raw profile,
     * keeping the events that start in [{@code from}, {@code to}) (epoch nanoseconds; a wait: that overlap
     * the window). On a failure, notes the chunk it happened in ({@link #failedChunk}) and throws.
     *
     * @param readers how many readers share {@code claim}
     * @throws ProfileException for a corrupted chunk
     */
    void readChunks(JfrFile file, AtomicInteger claim, int readers, long from, long to) throws IOException {
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

    /** The index of the chunk the last read failed in ({@link Integer#MAX_VALUE}: none). */
    int failedChunk() {
        return failedChunk;
    }

    /** Looks up this chunk's type ids of the events of interest and resets the per-chunk caches (ids are chunk-local). */
    private void startChunk() {
        stacks.startChunk();
        threadIds.clear();
        agentThreads.clear();
        slots.startChunk(parser);
        periods.startChunk(slots.executionSampleType(), slots.nativeSampleType());
    }

    /** Adds the event just read ({@link #longs}) of {@code code} to the profile, unless a filter leaves it out. */
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
            cached = name != null && name.startsWith(JfrReader.AGENT_THREAD_PREFIX) ? 1 : 0;
            agentThreads.put(thread, cached);
        }
        return cached == 1;
    }

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
}
