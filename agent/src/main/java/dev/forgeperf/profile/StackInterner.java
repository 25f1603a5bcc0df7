package dev.forgeperf.profile;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns the stack traces of a JFR chunk (and a thread dump's stacks) into call-tree nodes of a
 * reader's {@link Profile}: frames interned by method and line, forge-perf's own frames folded into
 * their callers and stacks the include/exclude filters drop left out ({@link FunctionFilter}), one
 * root per thread when asked ({@link #threadedNode}, {@link #threadNode}).
 *
 * <p>Speed: a stack trace id is resolved once per chunk and its node (or its frames, under thread
 * roots) cached in the chunk's tables; so is each method id's function and each frame type's kind.
 * A repeated stack costs one {@link LongIntMap} lookup (per thread: a hash lookup of its frames and an
 * insert walk); a new one a visit of its frames without allocation but its frame array.
 *
 * <p>Invariants: ids are chunk-local, so {@link #startChunk} clears every table keyed by them;
 * {@link #threadRoot} nodes and the profile's functions and frames live for the whole read. A
 * stack trace the chunk does not hold is looked up in the previous chunk, opened on demand with its
 * own caches and closed at the next chunk or at {@link #endFile}. Counts the samples whose stacks had
 * frames folded ({@link #foldedSamples}).
 *
 * <p>Not thread-safe: one per reader of chunks; between {@link #startFile} and {@link #endFile} it
 * reads the file's constants through the reader's parser.
 */
final class StackInterner {
    private static final FrameKind[] FRAME_KINDS = FrameKind.values();
    private static final int FILTERED = Integer.MAX_VALUE;
    /** Marks a cached stack node whose stack had forge-perf frames folded away. */
    private static final int FOLDED = 1 << 30;

    private final Profile profile;
    private final ProfileOptions options;
    /** Whether thread roots are per Java thread, for {@link CpuCalibrator}. */
    private final boolean calibrating;
    private final Map<String, Integer> threadNodesByName = new HashMap<>();
    private int[] scratch = new int[256];
    /** Which functions are forge-perf's own and which the include/exclude filters match, per function of {@link #profile}. */
    private final FunctionFilter filters;
    private final int unknownFrame;
    /** While calibrating: the frame under which samples dropped by the filters still count for their thread's total. */
    private final int filteredFrame;
    private long foldedSamples;

    /** The file being read ({@link #startFile}), its parser and whether it opens chunks memory-mapped. */
    private JfrFile file;
    private JfrParser parser;
    private boolean mappedOnly;
    private final LongIntMap stackNodes = new LongIntMap(1 << 12);
    private LongIntMap methodFunctions = new LongIntMap(1 << 12);
    private final LongIntMap threadNodes = new LongIntMap(64);
    private final Map<Long, int[]> stackFrames = new HashMap<>();
    private final LongIntMap foldedStacks = new LongIntMap(64);
    /** Stack ids left out because their leaf is forge-perf's own (value 1), with {@link #dropOwnLeaf}. */
    private final LongIntMap ownLeafStacks = new LongIntMap(16);
    private final boolean dropOwnLeaf;
    private long ownLeafSamples;
    private LongIntMap frameKinds = new LongIntMap(16);

    /**
     * The previous chunk, opened when an event refers to a stack trace its own chunk does not hold:
     * JFR may write a stack trace into the chunk that was current when it was first recorded, while
     * an event using it lands in the next one (seen at chunk rotations on a busy machine; the JDK's
     * own reader looks such constants up in the previous chunk too). Its ids are its own, so it has
     * its own method and frame-kind caches; closed with the chunk that needed it.
     */
    private JfrParser previous;
    private LongIntMap previousMethodFunctions = new LongIntMap(64);
    private LongIntMap previousFrameKinds = new LongIntMap(16);

    /** Interns into {@code profile}, whose frames {@code [unknown]} and (calibrating) {@code [filtered]} it adds now. */
    StackInterner(Profile profile, ProfileOptions options, boolean calibrating) {
        this(profile, options, calibrating, false);
    }

    /**
     * As above; {@code dropOwnLeaf}: a stack whose leaf frames are forge-perf's own is left out, not
     * folded into its caller (allocations: what our recorder allocates, e.g. a slow call's JFR
     * event, is not the timed method's), and counted ({@link #ownLeafSamples}).
     */
    StackInterner(Profile profile, ProfileOptions options, boolean calibrating, boolean dropOwnLeaf) {
        this.dropOwnLeaf = dropOwnLeaf;
        this.profile = profile;
        this.options = options;
        this.calibrating = calibrating;
        this.filters = new FunctionFilter(profile, options);
        this.unknownFrame = profile.frame(profile.function("[unknown]", ""), 0, FrameKind.OTHER);
        this.filteredFrame = calibrating ? profile.frame(profile.function("[filtered]", CpuCalibrator.TID_PREFIX), 0, FrameKind.OTHER) : -1;
    }

    /** Whether stacks go under one root per Java thread, to be scaled per thread. */
    boolean calibrating() {
        return calibrating;
    }

    /** While calibrating: the frame under which samples dropped by the filters still count for their thread's total; else -1. */
    int filteredFrame() {
        return filteredFrame;
    }

    /** Samples so far whose stacks had forge-perf's own frames folded into their callers. */
    long foldedSamples() {
        return foldedSamples;
    }

    /** Samples so far left out because their leaf was forge-perf's own code (with {@code dropOwnLeaf}). */
    long ownLeafSamples() {
        return ownLeafSamples;
    }

    /** Adds the folded and left-out samples another interner (of other chunks of the same file) counted. */
    void absorb(StackInterner other) {
        foldedSamples += other.foldedSamples;
        ownLeafSamples += other.ownLeafSamples;
    }

    /** Starts reading {@code file} with {@code parser}; {@code mappedOnly}: the previous chunk, when needed, is memory-mapped. */
    void startFile(JfrFile file, JfrParser parser, boolean mappedOnly) {
        this.file = file;
        this.parser = parser;
        this.mappedOnly = mappedOnly;
    }

    /** Forgets the previous chunk's ids: the parser has moved to a new chunk. */
    void startChunk() {
        closePrevious();
        stackNodes.clear();
        methodFunctions.clear();
        threadNodes.clear();
        stackFrames.clear();
        foldedStacks.clear();
        frameKinds.clear();
    }

    /** Ends the file's reading: closes the previous chunk if open, lets go of the parser. */
    void endFile() {
        this.parser = null;
        closePrevious();
    }

    private void closePrevious() {
        if (previous != null) {
            try {
                previous.close();
            } catch (IOException ignored) {
                // read-only channel: nothing to lose
            }
            previous = null;
        }
    }

    /**
     * Visits stack trace {@code stack} from the previous chunk (see {@link #previous}); false when
     * there is none or it does not hold the id either.
     */
    private boolean framesFromPreviousChunk(long stack) throws IOException {
        int index = parser.chunkIndex();
        if (index <= 0 || file == null || file.chunkOffsets() == null || index > file.chunkOffsets().length) {
            return false;
        }
        if (previous == null) {
            previous = JfrParser.single(file.path(), file.length(), file.chunkOffsets()[index - 1], mappedOnly);
            if (!previous.nextChunk()) {
                closePrevious();
                return false;
            }
            previousMethodFunctions.clear();
            previousFrameKinds.clear();
        }
        JfrParser current = parser;
        LongIntMap functions = methodFunctions;
        LongIntMap kinds = frameKinds;
        parser = previous;
        methodFunctions = previousMethodFunctions;
        frameKinds = previousFrameKinds;
        try {
            return previous.frames(stack, visitor);
        } finally {
            parser = current;
            methodFunctions = functions;
            frameKinds = kinds;
        }
    }

    /** The call-tree node of a stack trace id, or -1 when the filters drop it. */
    int node(long stack) {
        int cached = stackNodes.get(stack);
        if (cached >= 0) {
            if (cached == FILTERED) {
                if (ownLeafStacks.get(stack) == 1) {
                    ownLeafSamples++;
                }
                return -1;
            }
            if ((cached & FOLDED) != 0) {
                foldedSamples++;
            }
            return cached & ~FOLDED;
        }
        int[] frames = frames(stack);
        int node = frames == null ? -1 : insert(Profile.ROOT, frames);
        if (node >= 0 && folded) {
            foldedSamples++;
        }
        if (frames == null && leftOutAsOwn) {
            ownLeafStacks.put(stack, 1);
            ownLeafSamples++;
        }
        stackNodes.put(stack, node < 0 ? FILTERED : folded ? node | FOLDED : node);
        return node;
    }

    /** The node of a stack trace id under its thread's root ({@link #threadNode}), or -1 when the filters drop it. */
    int threadedNode(long stack, long thread) {
        int[] frames = stackFrames.get(stack);
        if (frames == null) {
            frames = frames(stack);
            stackFrames.put(stack, frames == null ? new int[0] : frames);
            if (folded && frames != null) {
                foldedStacks.put(stack, 1);
            }
            if (frames == null && leftOutAsOwn) {
                ownLeafStacks.put(stack, 1);
            }
        }
        if (frames == null || frames.length == 0) {
            if (ownLeafStacks.get(stack) == 1) {
                ownLeafSamples++;
            }
            return -1;
        }
        if (foldedStacks.get(stack) == 1) {
            foldedSamples++;
        }
        return insert(threadNode(thread), frames);
    }

    /** The root node of a thread (constant-pool id): {@code [name]}, per Java thread while calibrating. */
    int threadNode(long thread) {
        int cached = threadNodes.get(thread);
        if (cached >= 0) {
            return cached;
        }
        String name = thread == 0 ? null : parser.threadName(thread);
        String label = name == null ? "[unknown thread]" : "[" + name + "]";
        // calibrating: one root per Java thread (its id as the root's file), named roots come after scaling
        long tid = calibrating && thread != 0 ? parser.threadJavaId(thread) : -1;
        String key = tid > 0 ? CpuCalibrator.TID_PREFIX + tid : "";
        int node = threadRoot(label, key);
        threadNodes.put(thread, node);
        return node;
    }

    /** The root node whose frame is the function {@code label} in file {@code key}: one per label and key, for the whole read. */
    int threadRoot(String label, String key) {
        return threadNodesByName.computeIfAbsent(label + key,
                l -> profile.child(Profile.ROOT, profile.frame(profile.function(label, key), 0, FrameKind.THREAD)));
    }

    /** Inserts frames (leaf first) under {@code root}; returns the leaf's node. */
    int insert(int root, int[] leafFirst) {
        int node = root;
        for (int i = leafFirst.length - 1; i >= 0; i--) {
            node = profile.child(node, leafFirst[i]);
        }
        return node;
    }

    // the stack being visited: its frames so far (in scratch), and what the filters said of them
    private int frameCount;
    private boolean folded;
    /** The stack's leaf frames are forge-perf's own (under the JDK's, if any, before any of the user's). */
    private boolean ownLeaf;
    private boolean userFrameSeen;
    /** {@link #frames} returned null because the leaf was ours ({@link #dropOwnLeaf}), not because of a filter. */
    private boolean leftOutAsOwn;
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
            if (filters.own(function)) {
                folded = true; // the sample goes to the caller: the timed method, not our advice or recorder
                ownLeaf |= !userFrameSeen; // ours below any of the user's frames (the JDK's aside: our recorder calling JFR)
                return;
            }
            userFrameSeen |= !filters.jdk(function);
            int filter = filters.flags(function);
            excluded |= (filter & FunctionFilter.EXCLUDED) != 0;
            included |= (filter & FunctionFilter.INCLUDED) != 0;
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
        folded = false;
        ownLeaf = false;
        userFrameSeen = false;
        leftOutAsOwn = false;
        frameCount = 0;
        boolean found = stack != 0 && parser.frames(stack, visitor);
        if (!found && stack != 0) {
            try {
                found = framesFromPreviousChunk(stack);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        if (!found || frameCount == 0) {
            return new int[] {unknownFrame};
        }
        if (dropOwnLeaf && ownLeaf) {
            leftOutAsOwn = true;
            return null;
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

    /** The frame ids of a thread dump's stack (leaf first), filtered like JFR's; null when the filters drop it. */
    int[] dumpFrames(StackTraceElement[] stack) {
        included = options.include() == null;
        excluded = false;
        int[] frames = new int[stack.length];
        int n = 0;
        for (StackTraceElement e : stack) {
            String name = e.getClassName() + "." + e.getMethodName();
            int function = profile.function(name, sourceFile(e.getClassName()));
            if (filters.own(function)) {
                continue;
            }
            int filter = filters.flags(function);
            excluded |= (filter & FunctionFilter.EXCLUDED) != 0;
            included |= (filter & FunctionFilter.INCLUDED) != 0;
            frames[n++] = profile.frame(function, Math.max(0, e.getLineNumber()), e.isNativeMethod() ? FrameKind.NATIVE : FrameKind.JAVA);
        }
        if (n == 0) {
            return new int[] {unknownFrame};
        }
        return included && !excluded ? Arrays.copyOf(frames, n) : null;
    }
}
