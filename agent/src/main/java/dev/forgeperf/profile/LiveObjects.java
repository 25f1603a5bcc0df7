package dev.forgeperf.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import dev.forgeperf.util.AgentClasses;
import dev.forgeperf.util.Units;


/**
 * The {@link Kind#LIVE} profile: the live objects JFR sampled ({@code jdk.OldObjectSample}), each at
 * its allocation stack, weighing one object ({@code inuse_objects}) and its size ({@code inuse_space}).
 *
 * <p>What the numbers are: a <em>sample</em>. While the event is enabled the JVM keeps a bounded set of
 * allocated objects (at most {@code old-object-queue-size}, 256 unless set with
 * {@code -XX:FlightRecorderOptions}), drops those that die at each GC, and writes the ones still
 * live as events when a recording with the event ends. The values are the sampled objects' own
 * sizes, <em>not scaled</em> to the whole heap: they rank allocation sites of live memory, they do
 * not add up to the heap used. The size is the event's {@code objectSize} (JDK 18+); on JDK 17 it is
 * estimated for arrays from their length (16-byte header, compressed references) and unknown for
 * other objects, which then count in {@code inuse_objects} only; the comments say how many.
 *
 * <p>Read with the JDK's {@link RecordingFile} (the events carry their object's class and GC root in
 * nested constants, and there are at most a few hundred of them); the reader skips every other event
 * type. Objects forge-perf allocated (on its threads, or at a site in its code) are left out:
 * they are not the user's memory.
 *
 * <p>Stateless; each call reads its file anew.
 */
public final class LiveObjects {
    static final String EVENT = "jdk.OldObjectSample";
    /** The JVM's default bound on sampled objects ({@code old-object-queue-size}). */
    public static final int DEFAULT_QUEUE_SIZE = 256;
    /** Packages whose frames are not a user's allocation site (the first frame outside them is). */
    private static final List<String> LIBRARY = FunctionFilter.JDK_PREFIXES;

    /**
     * One allocation site of sampled live objects: the first frame of their stacks outside the JDK
     * (else the leaf), with what they weigh, their classes, their oldest age and, where the recording
     * computed paths to GC roots, the roots' kinds.
     */
    public record Site(String function, long objects, long bytes, long unsized, Map<String, Long> types, long oldestAgeNanos,
            Map<String, Long> roots) {
        /** {@code com.acme.Cache.put: 41 objects, 164 KB (byte[]), oldest 12 s} — one line. */
        public String describe() {
            StringBuilder b = new StringBuilder(function).append(": ").append(objects).append(objects == 1 ? " object, " : " objects, ")
                    .append(unsized == objects ? "size unknown (no objectSize before JDK 18)" : Units.bytes(bytes)
                            + (unsized > 0 ? " + " + unsized + " of unknown size" : "")).append(" (").append(String.join(", ", types.keySet().stream().limit(3).toList())).append(')');
            if (oldestAgeNanos > 0) {
                b.append(", oldest ").append(Units.nanos(oldestAgeNanos));
            }
            if (!roots.isEmpty()) {
                b.append(", GC root ").append(rootsText(roots));
            }
            return b.toString();
        }
    }

    /** What a recording's live-object samples say, beside the profile. */
    public record Summary(Profile profile, long objects, long unsized, List<Site> sites, boolean sizesFromEvent) {
        /** The sites sorted by bytes, then objects. */
        public List<Site> top(int n) {
            return sites.stream().limit(n).toList();
        }
    }

    private LiveObjects() {
    }

    /** The live-object profile of {@code jfr} ({@link Kind#LIVE}'s sample types). */
    public static Profile read(Path jfr, ProfileOptions options) throws IOException {
        return summarize(jfr, options).profile();
    }

    /** Reads {@code jfr}'s {@code jdk.OldObjectSample} events into a profile and a table of allocation sites. */
    public static Summary summarize(Path jfr, ProfileOptions options) throws IOException {
        JfrFile.check(jfr);
        Profile profile = Profile.of(Kind.LIVE);
        Map<String, long[]> siteValues = new LinkedHashMap<>();
        Map<String, Map<String, Long>> siteTypes = new LinkedHashMap<>();
        Map<String, Map<String, Long>> siteRoots = new LinkedHashMap<>();
        long objects = 0;
        long unsized = 0;
        long own = 0;
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        long youngest = Long.MAX_VALUE;
        long oldest = 0;
        boolean sizeField = false;
        boolean roots = false;
        Long from = options.from() == null ? null : TimeBound.resolve(options.from(), JfrFile.check(jfr).startEpochNanos(), java.time.ZoneId.systemDefault());
        Long to = options.to() == null ? null : TimeBound.resolve(options.to(), JfrFile.check(jfr).startEpochNanos(), java.time.ZoneId.systemDefault());
        int[] frames = new int[64];
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                if (!e.getEventType().getName().equals(EVENT)) {
                    continue;
                }
                long allocated = epochNanos(e.getInstant("allocationTime"));
                if (from != null && allocated < from || to != null && allocated >= to) {
                    continue;
                }
                if (e.getThread() != null && e.getThread().getJavaName() != null
                        && e.getThread().getJavaName().startsWith(JfrReader.AGENT_THREAD_PREFIX)) {
                    own++;
                    continue;
                }
                RecordedStackTrace stack = e.getStackTrace();
                int count = 0;
                boolean agent = false;
                boolean included = options.include() == null;
                boolean excluded = false;
                String site = null;
                String leaf = null;
                if (stack != null) {
                    for (RecordedFrame f : stack.getFrames()) {
                        if (!f.isJavaFrame() || f.getMethod() == null) {
                            continue;
                        }
                        String cls = f.getMethod().getType().getName();
                        String name = cls + "." + f.getMethod().getName();
                        if (options.include() != null && options.include().matcher(name).find()) {
                            included = true;
                        }
                        if (options.exclude() != null && options.exclude().matcher(name).find()) {
                            excluded = true;
                        }
                        if (leaf == null) {
                            leaf = name;
                        }
                        if (site == null && LIBRARY.stream().noneMatch(cls::startsWith)) {
                            site = name;
                            agent = agentClass(cls);
                        }
                        if (count == frames.length) {
                            frames = java.util.Arrays.copyOf(frames, count * 2);
                        }
                        FrameKind kind = "Inlined".equals(f.getType()) ? FrameKind.INLINED : "Native".equals(f.getType()) ? FrameKind.NATIVE : FrameKind.JAVA;
                        frames[count++] = profile.frame(profile.function(name, StackInterner.sourceFile(cls)), Math.max(0, f.getLineNumber()), kind);
                    }
                }
                if (agent) {
                    own++;
                    continue;
                }
                if (!included || excluded) {
                    continue;
                }
                if (count == 0) {
                    frames[count++] = profile.frame(profile.function("[unknown]", ""), 0, FrameKind.OTHER);
                    leaf = "[unknown]";
                }
                // leaf first from JFR, root first for the profile
                for (int i = 0, j = count - 1; i < j; i++, j--) {
                    int t = frames[i];
                    frames[i] = frames[j];
                    frames[j] = t;
                }
                if (options.threads()) { // one root per allocating thread, as the other kinds' --threads
                    String thread = e.getThread() == null ? null : e.getThread().getJavaName();
                    if (count == frames.length) {
                        frames = java.util.Arrays.copyOf(frames, count * 2);
                    }
                    System.arraycopy(frames, 0, frames, 1, count++);
                    frames[0] = profile.frame(profile.function(thread == null ? "[unknown thread]" : "[" + thread + "]", ""), 0, FrameKind.THREAD);
                }
                RecordedObject object = e.getValue("object");
                RecordedClass type = object == null ? null : object.getValue("type");
                String typeName = type == null ? "?" : javaName(type.getName());
                long size;
                if (e.hasField("objectSize")) {
                    sizeField = true;
                    size = e.getLong("objectSize");
                } else {
                    size = estimatedArraySize(type == null ? null : type.getName(), e.getInt("arrayElements"));
                }
                boolean noSize = size < 0;
                if (noSize) {
                    unsized++;
                    size = 0;
                }
                int node = profile.node(frames, count);
                profile.add(node, 0, 1);
                profile.add(node, 1, size);
                objects++;
                long age = e.hasField("objectAge") ? e.getDuration("objectAge").toNanos() : 0;
                youngest = Math.min(youngest, age);
                oldest = Math.max(oldest, age);
                long when = epochNanos(e.getStartTime());
                start = Math.min(start, allocated);
                end = Math.max(end, when);
                String key = site != null ? site : leaf;
                long[] v = siteValues.computeIfAbsent(key, k -> new long[4]);
                v[0]++;
                v[1] += size;
                v[2] = Math.max(v[2], age);
                v[3] += noSize ? 1 : 0;
                siteTypes.computeIfAbsent(key, k -> new TreeMap<>()).merge(typeName, 1L, Long::sum);
                RecordedObject root = e.getValue("root");
                Map<String, Long> rootKinds = siteRoots.computeIfAbsent(key, k -> new TreeMap<>());
                if (root != null) {
                    String kind = rootKind(root);
                    if (kind != null) {
                        roots = true;
                        rootKinds.merge(kind, 1L, Long::sum);
                    }
                }
            }
        }
        profile.setPeriod(Kind.LIVE.periodType(), 1);
        if (objects > 0) {
            profile.setTime(start, Math.max(0, end - start));
        }
        profile.addComment("live objects sampled by JFR (jdk.OldObjectSample): " + objects + " sampled objects still live when the recording ended;"
                + " a sample, not every live object (the JVM keeps at most old-object-queue-size, default " + DEFAULT_QUEUE_SIZE + ")");
        profile.addComment("inuse values are the sampled objects' own sizes, not scaled to the heap: they rank allocation sites, they do not add up to the heap used");
        if (!sizeField && objects > 0) {
            profile.addComment("this JVM's events have no objectSize (JDK 17): array sizes estimated from their length, "
                    + unsized + " non-array objects counted in inuse_objects only");
        }
        if (objects > 0) {
            profile.addComment("object age " + Units.nanos(youngest) + " to " + Units.nanos(oldest));
        }
        if (own > 0) {
            profile.addComment(own + " sampled objects allocated by forge-perf itself (its threads or code) left out");
        }
        List<Site> sites = new ArrayList<>();
        for (Map.Entry<String, long[]> s : siteValues.entrySet()) {
            Map<String, Long> types = sortedByCount(siteTypes.get(s.getKey()));
            sites.add(new Site(s.getKey(), s.getValue()[0], s.getValue()[1], s.getValue()[3], types, s.getValue()[2], sortedByCount(siteRoots.get(s.getKey()))));
        }
        sites.sort(Comparator.comparingLong(Site::bytes).thenComparingLong(Site::objects).reversed());
        if (roots) {
            for (Site s : sites.subList(0, Math.min(5, sites.size()))) {
                if (!s.roots().isEmpty()) {
                    profile.addComment("GC root of " + s.function() + ": " + rootsText(s.roots()));
                }
            }
        } else if (objects > 0) {
            profile.addComment("no paths to GC roots in this recording (forge-perf profile live --roots computes them)");
        }
        return new Summary(profile, objects, unsized, sites, sizeField);
    }

    /** Go's heap profile's sample types: the allocation types, then the live ones. */
    public static final List<SampleType> HEAP_TYPES = List.of(new SampleType("alloc_objects", "count"), new SampleType("alloc_space", "bytes"),
            new SampleType("inuse_objects", "count"), new SampleType("inuse_space", "bytes"));

    /**
     * Go's heap profile from an allocation profile ({@code alloc_objects}, {@code alloc_space}) and a
     * live one ({@link #read}): the four {@link #HEAP_TYPES}, {@code inuse_space} shown by default,
     * both profiles' comments. Both are changed; the result is {@code alloc}.
     */
    public static Profile heap(Profile alloc, Profile live) {
        alloc.remap(HEAP_TYPES, 3, (raw, out) -> {
            out[0] = raw[0];
            out[1] = raw[1];
        });
        live.remap(HEAP_TYPES, 3, (raw, out) -> {
            out[2] = raw[0];
            out[3] = raw[1];
        });
        alloc.addAll(live);
        for (String c : live.comments()) {
            alloc.addComment(c);
        }
        return alloc;
    }

    /** Whether a class is the agent's own ({@link AgentClasses}): its objects are left out. */
    static boolean agentClass(String cls) {
        return AgentClasses.contains(cls);
    }

    /** {@code Threads/Stack Variable} or {@code Class Loader Data/Global} …: the root's subsystem and kind, null when not computed. */
    private static String rootKind(RecordedObject root) {
        String system = root.getString("system");
        String type = root.getString("type");
        if (system == null && type == null) {
            return null;
        }
        return (system == null ? "?" : system) + (type == null ? "" : "/" + type);
    }

    private static Map<String, Long> sortedByCount(Map<String, Long> counts) {
        Map<String, Long> sorted = new LinkedHashMap<>();
        if (counts != null) {
            counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(x -> sorted.put(x.getKey(), x.getValue()));
        }
        return sorted;
    }

    static String rootsText(Map<String, Long> roots) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Long> r : roots.entrySet()) {
            b.append(b.length() == 0 ? "" : ", ").append(r.getKey()).append(" (").append(r.getValue()).append(')');
        }
        return b.toString();
    }

    private static long epochNanos(Instant t) {
        return t == null ? 0 : t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /**
     * An array's size from its JVM type name ({@code [B}) and length, assuming a 16-byte header,
     * compressed references and 8-byte alignment (a 64-bit HotSpot with a heap under 32 GB); -1 for
     * a non-array or an unknown length.
     */
    static long estimatedArraySize(String jvmName, int length) {
        if (jvmName == null || !jvmName.startsWith("[") || length < 0) {
            return -1;
        }
        int element = switch (jvmName.charAt(1)) {
            case 'Z', 'B' -> 1;
            case 'C', 'S' -> 2;
            case 'I', 'F' -> 4;
            case 'J', 'D' -> 8;
            default -> 4;
        };
        long bytes = 16 + (long) element * length;
        return (bytes + 7) & ~7L;
    }

    /** {@code byte[]}, {@code java.lang.String[][]} for JFR's {@code [B}, {@code [[Ljava/lang/String;}; other names as they are. */
    static String javaName(String name) {
        int dims = 0;
        while (dims < name.length() && name.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0) {
            return name.replace('/', '.');
        }
        String element = name.substring(dims);
        String base = switch (element) {
            case "Z" -> "boolean";
            case "B" -> "byte";
            case "C" -> "char";
            case "S" -> "short";
            case "I" -> "int";
            case "F" -> "float";
            case "J" -> "long";
            case "D" -> "double";
            default -> element.startsWith("L") && element.endsWith(";") ? element.substring(1, element.length() - 1).replace('/', '.') : element;
        };
        return base + "[]".repeat(dims);
    }
}
