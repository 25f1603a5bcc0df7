package dev.forgeperf.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.forgeperf.util.Log;
import dev.forgeperf.util.PendingFiles;
import dev.forgeperf.util.SocketDir;

/**
 * The virtual threads of this JVM (JDK 21+), grouped by identical stack with counts, states, a
 * few names and the carriers of the mounted ones. {@code ThreadMXBean} does not see virtual
 * threads; the JDK's {@code HotSpotDiagnosticMXBean.dumpThreads(file, JSON)} (the same dump as
 * {@code jcmd PID Thread.dump_to_file -format=json}) does. It is reached by reflection (the API is
 * JDK 21+, forge-perf is built for 17), written to a fresh hidden owner-only (0700) folder under
 * {@code java.io.tmpdir} (listed in {@code <pid>.pending} while it exists), read back as a stream
 * ({@link JsonThreadDumpReader}) into groups ({@link VirtualThreadFolder}) and deleted at once. The
 * text form is {@link VirtualThreadsText}'s.
 *
 * <p>Bounded: the file is never held in memory; threads are folded into their group while it is
 * read (a thread's own entry is the most held at a time); at most {@value #MAX_GROUPS} distinct
 * stacks of at most {@value #MAX_FRAMES} frames are kept (threads past that are counted, not
 * grouped), frames are shared between groups. The worst case is about {@value #NEED_MIB} MiB of
 * heap, checked free ({@link HeapGuard}) before the dump is taken. Time: the JDK walks every
 * thread's stack (measured on Temurin 25 with 10,000 parked virtual threads: see README).
 *
 * <p>Which threads are virtual: JDK 25's format marks them ({@code "virtual": true}, with
 * {@code "carrier"} when mounted); on JDK 21 to 24, whose format does not, a thread is virtual when
 * {@code ThreadMXBean} does not know its id (read right after the dump).
 *
 * <p>Thread-safe: immutable once taken (its groups too); {@link #attempt()} lets one JDK dump run
 * at a time.
 */
public final class VirtualThreads {
    /** Distinct stacks kept; threads on further stacks are counted in {@link #ungroupedThreads()}. */
    public static final int MAX_GROUPS = 500;
    /** Frames kept of a stack (the leaf end); deeper stacks are grouped by their top frames and marked. */
    public static final int MAX_FRAMES = 256;
    /** Names listed per group, and carriers per group. */
    public static final int MAX_EXAMPLES = 5;
    static final int NEED_MIB = 24;
    /** Heap the grouping needs at most: {@value #MAX_GROUPS} stacks x {@value #MAX_FRAMES} frames of ~150 bytes, and the reader. */
    public static final long NEED_BYTES = (long) NEED_MIB << 20;

    private final long timeMillis;
    private final long tookNanos;
    private final int total;
    private final int mounted;
    private final int ungrouped;
    private final Map<String, Integer> states;
    private final List<Group> groups;

    /** One distinct stack and the virtual threads on it; filled by {@link VirtualThreadFolder} while the dump is read, not changed after. */
    public static final class Group {
        final List<String> stack;
        final boolean truncated;
        int count;
        int mounted;
        final Map<String, Integer> states = new TreeMap<>();
        final List<String> examples = new ArrayList<>(MAX_EXAMPLES);
        final Set<String> carrierIds = new HashSet<>();
        final List<String> carriers = new ArrayList<>(MAX_EXAMPLES);

        Group(List<String> stack, boolean truncated) {
            this.stack = stack;
            this.truncated = truncated;
        }

        /** The frames, leaf first, as the JDK prints them ({@code module/pkg.Class.method(File.java:42)}). */
        public List<String> stack() {
            return stack;
        }

        /** Whether the stack had more than {@value #MAX_FRAMES} frames (only the leaf end is kept). */
        public boolean truncated() {
            return truncated;
        }

        /** Virtual threads on this stack. */
        public int count() {
            return count;
        }

        /** Of them, mounted on a carrier when dumped. */
        public int mounted() {
            return mounted;
        }

        /** Thread states and their counts (JDK 25+; empty on older formats). */
        public Map<String, Integer> states() {
            return states;
        }

        /** Up to {@value #MAX_EXAMPLES} threads, as {@code "name" #tid}. */
        public List<String> examples() {
            return examples;
        }

        /** Up to {@value #MAX_EXAMPLES} carrier threads of the mounted ones, as {@code "name" #tid}. */
        public List<String> carriers() {
            return carriers;
        }
    }

    VirtualThreads(long timeMillis, long tookNanos, int total, int mounted, int ungrouped, Map<String, Integer> states, List<Group> groups) {
        this.timeMillis = timeMillis;
        this.tookNanos = tookNanos;
        this.total = total;
        this.mounted = mounted;
        this.ungrouped = ungrouped;
        this.states = states;
        this.groups = groups;
    }

    /** Whether this JVM has virtual threads (JDK 21+). */
    public static boolean available() {
        return Runtime.version().feature() >= 21;
    }

    /** What is shown instead of a count on a JVM without virtual threads. */
    public static String notAvailable() {
        return "not available (virtual threads need JDK 21+; this JVM is " + Runtime.version().feature() + ")";
    }

    /**
     * Dumps the threads through the JDK and groups the virtual ones.
     *
     * @throws HeapGuard.Refused when the heap lacks {@link #NEED_BYTES}
     * @throws IOException when the dump cannot be written or read (the message says which)
     * @throws UnsupportedOperationException before JDK 21
     */
    public static VirtualThreads take() throws IOException {
        if (!available()) {
            throw new UnsupportedOperationException(notAvailable());
        }
        HeapGuard.require("the virtual-thread dump", NEED_BYTES, "retry when the heap is less full, or run `jcmd PID Thread.dump_to_file -format=json FILE`");
        // a fresh hidden folder (created with its mode; an entry planted under the name fails the call), listed as pending so a
        // JVM killed meanwhile leaves nothing behind that `forge-perf list` does not remove
        Path dir = Paths.get(System.getProperty("java.io.tmpdir")).toAbsolutePath().resolve(".forge-perf-threads." + ProcessHandle.current().pid() + "."
                + Long.toHexString(new SecureRandom().nextLong()) + ".tmp");
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(SocketDir.OWNER_ONLY_DIR));
        PendingFiles.add(dir);
        Path file = dir.resolve("threads.json");
        try {
            long now = System.currentTimeMillis();
            long t0 = System.nanoTime();
            dumpJson(file);
            long[] ids = ManagementFactory.getThreadMXBean().getAllThreadIds();
            long took = System.nanoTime() - t0;
            Set<String> platform = new HashSet<>();
            for (long id : ids) {
                platform.add(Long.toString(id));
            }
            VirtualThreadFolder folder = new VirtualThreadFolder(platform);
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                new JsonThreadDumpReader(r, folder).document();
            }
            return folder.result(now, took);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
            PendingFiles.remove(dir);
        }
    }

    /** A dump, or why there is none: both null before JDK 21 (nothing to list). */
    public record Attempt(VirtualThreads dump, String whyNot) {
    }

    /** Callers within this long of a finished dump share it. */
    private static final long SHARE_NANOS = 1_000_000_000L;
    private static final Object DUMPING = new Object();
    private static Attempt lastAttempt;
    private static long lastAttemptEnd;

    /**
     * {@link #take()} with every failure contained: refused or failed dumps become one line (failures
     * also logged once). One JDK dump at a time: callers that arrive while one runs, or within a
     * second after it ended, share its result (its time says when it was taken), so that
     * scrapers asking {@code /debug/pprof/goroutine} together cost one dump of the 10,000s of
     * virtual threads an application may have, not one each.
     */
    public static Attempt attempt() {
        if (!available()) {
            return new Attempt(null, null);
        }
        synchronized (DUMPING) {
            if (lastAttempt != null && System.nanoTime() - lastAttemptEnd < SHARE_NANOS) {
                return lastAttempt;
            }
            lastAttempt = attemptNow();
            lastAttemptEnd = System.nanoTime();
            return lastAttempt;
        }
    }

    private static Attempt attemptNow() {
        try {
            return new Attempt(take(), null);
        } catch (HeapGuard.Refused e) {
            return new Attempt(null, e.getMessage());
        } catch (IOException | RuntimeException e) {
            Log.failureOnce("virtual-thread-dump", "the virtual-thread dump", e);
            return new Attempt(null, "the JDK's thread dump failed (" + e.getMessage() + "); see the agent's log");
        }
    }

    private static void dumpJson(Path file) throws IOException {
        try {
            Class<?> format = Class.forName("com.sun.management.HotSpotDiagnosticMXBean$ThreadDumpFormat");
            Method dump = HotSpotDiagnosticMXBean.class.getMethod("dumpThreads", String.class, format);
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object json = Enum.valueOf((Class) format, "JSON");
            dump.invoke(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class), file.toString(), json);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException) {
                throw (IOException) c;
            }
            throw new IOException("the JDK's thread dump failed: " + c, c);
        } catch (ReflectiveOperationException e) {
            throw new IOException("this JDK has no HotSpotDiagnosticMXBean.dumpThreads: " + e, e);
        }
    }

    /** When the dump was taken (epoch ms). */
    public long timeMillis() {
        return timeMillis;
    }

    /** How long the JDK's dump took. */
    public long tookNanos() {
        return tookNanos;
    }

    /** Virtual threads in the dump. */
    public int total() {
        return total;
    }

    /** Of them, mounted on a carrier (JDK 25+ format; 0 before). */
    public int mounted() {
        return mounted;
    }

    /** Threads on stacks past the first {@value #MAX_GROUPS} distinct ones (counted, not grouped). */
    public int ungroupedThreads() {
        return ungrouped;
    }

    /** States of all virtual threads with counts (JDK 25+ format). */
    public Map<String, Integer> states() {
        return states;
    }

    /** The groups, largest first. */
    public List<Group> groups() {
        return groups;
    }

    /** Distinct stacks a snapshot's {@code threads.txt} lists (the largest groups; the rest are counted). */
    public static final int SNAPSHOT_GROUPS = 20;

    /** The section {@code dump threads} appends after the platform threads: every group kept. */
    public String render() {
        return render(Integer.MAX_VALUE);
    }

    /**
     * The section with the {@code maxGroups} largest groups listed and the rest counted in one line
     * (what a snapshot's {@code threads.txt} holds: at most {@code maxGroups} x {@value #MAX_FRAMES}
     * frames; {@link VirtualThreadsText}).
     */
    public String render(int maxGroups) {
        return VirtualThreadsText.render(this, maxGroups);
    }

    /** Splits a JDK frame ({@code [loader/][module[@version]/]pkg.Class.method(File.java:42)}) into class.method, file and line. */
    public static Frame parseFrame(String s) {
        int paren = s.indexOf('(');
        String qualified = paren < 0 ? s : s.substring(0, paren);
        String where = paren < 0 ? "" : s.substring(paren + 1, s.endsWith(")") ? s.length() - 1 : s.length());
        // prefixes end with '/'; a hidden class's own '/' is followed by "0x"
        int slash;
        while ((slash = qualified.indexOf('/')) >= 0 && !qualified.startsWith("0x", slash + 1)) {
            qualified = qualified.substring(slash + 1);
        }
        boolean nativeMethod = where.equals("Native Method");
        String file = "";
        int line = 0;
        if (!nativeMethod && !where.equals("Unknown Source") && !where.isEmpty()) {
            int colon = where.lastIndexOf(':');
            file = colon < 0 ? where : where.substring(0, colon);
            if (colon >= 0) {
                try {
                    line = Math.max(0, Integer.parseInt(where.substring(colon + 1)));
                } catch (NumberFormatException e) {
                    line = 0;
                }
            }
        }
        return new Frame(qualified, file, line, nativeMethod);
    }

    /** One parsed frame: {@code pkg.Class.method}, the source file name ("" when unknown), the line (0 when unknown). */
    public record Frame(String method, String file, int line, boolean nativeMethod) {
    }
}
