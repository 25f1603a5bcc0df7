package dev.forgeperf.runtime;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * All platform threads with their state, full stack, the monitors and ownable synchronizers
 * (e.g. {@code ReentrantLock}s) each holds, what each waits on and who owns it, and every deadlock
 * spelled out cycle by cycle. The text looks like {@code jstack}'s, without its 8-frame limit of
 * {@link ThreadInfo#toString()}.
 */
public final class ThreadDump {
    private final long timeMillis;
    private final List<ThreadInfo> threads;
    private final Map<Long, Long> cpuNanos;
    private final List<List<ThreadInfo>> deadlocks;

    private ThreadDump(long timeMillis, List<ThreadInfo> threads, Map<Long, Long> cpuNanos, List<List<ThreadInfo>> deadlocks) {
        this.timeMillis = timeMillis;
        this.threads = threads;
        this.cpuNanos = cpuNanos;
        this.deadlocks = deadlocks;
    }

    /** Takes a dump of this JVM's threads now (a short safepoint pause, like jstack). */
    public static ThreadDump take() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long now = System.currentTimeMillis();
        ThreadInfo[] all = mx.dumpAllThreads(mx.isObjectMonitorUsageSupported(), mx.isSynchronizerUsageSupported());
        List<ThreadInfo> list = new ArrayList<>();
        Map<Long, Long> cpu = new HashMap<>();
        boolean cpuOn = mx.isThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled();
        for (ThreadInfo t : all) {
            if (t != null) {
                list.add(t);
                if (cpuOn) {
                    long c = mx.getThreadCpuTime(t.getThreadId());
                    if (c >= 0) {
                        cpu.put(t.getThreadId(), c);
                    }
                }
            }
        }
        long[] dead = mx.isSynchronizerUsageSupported() ? mx.findDeadlockedThreads() : mx.findMonitorDeadlockedThreads();
        return new ThreadDump(now, list, cpu, cycles(dead, list, mx));
    }

    /** Threads in the dump. */
    public List<ThreadInfo> threads() {
        return threads;
    }

    /** Each deadlock as its threads, in wait order (each waits for the next; the last for the first). */
    public List<List<ThreadInfo>> deadlocks() {
        return deadlocks;
    }

    /** Names of all deadlocked threads. */
    public List<String> deadlockedThreadNames() {
        List<String> out = new ArrayList<>();
        for (List<ThreadInfo> cycle : deadlocks) {
            for (ThreadInfo t : cycle) {
                out.add(t.getThreadName());
            }
        }
        return out;
    }

    private static List<List<ThreadInfo>> cycles(long[] dead, List<ThreadInfo> dumped, ThreadMXBean mx) {
        List<List<ThreadInfo>> out = new ArrayList<>();
        if (dead == null || dead.length == 0) {
            return out;
        }
        Map<Long, ThreadInfo> byId = new HashMap<>();
        for (ThreadInfo t : dumped) {
            byId.put(t.getThreadId(), t);
        }
        // the dump and the deadlock search are two moments: use fresh infos for the deadlocked ones
        for (ThreadInfo t : mx.getThreadInfo(dead, mx.isObjectMonitorUsageSupported(), mx.isSynchronizerUsageSupported())) {
            if (t != null) {
                byId.put(t.getThreadId(), t);
            }
        }
        Set<Long> inDeadlock = new HashSet<>();
        for (long id : dead) {
            inDeadlock.add(id);
        }
        Set<Long> done = new HashSet<>();
        for (long start : dead) {
            if (done.contains(start)) {
                continue;
            }
            List<Long> path = new ArrayList<>();
            long id = start;
            while (inDeadlock.contains(id) && !path.contains(id) && !done.contains(id) && byId.containsKey(id)) {
                path.add(id);
                id = byId.get(id).getLockOwnerId();
            }
            int from = path.indexOf(id);
            done.addAll(path);
            if (from < 0) {
                continue; // leads into a cycle already reported
            }
            List<ThreadInfo> cycle = new ArrayList<>();
            for (Long t : path.subList(from, path.size())) {
                cycle.add(byId.get(t));
            }
            out.add(cycle);
        }
        // threads the JVM named as deadlocked but that sit on no cycle we could follow (they changed meanwhile)
        Set<Long> placed = new HashSet<>();
        out.forEach(c -> c.forEach(t -> placed.add(t.getThreadId())));
        List<ThreadInfo> rest = new ArrayList<>();
        for (long id : dead) {
            if (!placed.contains(id) && byId.containsKey(id)) {
                rest.add(byId.get(id));
            }
        }
        if (!rest.isEmpty() && out.isEmpty()) {
            out.add(rest);
        }
        return out;
    }

    /** The dump as text, jstack-like: header, every thread with its full stack and locks, then the deadlocks. */
    public String render() {
        return render(null, null);
    }

    /**
     * The dump as text with the virtual threads (JDK 21+) grouped by stack after the platform
     * threads; {@code virtual} null with {@code whyNot} (one line) when they could not be listed.
     */
    public String render(VirtualThreads virtual, String whyNot) {
        return render(virtual, whyNot, Integer.MAX_VALUE);
    }

    /** As {@link #render(VirtualThreads, String)}, listing only the {@code maxVirtualGroups} largest groups of virtual threads. */
    public String render(VirtualThreads virtual, String whyNot, int maxVirtualGroups) {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append(String.format(Locale.ROOT, "Full thread dump %s %s (%s), pid %d, %s%n",
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"), System.getProperty("java.vm.info", ""),
                ProcessHandle.current().pid(), java.time.Instant.ofEpochMilli(timeMillis)));
        Map<Thread.State, Integer> states = new EnumMap<>(Thread.State.class);
        int daemons = 0;
        for (ThreadInfo t : threads) {
            states.merge(t.getThreadState(), 1, Integer::sum);
            if (t.isDaemon()) {
                daemons++;
            }
        }
        StringBuilder st = new StringBuilder();
        states.forEach((k, v) -> st.append(", ").append(k).append(' ').append(v));
        b.append(threads.size()).append(" threads (").append(daemons).append(" daemon").append(st).append(")\n");
        if (virtual != null) {
            b.append(virtual.total()).append(" virtual threads, grouped by stack after the platform threads\n");
        } else if (whyNot != null) {
            b.append("Virtual threads are not listed: ").append(whyNot).append('\n');
        } else if (Runtime.version().feature() >= 21) {
            b.append("Virtual threads are not listed (jcmd PID Thread.dump_to_file shows them).\n");
        }
        if (!deadlocks.isEmpty()) {
            b.append(String.format(Locale.ROOT, "DEADLOCK: %d threads in %d deadlock%s (%s), spelled out at the end%n",
                    deadlockedThreadNames().size(), deadlocks.size(), deadlocks.size() == 1 ? "" : "s", quoted(deadlockedThreadNames())));
        }
        for (ThreadInfo t : threads) {
            b.append('\n');
            thread(b, t);
        }
        if (virtual != null) {
            b.append('\n').append(virtual.render(maxVirtualGroups));
        }
        b.append('\n');
        if (deadlocks.isEmpty()) {
            b.append("No deadlocks found.\n");
        } else {
            deadlocksSection(b);
        }
        return b.toString();
    }

    private static String quoted(List<String> names) {
        List<String> q = new ArrayList<>();
        names.forEach(n -> q.add('"' + n + '"'));
        return String.join(", ", q);
    }

    private void thread(StringBuilder b, ThreadInfo t) {
        b.append('"').append(t.getThreadName()).append("\" #").append(t.getThreadId());
        if (t.isDaemon()) {
            b.append(" daemon");
        }
        b.append(" prio=").append(t.getPriority());
        Long cpu = cpuNanos.get(t.getThreadId());
        if (cpu != null) {
            b.append(String.format(Locale.ROOT, " cpu=%.2fms", cpu / 1e6));
        }
        b.append(" blocked=").append(t.getBlockedCount()).append(" waited=").append(t.getWaitedCount());
        if (t.isSuspended()) {
            b.append(" suspended");
        }
        if (t.isInNative()) {
            b.append(" in native");
        }
        b.append('\n');
        b.append("   java.lang.Thread.State: ").append(t.getThreadState()).append(stateDetail(t)).append('\n');
        StackTraceElement[] stack = t.getStackTrace();
        MonitorInfo[] monitors = t.getLockedMonitors();
        for (int i = 0; i < stack.length; i++) {
            b.append("\tat ").append(frame(stack[i])).append('\n');
            if (i == 0 && t.getLockInfo() != null) {
                b.append("\t- ").append(waitVerb(t)).append(' ').append(lock(t.getLockInfo()));
                if (t.getLockOwnerId() >= 0) {
                    b.append(" owned by \"").append(t.getLockOwnerName()).append("\" #").append(t.getLockOwnerId());
                }
                b.append('\n');
            }
            for (MonitorInfo m : monitors) {
                if (m.getLockedStackDepth() == i) {
                    b.append("\t- locked ").append(lock(m)).append('\n');
                }
            }
        }
        if (stack.length == 0 && t.getLockInfo() != null) {
            b.append("\t- ").append(waitVerb(t)).append(' ').append(lock(t.getLockInfo())).append('\n');
        }
        for (MonitorInfo m : monitors) {
            if (m.getLockedStackDepth() < 0) {
                b.append("\t- locked ").append(lock(m)).append(" (by JNI or a frame no longer shown)\n");
            }
        }
        LockInfo[] syncs = t.getLockedSynchronizers();
        b.append("\n   Locked ownable synchronizers:\n");
        if (syncs.length == 0) {
            b.append("\t- None\n");
        } else {
            for (LockInfo l : syncs) {
                b.append("\t- ").append(lock(l)).append('\n');
            }
        }
    }

    private static String stateDetail(ThreadInfo t) {
        if (t.getLockInfo() == null) {
            return "";
        }
        switch (t.getThreadState()) {
            case BLOCKED: return " (on object monitor)";
            case WAITING:
            case TIMED_WAITING:
                return t.getLockInfo() instanceof MonitorInfo || isMonitorWait(t) ? " (on object monitor)" : " (parking)";
            default: return "";
        }
    }

    private static boolean isMonitorWait(ThreadInfo t) {
        StackTraceElement[] s = t.getStackTrace();
        return s.length > 0 && s[0].getClassName().equals("java.lang.Object") && s[0].getMethodName().startsWith("wait");
    }

    private static String waitVerb(ThreadInfo t) {
        if (t.getThreadState() == Thread.State.BLOCKED) {
            return "waiting to lock";
        }
        return isMonitorWait(t) ? "waiting on" : "parking to wait for";
    }

    private static String lock(LockInfo l) {
        return String.format(Locale.ROOT, "<0x%08x> (a %s)", l.getIdentityHashCode(), l.getClassName());
    }

    /** A frame as jstack prints it: {@code pkg.Class.method(module@version/File.java:42)}. */
    static String frame(StackTraceElement e) {
        StringBuilder b = new StringBuilder();
        b.append(e.getClassName()).append('.').append(e.getMethodName()).append('(');
        if (e.getModuleName() != null) {
            b.append(e.getModuleName());
            if (e.getModuleVersion() != null) {
                b.append('@').append(e.getModuleVersion());
            }
            b.append('/');
        }
        if (e.isNativeMethod()) {
            b.append("Native Method");
        } else if (e.getFileName() == null) {
            b.append("Unknown Source");
        } else {
            b.append(e.getFileName());
            if (e.getLineNumber() >= 0) {
                b.append(':').append(e.getLineNumber());
            }
        }
        return b.append(')').toString();
    }

    private void deadlocksSection(StringBuilder b) {
        int n = 0;
        for (List<ThreadInfo> cycle : deadlocks) {
            n++;
            b.append(String.format(Locale.ROOT, "Found Java-level deadlock%s (%d threads):%n",
                    deadlocks.size() > 1 ? " " + n + " of " + deadlocks.size() : "", cycle.size()));
            Map<Long, ThreadInfo> byId = new LinkedHashMap<>();
            cycle.forEach(t -> byId.put(t.getThreadId(), t));
            for (ThreadInfo t : cycle) {
                b.append("  \"").append(t.getThreadName()).append("\" #").append(t.getThreadId()).append(" is ")
                        .append(t.getThreadState() == Thread.State.BLOCKED ? "waiting to lock monitor" : "waiting for")
                        .append(' ').append(t.getLockInfo() == null ? "<unknown>" : lock(t.getLockInfo()));
                if (t.getLockOwnerId() >= 0) {
                    b.append(",\n      which is held by \"").append(t.getLockOwnerName()).append("\" #").append(t.getLockOwnerId());
                }
                b.append('\n');
            }
            b.append("Stacks of the threads in this deadlock:\n");
            for (ThreadInfo t : cycle) {
                b.append("  \"").append(t.getThreadName()).append("\":\n");
                for (StackTraceElement e : t.getStackTrace()) {
                    b.append("\tat ").append(frame(e)).append('\n');
                }
            }
            b.append('\n');
        }
    }
}
