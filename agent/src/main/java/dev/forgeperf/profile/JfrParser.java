package dev.forgeperf.profile;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A streaming reader of the JFR file format, just enough for profiles: chunk by chunk it reads the
 * metadata (type descriptors), the constant pools it needs (stack traces, methods, classes,
 * symbols, frame types, threads, strings) and then hands out the events of the types asked for,
 * skipping every other event by its size without decoding it. Layouts come from each chunk's own
 * metadata, so recordings of any JDK (11+) read the same way.
 *
 * <p>Memory: one chunk at a time, copied onto the heap when small (up to 64 MB and a quarter of the
 * heap per reader; array reads are fast before the JIT compiles the parser) and memory-mapped
 * (off-heap) otherwise, or always with {@code mappedOnly} (inside a host JVM). Stack traces and
 * threads are kept as offsets into the chunk and decoded only when an event refers to them.
 *
 * <p>Format (JDK's {@code jdk.jfr.internal.consumer}): a chunk is a 68-byte header (magic, version,
 * size, constant pool offset, metadata offset, start nanos, duration, start ticks, ticks per second,
 * features), then events. Each event is {@code size, type id, fields…}, integers LEB128-compressed
 * when feature bit 0 is set. The metadata event (type 0) holds a string table and an element tree of
 * classes and fields; constant pool events (type 1) form a chain backwards from the header's
 * offset, each {@code …, delta, flags, pool count, (type, count, (id, value)*)*}.
 *
 * <p>This class is the chunk source (claiming, reading or mapping each chunk, its time base) and the
 * face the {@link JfrReader} uses; the work is split along the format's seams: {@link JfrCursor}
 * reads and skips values and steps through events, {@link JfrMetadata} reads the type descriptors
 * ({@link Type}, {@link Field}, kept here as the reader's vocabulary), {@link JfrConstantPools} reads
 * the pools and answers lookups by id.
 *
 * <p>Any inconsistency throws {@link Corrupt} naming the byte offset. Not thread-safe.
 */
final class JfrParser implements Closeable {
    /** Malformed input, with the absolute byte offset in the message. */
    static final class Corrupt extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Corrupt(String message) {
            super(message, null, false, false);
        }
    }

    /** A type descriptor from a chunk's metadata. */
    static final class Type {
        final long id;
        final String name;
        final List<Field> fields = new ArrayList<>();
        Field[] fieldArray;
        int kind;
        /** For a struct whose fields are all single varints (ints, longs, constant pool ids): how many; else -1. */
        int flatVarints = -1;

        Type(long id, String name) {
            this.id = id;
            this.name = name;
        }

        int field(String fieldName) {
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).name.equals(fieldName)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** A field of a type. */
    static final class Field {
        final String name;
        final long typeId;
        final boolean constantPool;
        final boolean array;
        Type type;
        /** How to skip one value: {@link JfrMetadata#SKIP_VARINT}, … (set once the metadata is read). */
        int skip;

        Field(String name, long typeId, boolean constantPool, boolean array) {
            this.name = name;
            this.typeId = typeId;
            this.constantPool = constantPool;
            this.array = array;
        }
    }


    private final Path path;
    private final FileChannel channel;
    private final long length;

    /** Chunks up to this size (and a quarter of the maximum heap) are read into the heap, larger ones are mapped. */
    private static final long HEAP_CHUNK_LIMIT = 64L << 20;

    // the current chunk: its bytes (array is the reused heap copy), time base and decoders
    private byte[] array;
    private long startNanos;
    private long startTicks;
    private double nanosPerTick;
    private final Map<Long, String> strings = new HashMap<>();
    private final JfrCursor cursor = new JfrCursor(strings);
    private final JfrMetadata metadata = new JfrMetadata();
    private final JfrConstantPools pools = new JfrConstantPools(cursor, strings, metadata);

    JfrParser(Path path, long length) throws IOException {
        this(path, length, null, null, 1);
    }

    /** A parser of every chunk in order; with {@code mappedOnly} no chunk is copied onto the heap (reading inside a host JVM). */
    JfrParser(Path path, long length, boolean mappedOnly) throws IOException {
        this(path, length, null, null, 1);
        this.mappedOnly = mappedOnly;
    }

    private boolean mappedOnly;

    /**
     * A parser of the chunks of {@code path} that start at {@code offsets}, taking the next one to
     * read from {@code claim} (shared by the parsers that read one file in parallel; chunks are
     * self-contained). {@code readers} is how many parsers share it.
     */
    JfrParser(Path path, long length, long[] offsets, java.util.concurrent.atomic.AtomicInteger claim, int readers) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.length = length;
        this.offsets = offsets;
        this.claim = claim;
        this.readers = readers;
    }

    /** A parser of the one chunk at {@code offset} (e.g. the previous chunk, for constants an event in the next one refers to). */
    static JfrParser single(Path path, long length, long offset, boolean mappedOnly) throws IOException {
        JfrParser p = new JfrParser(path, length, new long[] {offset}, new java.util.concurrent.atomic.AtomicInteger(), 1);
        p.mappedOnly = mappedOnly;
        return p;
    }

    private final long[] offsets;
    private final java.util.concurrent.atomic.AtomicInteger claim;
    private final int readers;
    private int chunkIndex = -1;

    /** The number (0-based, file order) of the chunk being read. */
    int chunkIndex() {
        return chunkIndex;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    Path path() {
        return path;
    }

    // ---- chunks

    /** Moves to the next chunk and reads its metadata and constant pools; false at the end of the file. */
    boolean nextChunk() throws IOException {
        long next;
        if (offsets == null) {
            next = cursor.chunkStart < 0 ? 0 : cursor.chunkStart + cursor.chunkSize;
            chunkIndex++;
        } else {
            int i = claim.getAndIncrement();
            next = i >= 0 && i < offsets.length ? offsets[i] : length;
            chunkIndex = i;
        }
        if (next >= length) {
            return false;
        }
        ByteBuffer header = ByteBuffer.allocate(JfrFile.HEADER_SIZE);
        while (header.hasRemaining()) {
            if (channel.read(header, next + header.position()) < 0) {
                throw new Corrupt("incomplete chunk header at byte " + next);
            }
        }
        long size = header.getLong(8);
        if (size > Integer.MAX_VALUE) {
            throw new Corrupt("chunk at byte " + next + " is larger than 2 GB");
        }
        if (size < JfrFile.HEADER_SIZE) {
            throw new Corrupt("chunk at byte " + next + " declares " + size + " bytes");
        }
        ByteBuffer buf;
        byte[] heap;
        if (!mappedOnly && size <= Math.min(HEAP_CHUNK_LIMIT, Runtime.getRuntime().maxMemory() / (4L * readers))) {
            // a heap copy: array reads are cheap even before the JIT has compiled the parser
            if (array == null || array.length < size) {
                array = null;
                array = new byte[(int) size];
            }
            buf = ByteBuffer.wrap(array, 0, (int) size).slice();
            ByteBuffer target = ByteBuffer.wrap(array, 0, (int) size);
            while (target.hasRemaining()) {
                if (channel.read(target, next + target.position()) < 0) {
                    throw new Corrupt("chunk at byte " + next + " ends early");
                }
            }
            heap = array;
        } else {
            buf = channel.map(FileChannel.MapMode.READ_ONLY, next, size);
            heap = null;
        }
        boolean compressed = (header.getInt(64) & 1) != 0;
        cursor.load(buf, heap, next, size, compressed);
        long cpOffset = header.getLong(16);
        long metaOffset = header.getLong(24);
        startNanos = header.getLong(32);
        startTicks = header.getLong(48);
        long ticksPerSecond = header.getLong(56);
        nanosPerTick = ticksPerSecond <= 0 ? 1.0 : 1e9 / ticksPerSecond;
        if (!compressed) {
            throw new Corrupt("chunk at byte " + next + " uses uncompressed integers, which only pre-release JDKs wrote");
        }
        if (metaOffset < JfrFile.HEADER_SIZE || metaOffset >= size || cpOffset < 0 || cpOffset >= size) {
            throw new Corrupt("chunk at byte " + next + " points to metadata at " + metaOffset + " and constants at " + cpOffset
                    + " outside its " + size + " bytes");
        }
        metadata.read(cursor, (int) metaOffset);
        pools.read((int) cpOffset);
        cursor.startEvents();
        return true;
    }

    long chunkStartNanos() {
        return startNanos;
    }

    /** Nanoseconds since the epoch of a tick value of this chunk. */
    long ticksToEpochNanos(long ticks) {
        return startNanos + (long) ((ticks - startTicks) * nanosPerTick);
    }

    long ticksToNanos(long ticks) {
        return (long) (ticks * nanosPerTick);
    }

    /** The type of an event or constant in this chunk, or null. */
    Type type(String name) {
        return metadata.type(name);
    }

    // ---- events (the cursor's)

    /**
     * Advances to the next event of this chunk; returns its type id, or -1 at the chunk's end. Its
     * fields can then be read with {@link #readFields}; the next call skips whatever was not read.
     */
    long nextEvent() {
        return cursor.nextEvent();
    }

    /** Skips the event just returned by {@link #nextEvent()}. */
    void skipEvent() {
        cursor.skipEvent();
    }

    /**
     * Reads the fields of the current event of type {@code t}: for field {@code i}, {@code roles[i]}
     * says where to put it: -1 skip, otherwise an index into {@code longs} (numbers and constant pool
     * ids) or, for strings, into {@code texts}.
     */
    void readFields(Type t, int[] roles, long[] longs, String[] texts) {
        cursor.readFields(t, roles, longs, texts);
    }

    // ---- constants (the pools')

    /** Visits the frames of stack trace {@code id} leaf first; false when the id is unknown. */
    boolean frames(long id, FrameVisitor visitor) {
        return pools.frames(id, visitor);
    }

    /** Receives the frames of a stack trace. */
    interface FrameVisitor {
        void begin(int frames);

        void frame(long method, int line, long frameType);
    }

    /** {@code pkg.Class.method} of a method id, or null when unknown. */
    String methodName(long id) {
        return pools.methodName(id);
    }

    /** The class name (dots, not slashes) of the class of a method id, or null. */
    String methodClassName(long id) {
        return pools.methodClassName(id);
    }

    /** The description of a frame type id ("Interpreted", "JIT compiled", "Inlined", "Native"), or null. */
    String frameType(long id) {
        return pools.frameType(id);
    }

    /** The Java name (else OS name) of a thread id, or null. */
    String threadName(long id) {
        return pools.threadName(id);
    }

    /** The Java thread id ({@code Thread.threadId()}) of a thread id, or -1 when unknown (a native thread). */
    long threadJavaId(long id) {
        return pools.threadJavaId(id);
    }
}
