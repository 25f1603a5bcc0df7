package dev.forgeperf.http;

import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.forgeperf.profile.FrameKind;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.SampleType;
import dev.forgeperf.runtime.ThreadDump;
import dev.forgeperf.runtime.VirtualThreads;

/**
 * {@code /debug/pprof/goroutine}: the threads of a {@link ThreadDump} as a pprof profile (sample
 * type {@code threads/count}, one sample per thread, its name at the root of the stack and in the
 * label {@code thread}), or as text: threads grouped by identical stack ({@code debug=1}).
 * Stateless.
 */
final class ThreadProfile {
    private static final SampleType THREADS = new SampleType("threads", "count");

    private ThreadProfile() {
    }

    /** Root frame of the virtual threads' samples (and so their {@code thread} label). */
    static final String VIRTUAL_ROOT = "[virtual threads]";

    /** The platform threads only (as before JDK 21). */
    static Profile of(ThreadDump dump) {
        return of(dump, new VirtualThreads.Attempt(null, null));
    }

    /**
     * One sample per platform thread; a thread's root frame is {@code [name]} ({@code [name #id]}
     * when two threads share a name). Virtual threads: one sample per distinct stack, its value
     * the number of virtual threads on it, under the root {@value #VIRTUAL_ROOT}.
     */
    static Profile of(ThreadDump dump, VirtualThreads.Attempt virtual) {
        Profile p = new Profile(List.of(THREADS), 0);
        p.setPeriod(THREADS, 1);
        long now = System.currentTimeMillis() * 1_000_000L;
        p.setTime(now, 0);
        p.addComment("thread stacks of pid " + ProcessHandle.current().pid() + " by forge-perf");
        Map<String, Integer> names = new HashMap<>();
        for (ThreadInfo t : dump.threads()) {
            names.merge(t.getThreadName(), 1, Integer::sum);
        }
        for (ThreadInfo t : dump.threads()) {
            String label = "[" + t.getThreadName() + (names.get(t.getThreadName()) > 1 ? " #" + t.getThreadId() : "") + "]";
            int node = p.child(Profile.ROOT, p.frame(p.function(label, ""), 0, FrameKind.THREAD));
            StackTraceElement[] stack = t.getStackTrace();
            for (int i = stack.length - 1; i >= 0; i--) {
                StackTraceElement e = stack[i];
                int fn = p.function(e.getClassName() + "." + e.getMethodName(), sourceFile(e));
                node = p.child(node, p.frame(fn, Math.max(0, e.getLineNumber()), e.isNativeMethod() ? FrameKind.NATIVE : FrameKind.JAVA));
            }
            p.add(node, 0, 1);
        }
        if (virtual.whyNot() != null) {
            p.addComment("virtual threads not listed: " + virtual.whyNot());
        }
        if (virtual.dump() != null) {
            VirtualThreads v = virtual.dump();
            p.addComment(v.total() + " virtual threads in " + v.groups().size() + " distinct stacks"
                    + (v.ungroupedThreads() > 0 ? " (" + v.ungroupedThreads() + " on further stacks, not included)" : ""));
            int root = p.child(Profile.ROOT, p.frame(p.function(VIRTUAL_ROOT, ""), 0, FrameKind.THREAD));
            for (VirtualThreads.Group g : v.groups()) {
                int node = root;
                List<String> stack = g.stack();
                for (int i = stack.size() - 1; i >= 0; i--) {
                    VirtualThreads.Frame f = VirtualThreads.parseFrame(stack.get(i));
                    int fn = p.function(f.method(), sourceFile(f.method(), f.file()));
                    node = p.child(node, p.frame(fn, f.line(), f.nativeMethod() ? FrameKind.NATIVE : FrameKind.JAVA));
                }
                p.add(node, 0, g.count());
            }
        }
        return p;
    }

    /** {@code debug=1}: threads grouped by identical stack, largest groups first; then the virtual threads' groups. */
    static String grouped(ThreadDump dump, VirtualThreads.Attempt virtual) {
        String platform = grouped(dump);
        if (virtual.dump() != null) {
            return platform + "\n" + virtual.dump().render();
        }
        return virtual.whyNot() == null ? platform : platform + "\nVirtual threads are not listed: " + virtual.whyNot() + "\n";
    }

    /** {@code debug=1}: threads grouped by identical stack, largest groups first. */
    static String grouped(ThreadDump dump) {
        Map<List<StackTraceElement>, List<ThreadInfo>> groups = new LinkedHashMap<>();
        for (ThreadInfo t : dump.threads()) {
            groups.computeIfAbsent(Arrays.asList(t.getStackTrace()), k -> new ArrayList<>()).add(t);
        }
        List<Map.Entry<List<StackTraceElement>, List<ThreadInfo>>> sorted = new ArrayList<>(groups.entrySet());
        sorted.sort((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()));
        StringBuilder b = new StringBuilder(16 * 1024);
        b.append(String.format(Locale.ROOT, "thread profile: total %d, %d distinct stacks (pid %d)%n", dump.threads().size(), groups.size(),
                ProcessHandle.current().pid()));
        for (Map.Entry<List<StackTraceElement>, List<ThreadInfo>> g : sorted) {
            b.append('\n').append(g.getValue().size()).append(g.getValue().size() == 1 ? " thread: " : " threads: ");
            List<String> names = new ArrayList<>();
            for (ThreadInfo t : g.getValue()) {
                names.add('"' + t.getThreadName() + "\" " + t.getThreadState());
            }
            b.append(String.join(", ", names)).append('\n');
            if (g.getKey().isEmpty()) {
                b.append("\t(no Java frames)\n");
            }
            for (StackTraceElement e : g.getKey()) {
                b.append("\tat ").append(e).append('\n');
            }
        }
        return b.toString();
    }

    /** {@code pkg/Outer.java} from the frame's class and file name; empty when the file is unknown. */
    private static String sourceFile(StackTraceElement e) {
        return e.getFileName() == null ? "" : sourceFile(e.getClassName() + "." + e.getMethodName(), e.getFileName());
    }

    /** {@code pkg/File.java} from {@code pkg.Class.method} and the file name; empty when the file is unknown. */
    private static String sourceFile(String method, String file) {
        if (file == null || file.isEmpty()) {
            return "";
        }
        int m = method.lastIndexOf('.');
        String cls = m < 0 ? method : method.substring(0, m);
        int dot = cls.lastIndexOf('.');
        return dot < 0 ? file : cls.substring(0, dot).replace('.', '/') + "/" + file;
    }
}
