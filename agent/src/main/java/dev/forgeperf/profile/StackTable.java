package dev.forgeperf.profile;

/**
 * A cumulative profile (of one {@link Kind}, or of other sample types) with a bounded size: the sum of every profile
 * {@linkplain #add added} to it, per stack. Values only grow, per stack, so two reads of it are
 * monotonic per stack (what a pprof scraper such as Grafana Alloy's {@code pyroscope.scrape}
 * needs to turn cumulative profiles into deltas).
 *
 * <p>Bound: at most {@link #MAX_NODES} call-tree nodes and about {@link #MAX_BYTES} bytes
 * (an estimate of its arrays, index entries and strings, growth slack included). A stack that
 * would need more is added to the single stack {@value #OTHER}, and counted
 * ({@link #foldedStacks()}); stacks already in the table keep growing.
 *
 * <p>Not thread-safe: the caller serializes {@link #add}, {@link #values()} and {@link #since}.
 */
public final class StackTable {
    /** The most call-tree nodes (stack prefixes) one table holds. */
    public static final int MAX_NODES = 20_000;
    /** The most bytes (estimated) one table holds. */
    public static final long MAX_BYTES = 4L << 20;
    /** The stack that stacks beyond the bound are folded into. */
    public static final String OTHER = "[other stacks]";

    private final java.util.List<SampleType> types;
    private final int primary;
    private final SampleType periodType;
    private final Profile total;
    private final int otherNode;
    private final int width;
    private long stringBytes;
    private int stringsCounted;
    private long foldedStacks;
    private long addedProfiles;

    public StackTable(Kind kind) {
        this(kind.sampleTypes(), kind.primary(), kind.periodType());
    }

    /** A table of profiles with these sample types ({@code primary}: the one shown by default). */
    public StackTable(java.util.List<SampleType> types, int primary, SampleType periodType) {
        this.types = java.util.List.copyOf(types);
        this.primary = primary;
        this.periodType = periodType;
        this.total = empty();
        this.width = types.size();
        this.otherNode = total.child(Profile.ROOT, total.frame(total.function(OTHER, ""), 0, FrameKind.OTHER));
        countStrings();
    }

    private Profile empty() {
        Profile p = new Profile(types, primary);
        p.setPeriod(periodType, 1);
        return p;
    }

    /**
     * Adds every sample of {@code part} (a profile of this table's kind), folding the stacks
     * beyond the bound into {@value #OTHER}.
     */
    public void add(Profile part) {
        if (part.sampleTypes().size() != width) {
            throw new IllegalArgumentException("a profile of " + part.sampleTypes() + " added to a table of " + types);
        }
        int[] map = new int[part.nodeCount()];
        map[Profile.ROOT] = Profile.ROOT;
        for (int n = Profile.ROOT + 1; n < map.length; n++) {
            int parent = map[part.parent(n)]; // a parent's number is below its children's
            int node = -1;
            if (parent >= 0) {
                int f = part.nodeFrame(n);
                String name = part.string(part.functionName(part.frameFunction(f)));
                String file = part.string(part.functionFile(part.frameFunction(f)));
                int line = part.frameLine(f);
                FrameKind fk = part.frameKind(f);
                int frame = total.findFrame(name, file, line, fk);
                node = frame < 0 ? -1 : total.findChild(parent, frame);
                if (node < 0 && hasRoom()) {
                    node = total.child(parent, frame >= 0 ? frame : total.frame(total.function(name, file), line, fk));
                    countStrings();
                }
            }
            map[n] = node;
            if (part.hasSamples(n)) {
                int target = node >= 0 ? node : otherNode;
                if (node < 0) {
                    foldedStacks++;
                }
                for (int t = 0; t < width; t++) {
                    total.add(target, t, part.value(n, t));
                }
            }
        }
        addedProfiles++;
    }

    private boolean hasRoom() {
        return total.nodeCount() < MAX_NODES && bytes() < MAX_BYTES;
    }

    private void countStrings() {
        for (; stringsCounted < total.stringCount(); stringsCounted++) {
            stringBytes += 100 + total.string(stringsCounted).length(); // String, its array, map entry and list slot
        }
    }

    /**
     * The table's size in bytes, estimated: per node its parent, frame, values and index entry,
     * per frame and function their fields and index entry, 1.5 times for the arrays' growth
     * slack, plus about 100 bytes and the characters per string.
     */
    public long bytes() {
        long arrays = total.nodeCount() * (8L + 8L * width + 24) + total.frameCount() * 33L + total.functionCount() * 32L;
        return arrays * 3 / 2 + stringBytes;
    }

    /** Call-tree nodes in use (at most {@link #MAX_NODES}). */
    public int nodes() {
        return total.nodeCount();
    }

    /** Stacks (one per added profile's stack) that did not fit and were added to {@value #OTHER}. */
    public long foldedStacks() {
        return foldedStacks;
    }

    /** Profiles added so far. */
    public long addedProfiles() {
        return addedProfiles;
    }

    /** The values now, per node and sample type ({@code node * width + type}), for a later {@link #since}. */
    public long[] values() {
        long[] v = new long[total.nodeCount() * width];
        for (int n = 0; n < total.nodeCount(); n++) {
            for (int t = 0; t < width; t++) {
                v[n * width + t] = total.value(n, t);
            }
        }
        return v;
    }

    /** A copy of the table now: the cumulative profile. */
    public Profile profile() {
        return since(null);
    }

    /**
     * A copy of the table now minus {@code before} (from {@link #values()} of this table; null:
     * nothing subtracted): what was added since.
     */
    public Profile since(long[] before) {
        Profile copy = empty();
        copy.addAll(total);
        if (copy.nodeCount() != total.nodeCount()) {
            throw new IllegalStateException("copy of " + total.nodeCount() + " nodes has " + copy.nodeCount()); // addAll keeps the numbering
        }
        if (before != null) {
            for (int i = 0; i < before.length; i++) {
                copy.add(i / width, i % width, -before[i]);
            }
        }
        return copy;
    }
}
