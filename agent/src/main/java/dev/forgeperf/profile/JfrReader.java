package dev.forgeperf.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jdk.jfr.EventType;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * The one path from a JFR file to a {@link Profile}: streams the events with the JDK's
 * {@link RecordingFile} (one event in memory at a time) and aggregates those of a {@link Kind}.
 *
 * <p>Speed: the JDK parser hands out the same {@link RecordedStackTrace}, {@link RecordedMethod}
 * and {@link RecordedThread} objects for the same constant within a chunk, so stacks and methods
 * are resolved to profile ids once per chunk through identity caches; a typical event costs one
 * identity lookup and an add. The caches are bounded and dropped when they grow large.
 *
 * <p>CPU time: {@code cpu/nanoseconds} = samples × the sampling period. The period is
 * {@link ProfileOptions#intervalNanos()} when given, else the smallest {@code period} of
 * {@code jdk.ExecutionSample} among the recording's {@code jdk.ActiveSetting} events (several
 * recordings running at once sample at the fastest rate), else 20 ms (the JDK's {@code default}
 * setting). A recording made through {@code jdk.jfr.Recording} must enable {@code jdk.ActiveSetting}
 * for its period to be found (the {@code default} and {@code profile} settings do). The same holds for {@code jdk.NativeMethodSample} in wall profiles.
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
    private static final int CACHE_LIMIT = 250_000;

    private static final int SKIP = 0;
    private static final int ACTIVE_SETTING = 1;
    private static final int EXECUTION_SAMPLE = 2;
    private static final int NATIVE_SAMPLE = 3;
    private static final int ALLOCATION_SAMPLE = 4;
    private static final int NEW_TLAB = 5;
    private static final int OUTSIDE_TLAB = 6;
    private static final int MONITOR_ENTER = 7;
    private static final int THREAD_PARK = 8;

    private final Kind kind;
    private final ProfileOptions options;
    private final Profile profile;

    private final Map<EventType, Integer> eventCodes = new IdentityHashMap<>();
    private final Map<RecordedStackTrace, Integer> stackNodes = new IdentityHashMap<>();
    private final Map<RecordedStackTrace, int[]> stackFrames = new IdentityHashMap<>();
    private final Map<RecordedMethod, Integer> methodFunctions = new IdentityHashMap<>();
    private final Map<RecordedThread, Integer> threadNodes = new IdentityHashMap<>();
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
        ZoneId zone = ZoneId.systemDefault();
        long from = options.from() == null ? Long.MIN_VALUE : TimeBound.resolve(options.from(), file.startEpochNanos(), zone);
        long to = options.to() == null ? Long.MAX_VALUE : TimeBound.resolve(options.to(), file.startEpochNanos(), zone);
        boolean window = options.from() != null || options.to() != null;
        RecordingFile opened;
        try {
            opened = new RecordingFile(jfr);
        } catch (IOException | RuntimeException | InternalError | StackOverflowError err) {
            throw corrupted(jfr, err);
        }
        try (RecordingFile recording = opened) {
            while (true) {
                RecordedEvent e;
                try {
                    if (!recording.hasMoreEvents()) {
                        break;
                    }
                    e = recording.readEvent();
                } catch (IOException | RuntimeException | InternalError | StackOverflowError err) {
                    throw corrupted(jfr, err);
                }
                events++;
                int code = code(e.getEventType());
                if (code == SKIP) {
                    continue;
                }
                if (code == ACTIVE_SETTING) {
                    activeSetting(e);
                    continue;
                }
                if (window) {
                    long t = TimeBound.nanos(e.getStartTime());
                    if (t < from || t >= to) {
                        continue;
                    }
                }
                sample(code, e);
            }
        }
        finish();
        long start = Math.max(file.startEpochNanos(), from);
        long end = Math.min(file.endEpochNanos(), to);
        profile.setTime(start, Math.max(0, end - start));
        return profile;
    }

    private static ProfileException corrupted(Path jfr, Throwable err) {
        String detail = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
        return new ProfileException(jfr + ": corrupted JFR recording: " + detail.replace('\n', ' '), err);
    }

    private static List<SampleType> rawTypes(Kind kind) {
        int width = switch (kind) {
            case CPU -> 1;
            case WALL, LOCK, PARK -> 2;
            case ALLOC -> 4;
        };
        SampleType[] raw = new SampleType[width];
        for (int i = 0; i < width; i++) {
            raw[i] = new SampleType("raw" + i, "count");
        }
        return List.of(raw);
    }

    private int code(EventType type) {
        Integer c = eventCodes.get(type);
        if (c != null) {
            return c;
        }
        String name = type.getName();
        int code = switch (name) {
            case "jdk.ActiveSetting" -> ACTIVE_SETTING;
            case "jdk.ExecutionSample" -> kind == Kind.CPU || kind == Kind.WALL ? EXECUTION_SAMPLE : SKIP;
            case "jdk.NativeMethodSample" -> kind == Kind.WALL ? NATIVE_SAMPLE : SKIP;
            case "jdk.ObjectAllocationSample" -> kind == Kind.ALLOC ? ALLOCATION_SAMPLE : SKIP;
            case "jdk.ObjectAllocationInNewTLAB" -> kind == Kind.ALLOC ? NEW_TLAB : SKIP;
            case "jdk.ObjectAllocationOutsideTLAB" -> kind == Kind.ALLOC ? OUTSIDE_TLAB : SKIP;
            case "jdk.JavaMonitorEnter" -> kind == Kind.LOCK ? MONITOR_ENTER : SKIP;
            case "jdk.ThreadPark" -> kind == Kind.PARK ? THREAD_PARK : SKIP;
            default -> SKIP;
        };
        if (code == EXECUTION_SAMPLE) {
            executionSampleTypeId = type.getId();
        } else if (code == NATIVE_SAMPLE) {
            nativeSampleTypeId = type.getId();
        }
        eventCodes.put(type, code);
        return code;
    }

    private void activeSetting(RecordedEvent e) {
        if (kind != Kind.CPU && kind != Kind.WALL) {
            return;
        }
        if (!"period".equals(e.getString("name"))) {
            return;
        }
        long nanos = parsePeriod(e.getString("value"));
        if (nanos > 0) {
            periodByEventTypeId.merge(e.getLong("id"), nanos, Math::min);
        }
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

    private void sample(int code, RecordedEvent e) {
        RecordedThread thread = null;
        if (options.threads()) {
            thread = code == EXECUTION_SAMPLE || code == NATIVE_SAMPLE ? e.getThread("sampledThread") : e.getThread();
        }
        int node = node(e.getStackTrace(), thread);
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
                profile.add(node, 1, e.getLong("weight"));
            }
            case NEW_TLAB -> {
                profile.add(node, 2, 1);
                profile.add(node, 3, e.getLong("tlabSize"));
            }
            case OUTSIDE_TLAB -> {
                profile.add(node, 2, 1);
                profile.add(node, 3, e.getLong("allocationSize"));
            }
            case MONITOR_ENTER, THREAD_PARK -> {
                profile.add(node, 0, 1);
                profile.add(node, 1, e.getDuration().toNanos());
            }
            default -> throw new IllegalStateException("event code " + code);
        }
    }

    /** The call-tree node of a stack (and thread), or -1 when the filters drop it. */
    private int node(RecordedStackTrace stack, RecordedThread thread) {
        if (thread == null) {
            if (stack == null) {
                return profile.child(Profile.ROOT, unknownFrame);
            }
            Integer cached = stackNodes.get(stack);
            if (cached != null) {
                return cached;
            }
            if (stackNodes.size() >= CACHE_LIMIT) {
                stackNodes.clear();
            }
            int[] frames = frames(stack);
            int node = frames == null ? -1 : insert(Profile.ROOT, frames);
            stackNodes.put(stack, node);
            return node;
        }
        int[] frames;
        if (stack == null) {
            frames = new int[] {unknownFrame};
        } else {
            frames = stackFrames.get(stack);
            if (frames == null) {
                if (stackFrames.size() >= CACHE_LIMIT) {
                    stackFrames.clear();
                }
                frames = frames(stack);
                stackFrames.put(stack, frames == null ? new int[0] : frames);
            }
            if (frames == null || frames.length == 0) {
                return -1;
            }
        }
        return insert(threadNode(thread), frames);
    }

    private int threadNode(RecordedThread thread) {
        Integer cached = threadNodes.get(thread);
        if (cached != null) {
            return cached;
        }
        if (threadNodes.size() >= CACHE_LIMIT) {
            threadNodes.clear();
        }
        String name = thread == null ? null : thread.getJavaName();
        if (name == null && thread != null) {
            name = thread.getOSName();
        }
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

    /** The frame ids of a stack, leaf first; null when the include/exclude filters drop it. */
    private int[] frames(RecordedStackTrace stack) {
        List<RecordedFrame> list = stack.getFrames();
        int n = list.size();
        if (n == 0) {
            return new int[] {unknownFrame};
        }
        if (scratch.length < n) {
            scratch = new int[Math.max(n, scratch.length * 2)];
        }
        boolean included = options.include() == null;
        for (int i = 0; i < n; i++) {
            RecordedFrame f = list.get(i);
            int function = function(f.getMethod());
            int filter = filter(function);
            if ((filter & EXCLUDED) != 0) {
                return null;
            }
            included |= (filter & INCLUDED) != 0;
            scratch[i] = profile.frame(function, f.getLineNumber(), frameKind(f.getType()));
        }
        return included ? Arrays.copyOf(scratch, n) : null;
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

    private int function(RecordedMethod method) {
        if (method == null) {
            return profile.function("[unknown]", "");
        }
        Integer cached = methodFunctions.get(method);
        if (cached != null) {
            return cached;
        }
        if (methodFunctions.size() >= CACHE_LIMIT) {
            methodFunctions.clear();
        }
        RecordedClass type = method.getType();
        String className = type == null ? "[unknown]" : type.getName();
        int id = profile.function(className + "." + method.getName(), sourceFile(className));
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
                out[0] = raw[0] + raw[1];
                out[1] = raw[0] * execPeriod + raw[1] * nativePeriod;
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
