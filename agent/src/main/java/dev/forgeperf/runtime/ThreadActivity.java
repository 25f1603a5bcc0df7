package dev.forgeperf.runtime;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongPredicate;

import dev.forgeperf.profile.JfrReader;
import dev.forgeperf.util.Units;

/**
 * What each platform thread did over an interval: CPU time used (deltas of
 * {@code ThreadMXBean.getThreadCpuTime}), bytes allocated ({@code getThreadAllocatedBytes} deltas),
 * blocked and waited count deltas, and its stack <em>sampled during the interval</em> (every
 * sampling period: the states seen, the most frequent top frames and the most frequent stack, with
 * counts). Threads that started during the interval count from zero; threads that ended count up
 * to their last reading. forge-perf's own threads (named {@code forge-perf-…}, and the thread that
 * measures) are kept apart: never ranked as the user's, summed in {@link #ownCpuNanos()}.
 *
 * <p>Memory: at most {@link #MAX_THREADS} threads tracked, each with at most
 * {@link #MAX_STACKS} distinct stacks of at most {@link #STACK_DEPTH} frames (a few hundred KB for
 * a thousand threads). Cost to the host: one {@code getThreadInfo} of every thread's top
 * {@link #STACK_DEPTH} frames per sampling period (a short safepoint, as a thread dump). Not
 * thread-safe: one measurement per instance.
 */
public final class ThreadActivity {
    /** Threads tracked at most; more are counted in {@link #untracked()}. */
    public static final int MAX_THREADS = 4096;
    /** Frames kept of each sampled stack. */
    public static final int STACK_DEPTH = 16;
    /** Distinct stacks kept per thread; samples of further stacks count in {@link Row#otherStackSamples()}. */
    public static final int MAX_STACKS = 32;

    /** One sampled stack and how many samples showed it. */
    public record Stack(List<StackTraceElement> frames, int count) {
    }

    /** One top frame and how many samples had it on top. */
    public record Frame(StackTraceElement frame, int count) {
    }

    /**
     * One thread over the interval. Counts and bytes are deltas over the interval; {@code -1}
     * when the JVM does not measure them.
     */
    public record Row(long id, String name, boolean daemon, long cpuNanos, long allocatedBytes, long blocked, long waited,
            Thread.State lastState, Map<Thread.State, Integer> states, int samples, List<Frame> topFrames, Stack commonStack,
            int otherStackSamples, boolean startedDuring, boolean endedDuring) {
    }

    private static final class Tracked {
        final long id;
        final boolean startedDuring;
        String name = "";
        boolean daemon;
        boolean ours;
        boolean ended;
        long cpu0;
        long cpuLast = -1;
        long alloc0;
        long allocLast = -1;
        long blocked0 = -1;
        long blockedLast;
        long waited0;
        long waitedLast;
        Thread.State lastState;
        final Map<Thread.State, Integer> states = new EnumMap<>(Thread.State.class);
        final Map<List<StackTraceElement>, int[]> stacks = new HashMap<>();
        int samples;
        int otherStackSamples;

        Tracked(long id, boolean startedDuring) {
            this.id = id;
            this.startedDuring = startedDuring;
        }
    }

    private final long startEpochNanos;
    private final long wallNanos;
    private final long periodNanos;
    private final int sampleRounds;
    private final boolean completed;
    private final List<Row> rows;
    private final long ownCpuNanos;
    private final int ownThreads;
    private final int untracked;
    private final boolean allocationMeasured;

    private ThreadActivity(long startEpochNanos, long wallNanos, long periodNanos, int sampleRounds, boolean completed, List<Row> rows,
            long ownCpuNanos, int ownThreads, int untracked, boolean allocationMeasured) {
        this.startEpochNanos = startEpochNanos;
        this.wallNanos = wallNanos;
        this.periodNanos = periodNanos;
        this.sampleRounds = sampleRounds;
        this.completed = completed;
        this.rows = rows;
        this.ownCpuNanos = ownCpuNanos;
        this.ownThreads = ownThreads;
        this.untracked = untracked;
        this.allocationMeasured = allocationMeasured;
    }

    /** Why per-thread CPU time cannot be measured in this JVM, or null when it can. */
    public static String unsupported() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!mx.isThreadCpuTimeSupported()) {
            return "this JVM does not measure per-thread CPU time (ThreadMXBean.isThreadCpuTimeSupported is false)";
        }
        if (!mx.isThreadCpuTimeEnabled()) {
            return "per-thread CPU time is switched off in this JVM (ThreadMXBean.setThreadCpuTimeEnabled(false)); switch it on to use threads";
        }
        return null;
    }

    /**
     * Measures for {@code intervalNanos}, sampling stacks every {@code periodNanos}.
     *
     * @param await waits the given nanoseconds; false when the user gave up (the answer then covers
     *              the time until then, and says so)
     */
    public static ThreadActivity measure(long intervalNanos, long periodNanos, LongPredicate await) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean sun = mx instanceof com.sun.management.ThreadMXBean ? (com.sun.management.ThreadMXBean) mx : null;
        boolean alloc = sun != null && sun.isThreadAllocatedMemorySupported() && sun.isThreadAllocatedMemoryEnabled();
        long self = Thread.currentThread().getId();
        Map<Long, Tracked> tracked = new LinkedHashMap<>();
        int[] untracked = {0};

        long[] ids = mx.getAllThreadIds();
        long startEpoch = epochNanos();
        long start = System.nanoTime();
        long[] cpu = cpuTimes(mx, sun, ids);
        long[] bytes = alloc ? sun.getThreadAllocatedBytes(ids) : null;
        for (int i = 0; i < ids.length; i++) {
            if (tracked.size() >= MAX_THREADS) {
                untracked[0]++;
                continue;
            }
            Tracked t = new Tracked(ids[i], false);
            t.cpu0 = Math.max(0, cpu[i]);
            t.cpuLast = cpu[i];
            t.alloc0 = bytes == null ? 0 : Math.max(0, bytes[i]);
            t.allocLast = bytes == null ? -1 : bytes[i];
            t.ours = ids[i] == self;
            tracked.put(ids[i], t);
        }
        read(mx, sun, alloc, tracked, untracked, self, false);

        int rounds = (int) Math.max(1, intervalNanos / periodNanos);
        boolean completed = true;
        int done = 0;
        for (int i = 0; i < rounds; i++) {
            long at = start + periodNanos * i + periodNanos / 2;
            long wait = at - System.nanoTime();
            if (wait > 0 && !await.test(wait)) {
                completed = false;
                break;
            }
            read(mx, sun, alloc, tracked, untracked, self, true);
            done++;
        }
        if (completed) {
            long wait = start + intervalNanos - System.nanoTime();
            if (wait > 0 && !await.test(wait)) {
                completed = false;
            }
        }
        long[] endIds = tracked.keySet().stream().mapToLong(Long::longValue).toArray();
        long end = System.nanoTime();
        long[] endCpu = cpuTimes(mx, sun, endIds);
        long[] endBytes = alloc ? sun.getThreadAllocatedBytes(endIds) : null;
        for (int i = 0; i < endIds.length; i++) {
            Tracked t = tracked.get(endIds[i]);
            if (endCpu[i] >= 0) {
                t.cpuLast = endCpu[i];
            } else {
                t.ended = true;
            }
            if (endBytes != null && endBytes[i] >= 0) {
                t.allocLast = endBytes[i];
            }
        }
        read(mx, sun, alloc, tracked, untracked, self, false);

        List<Row> rows = new ArrayList<>();
        long own = 0;
        int ownThreads = 0;
        for (Tracked t : tracked.values()) {
            long cpuDelta = t.cpuLast < 0 ? 0 : Math.max(0, t.cpuLast - t.cpu0);
            if (t.ours || t.name.startsWith(JfrReader.AGENT_THREAD_PREFIX)) {
                own += cpuDelta;
                ownThreads++;
                continue;
            }
            if (t.blocked0 < 0) {
                continue; // ended before its first reading: nothing known but its id
            }
            List<Map.Entry<List<StackTraceElement>, int[]>> stacks = new ArrayList<>(t.stacks.entrySet());
            stacks.sort((a, b) -> Integer.compare(b.getValue()[0], a.getValue()[0]));
            Map<StackTraceElement, Integer> tops = new LinkedHashMap<>();
            for (Map.Entry<List<StackTraceElement>, int[]> s : stacks) {
                if (!s.getKey().isEmpty()) {
                    tops.merge(s.getKey().get(0), s.getValue()[0], Integer::sum);
                }
            }
            List<Frame> topFrames = new ArrayList<>();
            tops.forEach((f, n) -> topFrames.add(new Frame(f, n)));
            topFrames.sort(Comparator.comparingInt(Frame::count).reversed());
            Stack common = stacks.isEmpty() ? null : new Stack(stacks.get(0).getKey(), stacks.get(0).getValue()[0]);
            rows.add(new Row(t.id, t.name, t.daemon, cpuDelta, alloc && t.allocLast >= 0 ? Math.max(0, t.allocLast - t.alloc0) : -1,
                    t.blockedLast - t.blocked0, t.waitedLast - t.waited0, t.lastState, new EnumMap<>(t.states), t.samples,
                    List.copyOf(topFrames.subList(0, Math.min(5, topFrames.size()))), common, t.otherStackSamples, t.startedDuring,
                    t.ended));
        }
        rows.sort(Comparator.comparingLong(Row::cpuNanos).reversed().thenComparing(Comparator.comparingLong(Row::allocatedBytes).reversed()));
        return new ThreadActivity(startEpoch, end - start, periodNanos, done, completed, List.copyOf(rows), own, ownThreads, untracked[0], alloc);
    }

    /** One reading of every live thread: names, states, counts; with {@code sample}, its stack too, and new threads are picked up. */
    private static void read(java.lang.management.ThreadMXBean mx, com.sun.management.ThreadMXBean sun, boolean alloc, Map<Long, Tracked> tracked,
            int[] untracked, long self, boolean sample) {
        if (sample) {
            long[] all = mx.getAllThreadIds();
            for (long id : all) {
                if (!tracked.containsKey(id)) {
                    if (tracked.size() >= MAX_THREADS) {
                        untracked[0]++;
                    } else {
                        tracked.put(id, new Tracked(id, true));
                    }
                }
            }
        }
        long[] ids = tracked.values().stream().filter(t -> !t.ended).mapToLong(t -> t.id).toArray();
        ThreadInfo[] infos = mx.getThreadInfo(ids, sample ? STACK_DEPTH : 0);
        long[] cpu = sample ? cpuTimes(mx, sun, ids) : null;
        long[] bytes = sample && alloc ? sun.getThreadAllocatedBytes(ids) : null;
        for (int i = 0; i < ids.length; i++) {
            Tracked t = tracked.get(ids[i]);
            ThreadInfo info = infos[i];
            if (info == null) {
                t.ended = true;
                continue;
            }
            if (cpu != null && cpu[i] >= 0) {
                t.cpuLast = cpu[i];
            }
            if (bytes != null && bytes[i] >= 0) {
                t.allocLast = bytes[i];
            }
            t.name = info.getThreadName();
            t.daemon = info.isDaemon();
            t.lastState = info.getThreadState();
            if (t.blocked0 < 0) {
                t.blocked0 = t.startedDuring ? 0 : info.getBlockedCount();
                t.waited0 = t.startedDuring ? 0 : info.getWaitedCount();
            }
            t.blockedLast = info.getBlockedCount();
            t.waitedLast = info.getWaitedCount();
            if (!sample || t.id == self) {
                continue;
            }
            t.samples++;
            t.states.merge(info.getThreadState(), 1, Integer::sum);
            List<StackTraceElement> stack = Arrays.asList(info.getStackTrace());
            int[] n = t.stacks.get(stack);
            if (n != null) {
                n[0]++;
            } else if (t.stacks.size() < MAX_STACKS) {
                t.stacks.put(stack, new int[] {1});
            } else {
                t.otherStackSamples++;
            }
        }
    }

    private static long[] cpuTimes(java.lang.management.ThreadMXBean mx, com.sun.management.ThreadMXBean sun, long[] ids) {
        if (sun != null) {
            return sun.getThreadCpuTime(ids);
        }
        long[] cpu = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            cpu[i] = mx.getThreadCpuTime(ids[i]);
        }
        return cpu;
    }

    private static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The threads, most CPU first (then most allocation); forge-perf's own left out. */
    public List<Row> rows() {
        return rows;
    }

    /** CPU time forge-perf's own threads (this measurement's included) used over the interval. */
    public long ownCpuNanos() {
        return ownCpuNanos;
    }

    /** How long the measurement ran (monotonic clock). */
    public long wallNanos() {
        return wallNanos;
    }

    /** When it started (epoch nanoseconds, at the first CPU reading). */
    public long startEpochNanos() {
        return startEpochNanos;
    }

    /** Threads beyond {@link #MAX_THREADS}, not measured. */
    public int untracked() {
        return untracked;
    }

    /** Text: a table of the top {@code top} threads, each with its sampled top frames and most frequent stack. */
    public String render(int top) {
        StringBuilder b = new StringBuilder(4096);
        b.append(String.format(Locale.ROOT, "threads of pid %d by CPU over %s%s: %d stack samples each, every %s (CPU %% of one core; %d cores)%n",
                ProcessHandle.current().pid(), Units.nanos(wallNanos), completed ? "" : " (stopped early)", sampleRounds, Units.nanos(periodNanos),
                Runtime.getRuntime().availableProcessors()));
        b.append(String.format(Locale.ROOT, "%-3s %7s %10s %11s %-14s %8s %8s  %s%n", "#", "CPU", "CPU time", "alloc/s", "state", "blocked", "waited",
                "thread"));
        int shown = 0;
        for (Row r : rows) {
            if (shown == top) {
                break;
            }
            shown++;
            String state = r.lastState == null ? "-" : r.lastState.toString();
            b.append(String.format(Locale.ROOT, "%-3d %7s %10s %11s %-14s %8s %8s  \"%s\" #%d%s%s%n", shown, Units.percent(share(r), 1), Units.nanos(r.cpuNanos),
                    r.allocatedBytes < 0 ? "-" : Units.bytes(rate(r.allocatedBytes)) + "/s", state, signed(r.blocked), signed(r.waited), r.name, r.id,
                    r.daemon ? " daemon" : "", r.startedDuring ? " (started during the interval)" : r.endedDuring ? " (ended during the interval)" : ""));
            if (r.samples > 0) {
                StringBuilder states = new StringBuilder();
                r.states.forEach((s, n) -> states.append(states.length() == 0 ? "" : ", ").append(s).append(' ').append(n));
                b.append("      states sampled: ").append(states).append('\n');
            }
            for (Frame f : r.topFrames.subList(0, Math.min(3, r.topFrames.size()))) {
                b.append(String.format(Locale.ROOT, "      %3d/%-3d on top: %s%n", f.count, r.samples, frame(f.frame)));
            }
            if (r.commonStack != null && !r.commonStack.frames.isEmpty()) {
                b.append(String.format(Locale.ROOT, "      most frequent stack (%d/%d samples):%n", r.commonStack.count, r.samples));
                for (StackTraceElement e : r.commonStack.frames) {
                    b.append("        at ").append(frame(e)).append('\n');
                }
            }
        }
        if (rows.size() > shown) {
            b.append(String.format(Locale.ROOT, "(%d more threads; --top N shows more)%n", rows.size() - shown));
        }
        b.append(String.format(Locale.ROOT, "forge-perf's own threads (not ranked): %d, CPU %s over the interval (this measurement included)%n", ownThreads,
                Units.nanos(ownCpuNanos)));
        if (untracked > 0) {
            b.append(String.format(Locale.ROOT, "%d threads beyond the first %d were not measured%n", untracked, MAX_THREADS));
        }
        if (!allocationMeasured) {
            b.append("allocation per thread: not measured by this JVM\n");
        }
        return b.toString();
    }

    /** The answer as JSON-ready maps: nanoseconds, bytes, fractions 0..1 of one core. */
    public Map<String, Object> toMap(int top) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", ProcessHandle.current().pid());
        m.put("startEpochNanos", startEpochNanos);
        m.put("intervalNanos", wallNanos);
        m.put("completed", completed);
        m.put("samplePeriodNanos", periodNanos);
        m.put("sampleRounds", sampleRounds);
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("threadsMeasured", rows.size());
        m.put("untrackedThreads", untracked);
        m.put("forgePerfThreads", ownThreads);
        m.put("forgePerfCpuNanos", ownCpuNanos);
        List<Object> list = new ArrayList<>();
        for (Row r : rows.subList(0, Math.min(top, rows.size()))) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", r.id);
            t.put("name", r.name);
            t.put("daemon", r.daemon);
            t.put("cpuNanos", r.cpuNanos);
            t.put("cpuShare", share(r));
            t.put("allocatedBytes", r.allocatedBytes < 0 ? null : r.allocatedBytes);
            t.put("allocationBytesPerSecond", r.allocatedBytes < 0 ? null : rate(r.allocatedBytes));
            t.put("state", r.lastState == null ? null : r.lastState.toString());
            Map<String, Object> states = new LinkedHashMap<>();
            r.states.forEach((s, n) -> states.put(s.toString(), n));
            t.put("statesSampled", states);
            t.put("blockedCount", r.blocked);
            t.put("waitedCount", r.waited);
            t.put("startedDuringInterval", r.startedDuring);
            t.put("endedDuringInterval", r.endedDuring);
            t.put("samples", r.samples);
            List<Object> frames = new ArrayList<>();
            for (Frame f : r.topFrames) {
                frames.add(new LinkedHashMap<>(Map.of("frame", frame(f.frame), "count", f.count)));
            }
            t.put("topFrames", frames);
            if (r.commonStack != null) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("count", r.commonStack.count);
                s.put("frames", r.commonStack.frames.stream().map(ThreadActivity::frame).toList());
                t.put("mostFrequentStack", s);
            }
            t.put("otherStackSamples", r.otherStackSamples);
            list.add(t);
        }
        m.put("threads", list);
        return m;
    }

    /** {@code pkg.Class.method(File.java:12)}: a frame without the class loader and module prefixes of {@link StackTraceElement#toString()}. */
    public static String frame(StackTraceElement e) {
        String where = e.isNativeMethod() ? "Native Method"
                : e.getFileName() == null ? "Unknown Source" : e.getLineNumber() > 0 ? e.getFileName() + ":" + e.getLineNumber() : e.getFileName();
        return e.getClassName() + "." + e.getMethodName() + "(" + where + ")";
    }

    private double share(Row r) {
        return wallNanos <= 0 ? 0 : r.cpuNanos / (double) wallNanos;
    }

    private double rate(long bytes) {
        return wallNanos <= 0 ? 0 : bytes * 1e9 / wallNanos;
    }

    private static String signed(long n) {
        return n < 0 ? "-" : "+" + n;
    }
}
