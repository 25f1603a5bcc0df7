package dev.forgeperf.profile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one in-memory profile model every reader fills and every exporter reads: weighted stacks.
 *
 * <p>Strings, functions ({@code name}, {@code file}) and frames ({@code function}, {@code line},
 * {@link FrameKind}) are interned into int ids. Stacks are interned as a call tree: a node is
 * (parent node, frame), node {@link #ROOT} has no frame, and a stack is the path from the root to a
 * node. Each node carries its own (self) values, one per {@linkplain #sampleTypes() sample type};
 * identical stacks therefore aggregate into one node, so a recording of millions of samples costs
 * memory in proportion to its distinct stacks, not its events. Values are stored only for nodes that
 * were given some (a slot of {@code width} longs each, found through one int per node): most nodes
 * are inner frames that no sample ends at, and a profile's raw columns are several (a cpu read has 5).
 *
 * <p>Not thread-safe: one thread builds a profile; after that any number may read it.
 */
public final class Profile {
    /** The root node of the call tree: the empty stack. */
    public static final int ROOT = 0;

    private List<SampleType> sampleTypes;
    private int primary;
    private SampleType periodType;
    private long period;
    private long startEpochNanos;
    private long durationNanos;
    private final List<String> comments = new ArrayList<>();

    private final ArrayList<String> strings = new ArrayList<>();
    private final Map<String, Integer> stringIds = new HashMap<>();

    private int[] fnName = new int[256];
    private int[] fnFile = new int[256];
    private int fnCount;
    private final LongIntMap fnIndex = new LongIntMap(256);

    private int[] frFunction = new int[256];
    private int[] frLine = new int[256];
    private byte[] frKind = new byte[256];
    private int frCount;
    private final LongIntMap frIndex = new LongIntMap(256);

    private int[] ndParent = new int[1024];
    private int[] ndFrame = new int[1024];
    private int ndCount = 1;
    private final LongIntMap ndIndex = new LongIntMap(1024);
    /** Per node: 1 + its slot in {@link #values}, 0 when it has none (no value was ever added). */
    private int[] ndSlot = new int[1024];
    /** Per slot: its node. */
    private int[] slotNode = new int[256];
    private int slotCount;
    /** {@code width} values per slot. */
    private long[] values;
    private int width;

    /**
     * An empty profile with these sample types; {@code primary} is the index of the one tables and
     * flame graphs show.
     */
    public Profile(List<SampleType> sampleTypes, int primary) {
        setTypes(sampleTypes, primary);
        values = new long[slotNode.length * width];
        ndParent[ROOT] = -1;
        ndFrame[ROOT] = -1;
        string("");
    }

    /** An empty profile of a kind, with its sample types and period type. */
    public static Profile of(Kind kind) {
        Profile p = new Profile(kind.sampleTypes(), kind.primary());
        p.periodType = kind.periodType();
        return p;
    }

    private void setTypes(List<SampleType> types, int primaryIndex) {
        if (types.isEmpty() || primaryIndex < 0 || primaryIndex >= types.size()) {
            throw new IllegalArgumentException("bad sample types " + types + " / primary " + primaryIndex);
        }
        this.sampleTypes = List.copyOf(types);
        this.primary = primaryIndex;
        this.width = types.size();
    }

    // ---- metadata

    public List<SampleType> sampleTypes() {
        return sampleTypes;
    }

    /** Index of the sample type that tables, flame graphs and collapsed stacks show. */
    public int primary() {
        return primary;
    }

    public void setPrimary(int index) {
        setTypes(sampleTypes, index);
    }

    /** The index of the sample type named {@code type} (as in {@code cpu} or {@code alloc_space}), or -1. */
    public int typeIndex(String type) {
        for (int i = 0; i < sampleTypes.size(); i++) {
            if (sampleTypes.get(i).type().equals(type)) {
                return i;
            }
        }
        return -1;
    }

    /** pprof's {@code period_type}, or null. */
    public SampleType periodType() {
        return periodType;
    }

    public long period() {
        return period;
    }

    public void setPeriod(SampleType type, long value) {
        this.periodType = type;
        this.period = value;
    }

    /** Start of the profiled interval, nanoseconds since the epoch (0 if unknown). */
    public long startEpochNanos() {
        return startEpochNanos;
    }

    public long durationNanos() {
        return durationNanos;
    }

    public void setTime(long startEpochNanos, long durationNanos) {
        this.startEpochNanos = startEpochNanos;
        this.durationNanos = durationNanos;
    }

    /** Free-form notes on how the profile was made (pprof's {@code comment}). */
    public List<String> comments() {
        return comments;
    }

    public void addComment(String comment) {
        comments.add(comment);
    }

    // ---- strings

    /** The id of {@code s}, interning it; id 0 is the empty string. */
    public int string(String s) {
        Integer id = stringIds.get(s);
        if (id != null) {
            return id;
        }
        int n = strings.size();
        strings.add(s);
        stringIds.put(s, n);
        return n;
    }

    public String string(int id) {
        return strings.get(id);
    }

    public int stringCount() {
        return strings.size();
    }

    // ---- functions

    /** The id of the function {@code name} in source file {@code file} (either may be empty). */
    public int function(String name, String file) {
        return function(string(name), string(file));
    }

    /** The id of the function with these string ids. */
    public int function(int nameId, int fileId) {
        long key = ((long) nameId << 32) | (fileId & 0xFFFFFFFFL);
        int id = fnIndex.get(key);
        if (id >= 0) {
            return id;
        }
        if (fnCount == fnName.length) {
            fnName = Arrays.copyOf(fnName, fnCount * 2);
            fnFile = Arrays.copyOf(fnFile, fnCount * 2);
        }
        id = fnCount++;
        fnName[id] = nameId;
        fnFile[id] = fileId;
        fnIndex.put(key, id);
        return id;
    }

    public int functionCount() {
        return fnCount;
    }

    /** String id of a function's name. */
    public int functionName(int function) {
        return fnName[function];
    }

    /** String id of a function's file. */
    public int functionFile(int function) {
        return fnFile[function];
    }

    // ---- frames

    /** The id of the frame (function, line, kind); line 0 when unknown. */
    public int frame(int function, int line, FrameKind kind) {
        int l = Math.min(Math.max(0, line), (1 << 28) - 1);
        long key = ((long) function << 32) | ((long) l << 3) | kind.ordinal();
        int id = frIndex.get(key);
        if (id >= 0) {
            return id;
        }
        if (frCount == frFunction.length) {
            frFunction = Arrays.copyOf(frFunction, frCount * 2);
            frLine = Arrays.copyOf(frLine, frCount * 2);
            frKind = Arrays.copyOf(frKind, frCount * 2);
        }
        id = frCount++;
        frFunction[id] = function;
        frLine[id] = l;
        frKind[id] = (byte) kind.ordinal();
        frIndex.put(key, id);
        return id;
    }

    /**
     * The id of the frame ({@code name} in {@code file}, line, kind) when this profile has it, else
     * -1; unlike {@link #frame} it interns nothing.
     */
    public int findFrame(String name, String file, int line, FrameKind kind) {
        Integer nameId = stringIds.get(name);
        Integer fileId = stringIds.get(file);
        if (nameId == null || fileId == null) {
            return -1;
        }
        int fn = fnIndex.get(((long) nameId << 32) | (fileId & 0xFFFFFFFFL));
        if (fn < 0) {
            return -1;
        }
        int l = Math.min(Math.max(0, line), (1 << 28) - 1);
        return frIndex.get(((long) fn << 32) | ((long) l << 3) | kind.ordinal());
    }

    public int frameCount() {
        return frCount;
    }

    public int frameFunction(int frame) {
        return frFunction[frame];
    }

    public int frameLine(int frame) {
        return frLine[frame];
    }

    public FrameKind frameKind(int frame) {
        return FrameKind.values()[frKind[frame]];
    }

    /** The frame's function name, e.g. {@code pkg.Class.method}. */
    public String frameName(int frame) {
        return strings.get(fnName[frFunction[frame]]);
    }

    /** The string id of the frame's function name. */
    public int frameNameId(int frame) {
        return fnName[frFunction[frame]];
    }

    // ---- call tree

    /** The node for stack (stack of {@code parent}) + {@code frame}, interning it. */
    public int child(int parent, int frame) {
        long key = ((long) parent << 32) | (frame & 0xFFFFFFFFL);
        int id = ndIndex.get(key);
        if (id >= 0) {
            return id;
        }
        if (ndCount == ndParent.length) {
            int n = ndCount + (ndCount >> 1);
            ndParent = Arrays.copyOf(ndParent, n);
            ndFrame = Arrays.copyOf(ndFrame, n);
            ndSlot = Arrays.copyOf(ndSlot, n);
        }
        id = ndCount++;
        ndParent[id] = parent;
        ndFrame[id] = frame;
        ndIndex.put(key, id);
        return id;
    }

    /** The node for stack (stack of {@code parent}) + {@code frame} when this profile has it, else -1; interns nothing. */
    public int findChild(int parent, int frame) {
        return ndIndex.get(((long) parent << 32) | (frame & 0xFFFFFFFFL));
    }

    /** The node of a stack given root first. */
    public int node(int[] framesRootFirst, int count) {
        int n = ROOT;
        for (int i = 0; i < count; i++) {
            n = child(n, framesRootFirst[i]);
        }
        return n;
    }

    /** Number of nodes including {@link #ROOT}. Nodes are numbered 0..nodeCount-1; a parent's number is below its children's. */
    public int nodeCount() {
        return ndCount;
    }

    /** A node's parent, -1 for the root. */
    public int parent(int node) {
        return ndParent[node];
    }

    /** A node's frame, -1 for the root. */
    public int nodeFrame(int node) {
        return ndFrame[node];
    }

    /** Number of frames from the root to {@code node}. */
    public int depth(int node) {
        int d = 0;
        for (int n = node; n > ROOT; n = ndParent[n]) {
            d++;
        }
        return d;
    }

    /** The frames of the stack ending at {@code node}, root first. */
    public int[] stack(int node) {
        int[] frames = new int[depth(node)];
        int i = frames.length;
        for (int n = node; n > ROOT; n = ndParent[n]) {
            frames[--i] = ndFrame[n];
        }
        return frames;
    }

    // ---- values

    /** The offset of {@code node}'s values in {@link #values}, giving it a slot if it has none. */
    private int base(int node) {
        int s = ndSlot[node];
        if (s == 0) {
            if (slotCount == slotNode.length) {
                int n = slotCount + (slotCount >> 1);
                slotNode = Arrays.copyOf(slotNode, n);
                values = Arrays.copyOf(values, n * width);
            }
            slotNode[slotCount] = node;
            s = ++slotCount;
            ndSlot[node] = s;
        }
        return (s - 1) * width;
    }

    /** Adds {@code value} of sample type {@code type} to the samples of stack {@code node}. */
    public void add(int node, int type, long value) {
        int base = base(node); // first: it may grow values, and `values[base(node) + type] +=` would read the old array
        values[base + type] += value;
    }

    /** The self value of {@code node} for sample type {@code type}: what samples with exactly this stack weigh. */
    public long value(int node, int type) {
        int s = ndSlot[node];
        return s == 0 ? 0 : values[(s - 1) * width + type];
    }

    /** Whether samples with exactly the stack of {@code node} exist (any non-zero self value). */
    public boolean hasSamples(int node) {
        int s = ndSlot[node];
        return s != 0 && slotHasSamples(s - 1);
    }

    private boolean slotHasSamples(int slot) {
        int base = slot * width;
        for (int t = 0; t < width; t++) {
            if (values[base + t] != 0) {
                return true;
            }
        }
        return false;
    }

    /** The sum of all values of one sample type. */
    public long total(int type) {
        long sum = 0;
        for (int s = 0; s < slotCount; s++) {
            sum += values[s * width + type];
        }
        return sum;
    }

    /** Number of distinct stacks with samples. */
    public int stackCount() {
        int c = 0;
        for (int s = 0; s < slotCount; s++) {
            if (slotHasSamples(s)) {
                c++;
            }
        }
        return c;
    }

    /**
     * Adds the samples of {@code other} (same sample types) to this profile, matching functions by
     * name and file, frames by function, line and kind, and stacks by their frames.
     */
    public void addAll(Profile other) {
        if (other.width != width) {
            throw new IllegalArgumentException("profiles of " + other.width + " and " + width + " sample types");
        }
        int[] fn = new int[other.fnCount];
        for (int f = 0; f < other.fnCount; f++) {
            fn[f] = function(other.strings.get(other.fnName[f]), other.strings.get(other.fnFile[f]));
        }
        int[] fr = new int[other.frCount];
        for (int f = 0; f < other.frCount; f++) {
            fr[f] = frame(fn[other.frFunction[f]], other.frLine[f], FrameKind.values()[other.frKind[f]]);
        }
        int[] nd = new int[other.ndCount];
        nd[ROOT] = ROOT;
        for (int n = ROOT + 1; n < other.ndCount; n++) {
            nd[n] = child(nd[other.ndParent[n]], fr[other.ndFrame[n]]); // a parent's number is below its children's
        }
        for (int s = 0; s < other.slotCount; s++) {
            int base = base(nd[other.slotNode[s]]);
            for (int t = 0; t < width; t++) {
                values[base + t] += other.values[s * width + t];
            }
        }
    }

    /**
     * Turns raw columns into the final sample types: {@code mapper} gets each node's raw values and
     * fills the new ones. Nodes without values are not asked: all-zero raw values must map to zeros.
     */
    public void remap(List<SampleType> newTypes, int newPrimary, ColumnMapper mapper) {
        int oldWidth = width;
        long[] old = values;
        setTypes(newTypes, newPrimary);
        values = new long[slotNode.length * width];
        long[] raw = new long[oldWidth];
        long[] out = new long[width];
        for (int s = 0; s < slotCount; s++) {
            System.arraycopy(old, s * oldWidth, raw, 0, oldWidth);
            Arrays.fill(out, 0);
            mapper.map(raw, out);
            System.arraycopy(out, 0, values, s * width, width);
        }
    }

    /** Maps one node's raw values to its final values (zeros to zeros). */
    @FunctionalInterface
    public interface ColumnMapper {
        void map(long[] raw, long[] out);
    }
}
