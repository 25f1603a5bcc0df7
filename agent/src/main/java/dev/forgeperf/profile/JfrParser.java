package dev.forgeperf.profile;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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

    // primitive kinds of a type
    private static final int STRUCT = 0;
    private static final int BOOLEAN = 1;
    private static final int BYTE = 2;
    private static final int VARINT = 3;
    private static final int FLOAT = 4;
    private static final int DOUBLE = 5;
    private static final int STRING = 6;
    private static final int SHORT = 7;
    private static final int CHAR = 8;
    private static final int INT = 9;
    private static final int LONG = 10;

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
        /** How to skip one value: {@link #SKIP_VARINT}, … (set once the metadata is read). */
        int skip;

        Field(String name, long typeId, boolean constantPool, boolean array) {
            this.name = name;
            this.typeId = typeId;
            this.constantPool = constantPool;
            this.array = array;
        }
    }

    private static final int SKIP_VARINT = 0;
    private static final int SKIP_1 = 1;
    private static final int SKIP_4 = 2;
    private static final int SKIP_8 = 3;
    private static final int SKIP_STRING = 4;
    private static final int SKIP_STRUCT = 5;

    private final Path path;
    private final FileChannel channel;
    private final long length;

    /** Chunks up to this size (and a quarter of the maximum heap) are read into the heap, larger ones are mapped. */
    private static final long HEAP_CHUNK_LIMIT = 64L << 20;

    // the current chunk: in buf, and in heap when it is a heap copy
    private ByteBuffer buf;
    private byte[] array;
    private byte[] heap;
    private long chunkStart = -1;
    private long chunkSize;
    private int pos;
    private boolean compressed;
    private long startNanos;
    private long startTicks;
    private double nanosPerTick;
    private final Map<String, Type> typesByName = new HashMap<>();
    private final Map<Long, Type> typesById = new HashMap<>();

    // constant pools of the current chunk: id -> offset in the chunk (lazy) or index (eager)
    private final LongIntMap stackOffsets = new LongIntMap(1 << 12);
    private final LongIntMap threadOffsets = new LongIntMap(256);
    private final LongIntMap methodIndex = new LongIntMap(1 << 12);
    private long[] methodClass = new long[1 << 12];
    private long[] methodName = new long[1 << 12];
    private int methods;
    private final LongIntMap classIndex = new LongIntMap(1 << 10);
    private long[] className = new long[1 << 10];
    private int classes;
    private final Map<Long, String> symbols = new HashMap<>();
    private final Map<Long, String> strings = new HashMap<>();
    private final Map<Long, String> frameTypes = new HashMap<>();

    private Type stackTraceType;
    private int stackFramesField = -1;
    private Type stackFrameType;
    private int frameMethodField = -1;
    private int frameLineField = -1;
    private int frameTypeField = -1;
    private Type threadType;

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
            next = chunkStart < 0 ? 0 : chunkStart + chunkSize;
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
        chunkStart = next;
        chunkSize = size;
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
        long cpOffset = header.getLong(16);
        long metaOffset = header.getLong(24);
        startNanos = header.getLong(32);
        startTicks = header.getLong(48);
        long ticksPerSecond = header.getLong(56);
        nanosPerTick = ticksPerSecond <= 0 ? 1.0 : 1e9 / ticksPerSecond;
        compressed = (header.getInt(64) & 1) != 0;
        if (!compressed) {
            throw new Corrupt("chunk at byte " + next + " uses uncompressed integers, which only pre-release JDKs wrote");
        }
        if (metaOffset < JfrFile.HEADER_SIZE || metaOffset >= size || cpOffset < 0 || cpOffset >= size) {
            throw new Corrupt("chunk at byte " + next + " points to metadata at " + metaOffset + " and constants at " + cpOffset
                    + " outside its " + size + " bytes");
        }
        readMetadata((int) metaOffset);
        readConstantPools((int) cpOffset);
        pos = JfrFile.HEADER_SIZE;
        eventEnd = 0;
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
        return typesByName.get(name);
    }

    // ---- events

    private int eventEnd;

    /**
     * Advances to the next event of this chunk; returns its type id, or -1 at the chunk's end. Its
     * fields can then be read with {@link #readFields}; the next call skips whatever was not read.
     */
    long nextEvent() {
        if (eventEnd > 0) {
            pos = eventEnd;
        }
        while (pos < chunkSize) {
            int start = pos;
            long size = varint();
            if (size <= 0 || size > chunkSize - start) {
                throw new Corrupt("event at byte " + (chunkStart + start) + " declares " + size + " bytes");
            }
            long type = varint();
            eventEnd = start + (int) size;
            if (type == 0 || type == 1) {
                pos = eventEnd;
                continue;
            }
            return type;
        }
        eventEnd = 0;
        return -1;
    }

    /** Skips the event just returned by {@link #nextEvent()}. */
    void skipEvent() {
        pos = eventEnd;
    }

    /**
     * Reads the fields of the current event of type {@code t}: for field {@code i}, {@code roles[i]}
     * says where to put it: -1 skip, otherwise an index into {@code longs} (numbers and constant pool
     * ids) or, for strings, into {@code texts}.
     */
    void readFields(Type t, int[] roles, long[] longs, String[] texts) {
        Field[] fields = t.fieldArray;
        for (int i = 0; i < fields.length; i++) {
            Field f = fields[i];
            int role = i < roles.length ? roles[i] : -1;
            if (role < 0 || f.array) {
                skipValue(f);
            } else if (f.constantPool) {
                longs[role] = varint();
            } else if (f.type.kind == STRING) {
                texts[role] = string();
            } else if (f.type.kind == STRUCT) {
                skipValue(f);
            } else {
                longs[role] = primitive(f.type.kind);
            }
        }
        if (pos > eventEnd) {
            throw new Corrupt("event at byte " + (chunkStart + pos) + " is longer than it declares");
        }
    }

    // ---- constants

    /** Visits the frames of stack trace {@code id} leaf first; false when the id is unknown. */
    boolean frames(long id, FrameVisitor visitor) {
        int offset = stackOffsets.get(id);
        if (offset < 0) {
            return false;
        }
        int saved = pos;
        pos = offset;
        try {
            Field[] fields = stackTraceType.fieldArray;
            for (int i = 0; i < fields.length; i++) {
                Field f = fields[i];
                if (i != stackFramesField) {
                    skipValue(f);
                    continue;
                }
                long n = varint();
                if (n < 0 || n > chunkSize - pos) {
                    throw new Corrupt("stack trace " + id + " declares " + n + " frames at byte " + (chunkStart + pos));
                }
                visitor.begin((int) n);
                Field[] frameFields = stackFrameType.fieldArray;
                for (long k = 0; k < n; k++) {
                    long method = 0;
                    long line = 0;
                    long type = 0;
                    for (int j = 0; j < frameFields.length; j++) {
                        Field ff = frameFields[j];
                        if (j == frameMethodField) {
                            method = ff.constantPool ? varint() : skipAndZero(ff);
                        } else if (j == frameLineField) {
                            line = ff.constantPool ? varint() : primitive(ff.type.kind);
                        } else if (j == frameTypeField) {
                            type = ff.constantPool ? varint() : skipAndZero(ff);
                        } else {
                            skipValue(ff);
                        }
                    }
                    visitor.frame(method, (int) line, type);
                }
            }
            return true;
        } finally {
            pos = saved;
        }
    }

    private long skipAndZero(Field f) {
        skipValue(f);
        return 0;
    }

    /** Receives the frames of a stack trace. */
    interface FrameVisitor {
        void begin(int frames);

        void frame(long method, int line, long frameType);
    }

    /** {@code pkg.Class.method} of a method id, or null when unknown. */
    String methodName(long id) {
        int i = methodIndex.get(id);
        if (i < 0) {
            return null;
        }
        return className(methodClass[i]) + "." + symbol(methodName[i]);
    }

    /** The class name (dots, not slashes) of the class of a method id, or null. */
    String methodClassName(long id) {
        int i = methodIndex.get(id);
        return i < 0 ? null : className(methodClass[i]);
    }

    private String className(long classId) {
        int c = classIndex.get(classId);
        if (c < 0) {
            return "[unknown class]";
        }
        String s = symbol(className[c]);
        return s.replace('/', '.');
    }

    private String symbol(long id) {
        String s = symbols.get(id);
        return s == null ? "[unknown]" : s;
    }

    /** The description of a frame type id ("Interpreted", "JIT compiled", "Inlined", "Native"), or null. */
    String frameType(long id) {
        return frameTypes.get(id);
    }

    /** The Java name (else OS name) of a thread id, or null. */
    String threadName(long id) {
        int offset = threadOffsets.get(id);
        if (offset < 0) {
            return null;
        }
        int saved = pos;
        pos = offset;
        try {
            String javaName = null;
            String osName = null;
            for (Field f : threadType.fieldArray) {
                if (!f.array && !f.constantPool && f.type.kind == STRING && (f.name.equals("javaName") || f.name.equals("osName"))) {
                    String s = string();
                    if (f.name.equals("javaName")) {
                        javaName = s;
                    } else {
                        osName = s;
                    }
                } else {
                    skipValue(f);
                }
            }
            return javaName != null ? javaName : osName;
        } finally {
            pos = saved;
        }
    }

    /** The Java thread id ({@code Thread.threadId()}) of a thread id, or -1 when unknown (a native thread). */
    long threadJavaId(long id) {
        int offset = threadOffsets.get(id);
        if (offset < 0) {
            return -1;
        }
        int saved = pos;
        pos = offset;
        try {
            for (Field f : threadType.fieldArray) {
                if (!f.array && !f.constantPool && f.type.kind == LONG && f.name.equals("javaThreadId")) {
                    long tid = primitive(LONG);
                    return tid > 0 ? tid : -1;
                }
                skipValue(f);
            }
            return -1;
        } finally {
            pos = saved;
        }
    }

    // ---- metadata

    private void readMetadata(int offset) {
        pos = offset;
        varint(); // size
        long type = varint();
        if (type != 0) {
            throw new Corrupt("no metadata event at byte " + (chunkStart + offset) + " (type " + type + ")");
        }
        varint(); // start
        varint(); // duration
        varint(); // metadata id
        long n = varint();
        if (n < 0 || n > chunkSize - pos) {
            throw new Corrupt("metadata at byte " + (chunkStart + offset) + " declares " + n + " strings");
        }
        String[] table = new String[(int) n];
        for (int i = 0; i < n; i++) {
            table[i] = string();
        }
        typesByName.clear();
        typesById.clear();
        element(table, null, 0);
        for (Type t : typesById.values()) {
            t.kind = kindOf(t);
            t.fieldArray = t.fields.toArray(new Field[0]);
        }
        for (Type t : typesById.values()) {
            for (Field f : t.fieldArray) {
                f.type = typesById.get(f.typeId);
                if (f.type == null) {
                    throw new Corrupt("field " + t.name + "." + f.name + " has unknown type " + f.typeId);
                }
                f.skip = f.constantPool ? SKIP_VARINT : switch (f.type.kind) {
                    case BOOLEAN, BYTE -> SKIP_1;
                    case SHORT, CHAR, INT, LONG -> SKIP_VARINT;
                    case FLOAT -> SKIP_4;
                    case DOUBLE -> SKIP_8;
                    case STRING -> SKIP_STRING;
                    default -> SKIP_STRUCT;
                };
            }
        }
        for (Type t : typesById.values()) {
            boolean flat = t.kind == STRUCT;
            for (Field f : t.fieldArray) {
                flat &= !f.array && f.skip == SKIP_VARINT;
            }
            t.flatVarints = flat ? t.fieldArray.length : -1;
        }
        stackTraceType = typesByName.get("jdk.types.StackTrace");
        stackFrameType = typesByName.get("jdk.types.StackFrame");
        threadType = typesByName.get("java.lang.Thread");
        stackFramesField = stackTraceType == null ? -1 : stackTraceType.field("frames");
        if (stackFrameType != null) {
            frameMethodField = stackFrameType.field("method");
            frameLineField = stackFrameType.field("lineNumber");
            frameTypeField = stackFrameType.field("type");
        }
    }

    private static int kindOf(Type t) {
        return switch (t.name) {
            case "boolean" -> BOOLEAN;
            case "byte" -> BYTE;
            case "short" -> SHORT;
            case "char" -> CHAR;
            case "int" -> INT;
            case "long" -> LONG;
            case "float" -> FLOAT;
            case "double" -> DOUBLE;
            case "java.lang.String" -> STRING;
            default -> STRUCT;
        };
    }

    /** Reads one element of the metadata tree; collects classes and their fields. */
    private void element(String[] table, Type owner, int depth) {
        if (depth > 64) {
            throw new Corrupt("metadata nested too deeply");
        }
        String name = table(table, varint());
        long attributes = varint();
        Map<String, String> attrs = new HashMap<>();
        for (long i = 0; i < attributes; i++) {
            attrs.put(table(table, varint()), table(table, varint()));
        }
        Type current = owner;
        if (name.equals("class")) {
            long id = parseLong(attrs.get("id"));
            current = new Type(id, attrs.getOrDefault("name", "?"));
            typesById.put(id, current);
            typesByName.put(current.name, current);
        } else if (name.equals("field") && owner != null) {
            owner.fields.add(new Field(attrs.getOrDefault("name", "?"), parseLong(attrs.get("class")),
                    "true".equals(attrs.get("constantPool")), attrs.containsKey("dimension") && !"0".equals(attrs.get("dimension"))));
            current = null; // annotations of a field are not fields of the class
        } else if (!name.equals("root") && !name.equals("metadata") && !name.equals("region")) {
            current = null;
        }
        long children = varint();
        for (long i = 0; i < children; i++) {
            element(table, current, depth + 1);
        }
    }

    private static String table(String[] table, long index) {
        if (index < 0 || index >= table.length) {
            throw new Corrupt("metadata string index " + index + " out of range");
        }
        return table[(int) index];
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException | NullPointerException e) {
            throw new Corrupt("metadata has a bad number '" + s + "'");
        }
    }

    // ---- constant pools

    private void readConstantPools(int offset) {
        stackOffsets.clear();
        threadOffsets.clear();
        methodIndex.clear();
        methods = 0;
        classIndex.clear();
        classes = 0;
        symbols.clear();
        strings.clear();
        frameTypes.clear();
        Type symbolType = typesByName.get("jdk.types.Symbol");
        Type classType = typesByName.get("java.lang.Class");
        Type methodType = typesByName.get("jdk.types.Method");
        Type frameTypeType = typesByName.get("jdk.types.FrameType");
        Type stringType = typesByName.get("java.lang.String");
        long at = offset;
        int guard = 0;
        while (true) {
            if (at < JfrFile.HEADER_SIZE || at >= chunkSize || guard++ > 1_000_000) {
                throw new Corrupt("constant pool chain leaves the chunk at byte " + (chunkStart + at));
            }
            pos = (int) at;
            long size = varint();
            long type = varint();
            if (type != 1 || size <= 0 || size > chunkSize - at) {
                throw new Corrupt("no constant pool at byte " + (chunkStart + at));
            }
            varint(); // start
            varint(); // duration
            long delta = varint();
            advance(1); // flush / checkpoint type
            long pools = varint();
            for (long p = 0; p < pools; p++) {
                long typeId = varint();
                Type t = typesById.get(typeId);
                if (t == null) {
                    throw new Corrupt("constant pool of unknown type " + typeId + " at byte " + (chunkStart + pos));
                }
                long count = varint();
                if (count < 0 || count > chunkSize) {
                    throw new Corrupt("constant pool of " + t.name + " declares " + count + " entries");
                }
                for (long k = 0; k < count; k++) {
                    long id = varint();
                    if (t == stackTraceType) {
                        stackOffsets.set(id, pos);
                        skipType(t);
                    } else if (t == threadType) {
                        threadOffsets.set(id, pos);
                        skipType(t);
                    } else if (t == symbolType) {
                        symbols.put(id, firstString(t));
                    } else if (t == stringType) {
                        strings.put(id, string());
                    } else if (t == frameTypeType) {
                        frameTypes.put(id, firstString(t));
                    } else if (t == classType) {
                        addClass(id, t);
                    } else if (t == methodType) {
                        addMethod(id, t);
                    } else {
                        skipType(t);
                    }
                }
            }
            if (pos > at + size) {
                throw new Corrupt("constant pool at byte " + (chunkStart + at) + " is longer than it declares");
            }
            if (delta == 0) {
                break;
            }
            at += delta;
        }
    }

    private String firstString(Type t) {
        String result = null;
        for (Field f : t.fieldArray) {
            if (result == null && !f.array && !f.constantPool && f.type.kind == STRING) {
                result = string();
            } else {
                skipValue(f);
            }
        }
        return result == null ? "" : result;
    }

    private void addClass(long id, Type t) {
        long name = 0;
        for (Field f : t.fieldArray) {
            if (f.name.equals("name") && f.constantPool && !f.array) {
                name = varint();
            } else {
                skipValue(f);
            }
        }
        if (classes == className.length) {
            className = java.util.Arrays.copyOf(className, classes * 2);
        }
        className[classes] = name;
        classIndex.set(id, classes++);
    }

    private void addMethod(long id, Type t) {
        long type = 0;
        long name = 0;
        for (Field f : t.fieldArray) {
            if (f.name.equals("type") && f.constantPool && !f.array) {
                type = varint();
            } else if (f.name.equals("name") && f.constantPool && !f.array) {
                name = varint();
            } else {
                skipValue(f);
            }
        }
        if (methods == methodClass.length) {
            methodClass = java.util.Arrays.copyOf(methodClass, methods * 2);
            methodName = java.util.Arrays.copyOf(methodName, methods * 2);
        }
        methodClass[methods] = type;
        methodName[methods] = name;
        methodIndex.set(id, methods++);
    }

    // ---- values

    private void skipValue(Field f) {
        if (f.array) {
            long n = varint();
            if (n < 0 || n > chunkSize) {
                throw new Corrupt("array of " + n + " at byte " + (chunkStart + pos));
            }
            if (f.skip == SKIP_VARINT) {
                skipVarints(n);
                return;
            }
            if (f.skip == SKIP_STRUCT && f.type.flatVarints >= 0) {
                skipVarints(n * f.type.flatVarints);
                return;
            }
            for (long i = 0; i < n; i++) {
                skipOne(f);
            }
        } else {
            skipOne(f);
        }
    }

    private void skipOne(Field f) {
        switch (f.skip) {
            case SKIP_VARINT -> varint();
            case SKIP_1 -> advance(1);
            case SKIP_4 -> advance(4);
            case SKIP_8 -> advance(8);
            case SKIP_STRING -> skipString();
            default -> skipType(f.type);
        }
    }

    private int depth;

    private void skipType(Type t) {
        switch (t.kind) {
            case BOOLEAN, BYTE -> advance(1);
            case SHORT, CHAR, INT, LONG -> varint();
            case FLOAT -> advance(4);
            case DOUBLE -> advance(8);
            case STRING -> skipString();
            default -> {
                if (t.flatVarints >= 0) {
                    skipVarints(t.flatVarints);
                    return;
                }
                if (++depth > 32) {
                    throw new Corrupt("values nested too deeply at byte " + (chunkStart + pos));
                }
                for (Field f : t.fieldArray) {
                    if (f.array) {
                        skipValue(f);
                    } else {
                        skipOne(f);
                    }
                }
                depth--;
            }
        }
    }

    private long primitive(int kind) {
        return switch (kind) {
            case BOOLEAN, BYTE -> {
                check(1);
                yield buf.get(pos++);
            }
            case SHORT, CHAR -> compressed ? varint() : int16();
            case INT -> compressed ? varint() : int32();
            case LONG -> compressed ? varint() : int64();
            case FLOAT -> {
                check(4);
                float v = buf.getFloat(pos);
                pos += 4;
                yield (long) v;
            }
            case DOUBLE -> {
                check(8);
                double v = buf.getDouble(pos);
                pos += 8;
                yield (long) v;
            }
            default -> throw new Corrupt("not a number at byte " + (chunkStart + pos));
        };
    }

    private void advance(int n) {
        check(n);
        pos += n;
    }

    private void check(int n) {
        if (pos + n > chunkSize || pos < 0) {
            throw new Corrupt("value past the end of the chunk at byte " + (chunkStart + pos));
        }
    }

    /** Skips {@code n} varints: counts the bytes that end one (high bit clear, or the 9th byte). */
    private void skipVarints(long n) {
        byte[] h = heap;
        if (h != null) {
            int p = pos;
            int end = (int) chunkSize;
            long left = n;
            int run = 0;
            while (left > 0) {
                if (p >= end) {
                    throw new Corrupt("value past the end of the chunk at byte " + (chunkStart + p));
                }
                if (h[p++] >= 0 || run == 8) {
                    left--;
                    run = 0;
                } else {
                    run++;
                }
            }
            pos = p;
            return;
        }
        for (long i = 0; i < n; i++) {
            varint();
        }
    }

    long varint() {
        byte[] h = heap;
        if (h != null) {
            int p = pos;
            if (p + 9 <= chunkSize) {
                long v = 0;
                for (int shift = 0; shift < 56; shift += 7) {
                    byte b = h[p++];
                    v |= (long) (b & 0x7F) << shift;
                    if (b >= 0) {
                        pos = p;
                        return v;
                    }
                }
                v |= (long) (h[p++] & 0xFF) << 56;
                pos = p;
                return v;
            }
        }
        long v = 0;
        int p = pos;
        for (int shift = 0; shift < 56; shift += 7) {
            if (p >= chunkSize) {
                throw new Corrupt("value past the end of the chunk at byte " + (chunkStart + p));
            }
            byte b = buf.get(p++);
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                pos = p;
                return v;
            }
        }
        if (p >= chunkSize) {
            throw new Corrupt("value past the end of the chunk at byte " + (chunkStart + p));
        }
        v |= (long) (buf.get(p++) & 0xFF) << 56;
        pos = p;
        return v;
    }

    private long int16() {
        check(2);
        short v = buf.getShort(pos);
        pos += 2;
        return v;
    }

    private long int32() {
        check(4);
        int v = buf.getInt(pos);
        pos += 4;
        return v;
    }

    private long int64() {
        check(8);
        long v = buf.getLong(pos);
        pos += 8;
        return v;
    }

    private String string() {
        check(1);
        byte encoding = buf.get(pos++);
        switch (encoding) {
            case 0:
                return null;
            case 1:
                return "";
            case 2: {
                String s = strings.get(varint());
                return s == null ? "" : s;
            }
            case 3:
            case 5: {
                int n = length();
                byte[] bytes = new byte[n];
                buf.get(pos, bytes);
                pos += n;
                return new String(bytes, encoding == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            }
            case 4: {
                int n = length();
                char[] chars = new char[n];
                for (int i = 0; i < n; i++) {
                    chars[i] = (char) varint();
                }
                return new String(chars);
            }
            default:
                throw new Corrupt("unknown string encoding " + encoding + " at byte " + (chunkStart + pos - 1));
        }
    }

    private void skipString() {
        check(1);
        byte encoding = buf.get(pos++);
        switch (encoding) {
            case 0, 1 -> {
            }
            case 2 -> varint();
            case 3, 5 -> advance(length());
            case 4 -> {
                int n = length();
                for (int i = 0; i < n; i++) {
                    varint();
                }
            }
            default -> throw new Corrupt("unknown string encoding " + encoding + " at byte " + (chunkStart + pos - 1));
        }
    }

    private int length() {
        long n = varint();
        if (n < 0 || n > chunkSize - pos) {
            throw new Corrupt("string of " + n + " bytes past the end of the chunk at byte " + (chunkStart + pos));
        }
        return (int) n;
    }
}
