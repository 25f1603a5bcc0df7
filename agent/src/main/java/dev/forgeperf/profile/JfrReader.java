package dev.forgeperf.profile;

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

/**
 * The one path from a JFR file to a {@link Profile}: streams a recording chunk by chunk with
 * {@link JfrParser} and aggregates the events of a {@link Kind}.
 *
 * <p>Speed: events of other types are skipped by their size, undecoded. A stack trace id is
 * resolved to a call-tree node once per chunk (frames interned by method id and line), so a typical
 * event costs reading a few varints, one hash lookup and an add; no strings are built per event.
 *
 * <p>CPU time: {@code cpu/nanoseconds} = samples × the sampling period. The period is
 * {@link ProfileOptions#intervalNanos()} when given, else the smallest {@code period} of
 * {@code jdk.ExecutionSample} among the recording's {@code jdk.ActiveSetting} events (several
 * recordings running at once sample at the fastest rate), else 20 ms (the JDK's {@code default}
 * setting). A recording made through {@code jdk.jfr.Recording} must enable {@code jdk.ActiveSetting}
 * for its period to be found (the {@code default} and {@code profile} settings do). The same holds
 * for {@code jdk.NativeMethodSample} in wall profiles. Recordings written by async-profiler give
 * the period as its {@code interval} setting (nanoseconds; 0 for its default, 10 ms).
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

    private static final int ACTIVE_SETTING = 1;
    private static final int EXECUTION_SAMPLE = 2;
    private static final int NATIVE_SAMPLE = 3;
    private static final int ALLOCATION_SAMPLE = 4;
    private static final int NEW_TLAB = 5;
    private static final int OUTSIDE_TLAB = 6;
    private static final int MONITOR_ENTER = 7;
    private static final int THREAD_PARK = 8;
    private static final int BLOCKED = 9;

    /** Threads whose names start with this are forge-perf's own; their events are left out of every profile. */
    public static final String AGENT_THREAD_PREFIX = "forge-perf-";

    private final Kind kind;
    private final ProfileOptions options;
    private final Profile profile;

    private final Map<String, Integer> threadNodesByName = new HashMap<>();
    private final Map<Long, Long> periodByEventTypeId = new HashMap<>();
    private byte[] functionFilter = new byte[1024];
    private int[] scratch = new int[256];
    private final int unknownFrame;

    private long executionSampleTypeId = -1;
    private long nativeSampleTypeId = -1;
    private boolean sawAllocationSample;
    private long events;
    private long matched;

    public JfrReader(Kind kind, ProfileOptions options) {
        this.kind = kind;
        this.options = options;
        this.profile = new Profile(rawTypes(kind), 0);
        this.unknownFrame = profile.frame(profile.function("[unknown]", ""), 0, FrameKind.OTHER);
    }

    /** Reads the events of {@code kind} from {@code jfr}. */
    public static Profile read(Path jfr, Kind kind, ProfileOptions options) throws IOException {
        return new JfrReader(kind, options).read(jfr);
    }

    /** Events read (of all types) by {@link #read(Path)}. */
    public long events() {
        return events;
    }

    /** Events that made it into the profile. */
    public long matched() {
        return matched;
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
        profile.setTime(windowStart, Math.max(0, windowEnd - windowStart));
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
        dev.forgeperf.util.Failures.rethrow(failure);
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
        other.periodByEventTypeId.forEach((type, nanos) -> periodByEventTypeId.merge(type, nanos, Math::min));
        if (executionSampleTypeId < 0) {
            executionSampleTypeId = other.executionSampleTypeId;
        }
        if (nativeSampleTypeId < 0) {
            nativeSampleTypeId = other.nativeSampleTypeId;
        }
        sawAllocationSample |= other.sawAllocationSample;
        events += other.events;
        matched += other.matched;
        agentEvents += other.agentEvents;
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
            while (p.nextChunk()) {
                startChunk();
                long type;
                while ((type = parser.nextEvent()) >= 0) {
                    events++;
                    int slot = type < slotByType.length ? slotByType[(int) type] : slotOfType.get(type);
                    if (slot < 0) {
                        continue;
                    }
                    int code = slotCode[slot];
                    parser.readFields(slotType[slot], slotRoles[slot], longs, texts);
                    if (code == ACTIVE_SETTING) {
                        activeSetting(longs[SETTING_ID], texts[0], texts[1]);
                        texts[0] = null;
                        texts[1] = null;
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
            }
        } catch (JfrParser.Corrupt e) {
            failedChunk = parser == null ? 0 : parser.chunkIndex();
            throw new ProfileException(jfr + ": corrupted JFR recording: " + e.getMessage(), e);
        } catch (IOException | RuntimeException | Error e) {
            failedChunk = parser == null ? 0 : parser.chunkIndex();
            throw e;
        } finally {
            this.parser = null;
        }
    }

    // where readFields puts an event's values
    private static final int START = 0;
    private static final int DURATION = 1;
    private static final int THREAD = 2;
    private static final int STACK = 3;
    private static final int VALUE = 4;
    private static final int SETTING_ID = 5;

    private JfrParser parser;
    private final long[] longs = new long[6];
    private final String[] texts = new String[2];
    private final LongIntMap slotOfType = new LongIntMap(16);
    private final int[] slotByType = new int[4096];
    private int[] slotCode = new int[8];
    private JfrParser.Type[] slotType = new JfrParser.Type[8];
    private int[][] slotRoles = new int[8][];
    private int slots;
    private final LongIntMap stackNodes = new LongIntMap(1 << 12);
    private final LongIntMap methodFunctions = new LongIntMap(1 << 12);
    private final LongIntMap threadNodes = new LongIntMap(64);
    private final LongIntMap agentThreads = new LongIntMap(64);
    private long agentEvents;
    /** The profile's time span (epoch nanoseconds): off-CPU time outside it is not counted. */
    private long windowStart = Long.MIN_VALUE;
    private long windowEnd = Long.MAX_VALUE;
    private final Map<Long, int[]> stackFrames = new HashMap<>();
    private static final int FILTERED = Integer.MAX_VALUE;
    private static final FrameKind[] FRAME_KINDS = FrameKind.values();
    private final LongIntMap frameKinds = new LongIntMap(16);

    /** Looks up this chunk's type ids of the events of interest and resets the per-chunk caches (ids are chunk-local). */
    private void startChunk() {
        slotOfType.clear();
        Arrays.fill(slotByType, -1);
        slots = 0;
        stackNodes.clear();
        methodFunctions.clear();
        threadNodes.clear();
        agentThreads.clear();
        stackFrames.clear();
        frameKinds.clear();
        addSlot("jdk.ActiveSetting", ACTIVE_SETTING);
        switch (kind) {
            case CPU -> addSlot("jdk.ExecutionSample", EXECUTION_SAMPLE);
            case WALL -> {
                addSlot("jdk.ExecutionSample", EXECUTION_SAMPLE);
                addSlot("jdk.NativeMethodSample", NATIVE_SAMPLE);
                for (String blocked : Kind.BLOCKED_EVENTS) {
                    addSlot(blocked, BLOCKED);
                }
            }
            case ALLOC -> {
                addSlot("jdk.ObjectAllocationSample", ALLOCATION_SAMPLE);
                addSlot("jdk.ObjectAllocationInNewTLAB", NEW_TLAB);
                addSlot("jdk.ObjectAllocationOutsideTLAB", OUTSIDE_TLAB);
            }
            case LOCK -> addSlot("jdk.JavaMonitorEnter", MONITOR_ENTER);
            case PARK -> addSlot("jdk.ThreadPark", THREAD_PARK);
        }
    }

    private void addSlot(String event, int code) {
        JfrParser.Type t = parser.type(event);
        if (t == null) {
            return;
        }
        int[] roles = new int[t.fields.size()];
        java.util.Arrays.fill(roles, -1);
        for (int i = 0; i < roles.length; i++) {
            JfrParser.Field f = t.fields.get(i);
            roles[i] = switch (f.name) {
                case "startTime" -> START;
                case "duration" -> DURATION;
                case "eventThread" -> code == EXECUTION_SAMPLE || code == NATIVE_SAMPLE ? -1 : THREAD;
                case "sampledThread" -> code == EXECUTION_SAMPLE || code == NATIVE_SAMPLE ? THREAD : -1;
                case "stackTrace" -> STACK;
                case "weight" -> code == ALLOCATION_SAMPLE ? VALUE : -1;
                case "tlabSize" -> code == NEW_TLAB ? VALUE : -1;
                case "allocationSize" -> code == OUTSIDE_TLAB ? VALUE : -1;
                case "id" -> code == ACTIVE_SETTING ? SETTING_ID : -1;
                case "name" -> code == ACTIVE_SETTING ? 0 : -1;
                case "value" -> code == ACTIVE_SETTING ? 1 : -1;
                default -> -1;
            };
        }
        if (slots == slotCode.length) {
            slotCode = java.util.Arrays.copyOf(slotCode, slots * 2);
            slotType = java.util.Arrays.copyOf(slotType, slots * 2);
            slotRoles = java.util.Arrays.copyOf(slotRoles, slots * 2);
        }
        slotCode[slots] = code;
        slotType[slots] = t;
        slotRoles[slots] = roles;
        if (t.id >= 0 && t.id < slotByType.length) {
            slotByType[(int) t.id] = slots;
        }
        slotOfType.set(t.id, slots++);
        if (code == EXECUTION_SAMPLE) {
            executionSampleTypeId = t.id;
        } else if (code == NATIVE_SAMPLE) {
            nativeSampleTypeId = t.id;
        }
    }

    /** async-profiler's sampling interval when its recording says {@code interval = 0} (its default). */
    static final long ASYNC_PROFILER_DEFAULT_INTERVAL = 10_000_000L;

    private void activeSetting(long eventTypeId, String name, String value) {
        if (kind != Kind.CPU && kind != Kind.WALL) {
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
            periodByEventTypeId.merge(eventTypeId, nanos, Math::min);
        }
    }

    private static List<SampleType> rawTypes(Kind kind) {
        int width = switch (kind) {
            case CPU -> 1;
            case LOCK, PARK -> 2;
            case WALL -> 3;
            case ALLOC -> 4;
        };
        SampleType[] raw = new SampleType[width];
        for (int i = 0; i < width; i++) {
            raw[i] = new SampleType("raw" + i, "count");
        }
        return List.of(raw);
    }

    private static final Pattern PERIOD = Pattern.compile("\\s*(\\d+)\\s*(ns|us|ms|s|m|h|d)\\s*");

    /** Parses a JFR period setting such as {@code 20 ms}; 0 when it is not one. */
    static long parsePeriod(String value) {
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
        longs[STACK] = 0;
        longs[THREAD] = 0;
        longs[VALUE] = 0;
        longs[DURATION] = 0;
        if (agentThread(thread)) {
            agentEvents++;
            return;
        }
        long offCpu = 0;
        if (code == BLOCKED) {
            // only the part of a wait inside the profile's span: one that began before the recording
            // (an idle pool thread's 60 s park) or runs past --to counts that much, one outside not at all
            long begin = parser.ticksToEpochNanos(start);
            long end = begin + parser.ticksToNanos(duration);
            offCpu = Math.min(end, windowEnd) - Math.max(begin, windowStart);
            if (offCpu <= 0) {
                return;
            }
        }
        int node = options.threads() ? threadedNode(stack, thread) : node(stack);
        if (node < 0) {
            return;
        }
        matched++;
        switch (code) {
            case EXECUTION_SAMPLE -> profile.add(node, 0, 1);
            case NATIVE_SAMPLE -> profile.add(node, 1, 1);
            case ALLOCATION_SAMPLE -> {
                sawAllocationSample = true;
                profile.add(node, 0, 1);
                profile.add(node, 1, value);
            }
            case NEW_TLAB, OUTSIDE_TLAB -> {
                profile.add(node, 2, 1);
                profile.add(node, 3, value);
            }
            case MONITOR_ENTER, THREAD_PARK -> {
                profile.add(node, 0, 1);
                profile.add(node, 1, parser.ticksToNanos(duration));
            }
            case BLOCKED -> profile.add(node, 2, offCpu);
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

    /** The call-tree node of a stack trace id, or -1 when the filters drop it. */
    private int node(long stack) {
        int cached = stackNodes.get(stack);
        if (cached >= 0) {
            return cached == FILTERED ? -1 : cached;
        }
        int[] frames = frames(stack);
        int node = frames == null ? -1 : insert(Profile.ROOT, frames);
        stackNodes.put(stack, node < 0 ? FILTERED : node);
        return node;
    }

    private int threadedNode(long stack, long thread) {
        int[] frames = stackFrames.get(stack);
        if (frames == null) {
            frames = frames(stack);
            stackFrames.put(stack, frames == null ? new int[0] : frames);
        }
        if (frames == null || frames.length == 0) {
            return -1;
        }
        return insert(threadNode(thread), frames);
    }

    private int threadNode(long thread) {
        int cached = threadNodes.get(thread);
        if (cached >= 0) {
            return cached;
        }
        String name = thread == 0 ? null : parser.threadName(thread);
        String label = name == null ? "[unknown thread]" : "[" + name + "]";
        int node = threadNodesByName.computeIfAbsent(label,
                l -> profile.child(Profile.ROOT, profile.frame(profile.function(l, ""), 0, FrameKind.THREAD)));
        threadNodes.put(thread, node);
        return node;
    }

    /** Inserts frames (leaf first) under {@code root}; returns the leaf's node. */
    private int insert(int root, int[] leafFirst) {
        int node = root;
        for (int i = leafFirst.length - 1; i >= 0; i--) {
            node = profile.child(node, leafFirst[i]);
        }
        return node;
    }

    private int frameCount;
    private boolean included;
    private boolean excluded;

    private final JfrParser.FrameVisitor visitor = new JfrParser.FrameVisitor() {
        @Override
        public void begin(int frames) {
            if (scratch.length < frames) {
                scratch = new int[Math.max(frames, scratch.length * 2)];
            }
            frameCount = 0;
        }

        @Override
        public void frame(long method, int line, long frameType) {
            int function = function(method);
            int filter = filter(function);
            excluded |= (filter & EXCLUDED) != 0;
            included |= (filter & INCLUDED) != 0;
            if (frameCount == scratch.length) {
                scratch = Arrays.copyOf(scratch, frameCount * 2);
            }
            int kindOrdinal = frameKinds.get(frameType);
            if (kindOrdinal < 0) {
                kindOrdinal = frameKind(parser.frameType(frameType)).ordinal();
                frameKinds.put(frameType, kindOrdinal);
            }
            scratch[frameCount++] = profile.frame(function, line, FRAME_KINDS[kindOrdinal]);
        }
    };

    /** The frame ids of a stack trace id, leaf first; null when the include/exclude filters drop it. */
    private int[] frames(long stack) {
        included = options.include() == null;
        excluded = false;
        frameCount = 0;
        if (stack == 0 || !parser.frames(stack, visitor) || frameCount == 0) {
            return new int[] {unknownFrame};
        }
        return included && !excluded ? Arrays.copyOf(scratch, frameCount) : null;
    }

    private static FrameKind frameKind(String type) {
        if (type == null) {
            return FrameKind.JAVA;
        }
        return switch (type) {
            case "Inlined" -> FrameKind.INLINED;
            case "Native" -> FrameKind.NATIVE;
            default -> FrameKind.JAVA;
        };
    }

    private static final int CHECKED = 1;
    private static final int INCLUDED = 2;
    private static final int EXCLUDED = 4;

    private int filter(int function) {
        if (options.include() == null && options.exclude() == null) {
            return 0;
        }
        if (function >= functionFilter.length) {
            functionFilter = Arrays.copyOf(functionFilter, Math.max(function + 1, functionFilter.length * 2));
        }
        int f = functionFilter[function];
        if (f == 0) {
            String name = profile.string(profile.functionName(function));
            f = CHECKED;
            if (options.include() != null && options.include().matcher(name).find()) {
                f |= INCLUDED;
            }
            if (options.exclude() != null && options.exclude().matcher(name).find()) {
                f |= EXCLUDED;
            }
            functionFilter[function] = (byte) f;
        }
        return f;
    }

    private int function(long method) {
        int cached = methodFunctions.get(method);
        if (cached >= 0) {
            return cached;
        }
        String name = parser.methodName(method);
        int id = name == null ? profile.function("[unknown]", "") : profile.function(name, sourceFile(parser.methodClassName(method)));
        methodFunctions.put(method, id);
        return id;
    }

    /**
     * JFR does not record source file names; this derives the conventional one from the class:
     * {@code a.b.C$Inner} → {@code a/b/C.java}.
     */
    static String sourceFile(String className) {
        int end = className.indexOf('$');
        String outer = end < 0 ? className : className.substring(0, end);
        int slash = outer.indexOf('/');
        if (slash >= 0) {
            outer = outer.substring(0, slash);
        }
        if (outer.isEmpty() || outer.startsWith("[")) {
            return "";
        }
        return outer.replace('.', '/') + ".java";
    }

    /** Turns the raw columns into the kind's sample types, now that the periods are known. */
    private void finish() {
        long execPeriod = period(executionSampleTypeId);
        long nativePeriod = period(nativeSampleTypeId);
        boolean fromSamples = sawAllocationSample;
        switch (kind) {
            case CPU -> profile.remap(kind.sampleTypes(), kind.primary(), (raw, out) -> {
                out[0] = raw[0];
                out[1] = raw[0] * execPeriod;
            });
            case WALL -> profile.remap(kind.sampleTypes(), kind.primary(), (raw, out) -> {
                // time off the CPU counts as the samples a sampler of every thread would have taken
                out[0] = raw[0] + raw[1] + Math.round(raw[2] / (double) execPeriod);
                out[1] = raw[0] * execPeriod + raw[1] * nativePeriod + raw[2];
            });
            case ALLOC -> profile.remap(kind.sampleTypes(), kind.primary(), (raw, out) -> {
                out[0] = fromSamples ? raw[0] : raw[2];
                out[1] = fromSamples ? raw[1] : raw[3];
            });
            case LOCK, PARK -> profile.remap(kind.sampleTypes(), kind.primary(), (raw, out) -> {
                out[0] = raw[0];
                out[1] = raw[1];
            });
        }
        switch (kind) {
            case CPU, WALL -> {
                profile.setPeriod(kind.periodType(), execPeriod);
                profile.addComment("jdk.ExecutionSample period " + dev.forgeperf.util.Durations.format(execPeriod)
                        + (options.intervalNanos() > 0 ? " (given)" : periodByEventTypeId.containsKey(executionSampleTypeId)
                        ? " (from jdk.ActiveSetting)" : " (assumed: the recording does not say)"));
                if (kind == Kind.WALL) {
                    profile.addComment("off-CPU time from " + String.join(", ", Kind.BLOCKED_EVENTS)
                            + " (only waits over each event's threshold are recorded)");
                }
            }
            case ALLOC -> {
                profile.setPeriod(kind.periodType(), 0);
                profile.addComment(fromSamples ? "from jdk.ObjectAllocationSample (weight in bytes)"
                        : "from jdk.ObjectAllocationInNewTLAB/OutsideTLAB");
            }
            case LOCK, PARK -> profile.setPeriod(kind.periodType(), 1);
        }
    }

    private long period(long typeId) {
        if (options.intervalNanos() > 0) {
            return options.intervalNanos();
        }
        Long p = periodByEventTypeId.get(typeId);
        return p == null ? DEFAULT_PERIOD_NANOS : p;
    }
}
