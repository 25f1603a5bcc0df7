package dev.forgeperf.profile;

import static dev.forgeperf.profile.JfrMetadata.BOOLEAN;
import static dev.forgeperf.profile.JfrMetadata.LONG;
import static dev.forgeperf.profile.JfrMetadata.STRING;

import dev.forgeperf.profile.JfrParser.Corrupt;
import dev.forgeperf.profile.JfrParser.Field;
import dev.forgeperf.profile.JfrParser.Type;
import java.util.HashMap;
import java.util.Map;

/**
 * The constant pools of one JFR chunk that profiles need: the chain of constant pool events (type 1,
 * each {@code …, delta, flags, pool count, (type, count, (id, value)*)*}, linked backwards from the
 * header's offset) read into symbols, strings, frame types, classes and methods (decoded eagerly,
 * they are small) and stack traces and threads (kept as offsets into the chunk, decoded only when an
 * event refers to them), and the lookups by id the reader uses: a stack trace's frames, a method's
 * name, a thread's name and Java id.
 *
 * <p>Contract: {@link #read} replaces the previous chunk's pools and needs that chunk's
 * {@link JfrMetadata}; lookups of unknown ids answer null (or false, -1), and restore the cursor's
 * position so they can run between an event's fields. Not thread-safe.
 */
final class JfrConstantPools {
    private final JfrCursor c;
    private final JfrMetadata metadata;

    // id -> offset in the chunk (lazy) or index (eager)
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
    private final Map<Long, String> frameTypes = new HashMap<>();
    /** The string pool; the cursor resolves string constants in it. */
    private final Map<Long, String> strings;

    // the layouts of the lazily decoded pools, from the chunk's metadata
    private Type stackTraceType;
    private int stackFramesField = -1;
    private Type stackFrameType;
    private int frameMethodField = -1;
    private int frameLineField = -1;
    private int frameTypeField = -1;
    private Type threadType;

    JfrConstantPools(JfrCursor c, Map<Long, String> strings, JfrMetadata metadata) {
        this.c = c;
        this.strings = strings;
        this.metadata = metadata;
    }

    /** Reads the chain of constant pool events that ends at {@code offset} of the cursor's chunk, replacing the previous chunk's. */
    void read(int offset) {
        stackTraceType = metadata.stackTraceType;
        stackFramesField = metadata.stackFramesField;
        stackFrameType = metadata.stackFrameType;
        frameMethodField = metadata.frameMethodField;
        frameLineField = metadata.frameLineField;
        frameTypeField = metadata.frameTypeField;
        threadType = metadata.threadType;
        stackOffsets.clear();
        threadOffsets.clear();
        methodIndex.clear();
        methods = 0;
        classIndex.clear();
        classes = 0;
        symbols.clear();
        strings.clear();
        frameTypes.clear();
        Type symbolType = metadata.type("jdk.types.Symbol");
        Type classType = metadata.type("java.lang.Class");
        Type methodType = metadata.type("jdk.types.Method");
        Type frameTypeType = metadata.type("jdk.types.FrameType");
        Type stringType = metadata.type("java.lang.String");
        long at = offset;
        int guard = 0;
        while (true) {
            if (at < JfrFile.HEADER_SIZE || at >= c.chunkSize || guard++ > 1_000_000) {
                throw new Corrupt("constant pool chain leaves the chunk at byte " + (c.chunkStart + at));
            }
            c.pos = (int) at;
            long size = c.varint();
            long type = c.varint();
            if (type != 1 || size <= 0 || size > c.chunkSize - at) {
                throw new Corrupt("no constant pool at byte " + (c.chunkStart + at));
            }
            c.varint(); // start
            c.varint(); // duration
            long delta = c.varint();
            c.advance(1); // flush / checkpoint type
            long pools = c.varint();
            for (long p = 0; p < pools; p++) {
                long typeId = c.varint();
                Type t = metadata.type(typeId);
                if (t == null) {
                    throw new Corrupt("constant pool of unknown type " + typeId + " at byte " + (c.chunkStart + c.pos));
                }
                long count = c.varint();
                if (count < 0 || count > c.chunkSize) {
                    throw new Corrupt("constant pool of " + t.name + " declares " + count + " entries");
                }
                for (long k = 0; k < count; k++) {
                    long id = c.varint();
                    if (t == stackTraceType) {
                        stackOffsets.set(id, c.pos);
                        c.skipType(t);
                    } else if (t == threadType) {
                        threadOffsets.set(id, c.pos);
                        c.skipType(t);
                    } else if (t == symbolType) {
                        symbols.put(id, firstString(t));
                    } else if (t == stringType) {
                        strings.put(id, c.string());
                    } else if (t == frameTypeType) {
                        frameTypes.put(id, firstString(t));
                    } else if (t == classType) {
                        addClass(id, t);
                    } else if (t == methodType) {
                        addMethod(id, t);
                    } else {
                        c.skipType(t);
                    }
                }
            }
            if (c.pos > at + size) {
                throw new Corrupt("constant pool at byte " + (c.chunkStart + at) + " is longer than it declares");
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
                result = c.string();
            } else {
                c.skipValue(f);
            }
        }
        return result == null ? "" : result;
    }

    private void addClass(long id, Type t) {
        long name = 0;
        for (Field f : t.fieldArray) {
            if (f.name.equals("name") && f.constantPool && !f.array) {
                name = c.varint();
            } else {
                c.skipValue(f);
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
                type = c.varint();
            } else if (f.name.equals("name") && f.constantPool && !f.array) {
                name = c.varint();
            } else {
                c.skipValue(f);
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

    // ---- lookups

    /** Visits the frames of stack trace {@code id} leaf first; false when the id is unknown. */
    boolean frames(long id, JfrParser.FrameVisitor visitor) {
        int offset = stackOffsets.get(id);
        if (offset < 0) {
            return false;
        }
        int saved = c.pos;
        c.pos = offset;
        try {
            Field[] fields = stackTraceType.fieldArray;
            for (int i = 0; i < fields.length; i++) {
                Field f = fields[i];
                if (i != stackFramesField) {
                    c.skipValue(f);
                    continue;
                }
                long n = c.varint();
                if (n < 0 || n > c.chunkSize - c.pos) {
                    throw new Corrupt("stack trace " + id + " declares " + n + " frames at byte " + (c.chunkStart + c.pos));
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
                            method = ff.constantPool ? c.varint() : skipAndZero(ff);
                        } else if (j == frameLineField) {
                            line = ff.constantPool ? c.varint() : c.primitive(ff.type.kind);
                        } else if (j == frameTypeField) {
                            type = ff.constantPool ? c.varint() : skipAndZero(ff);
                        } else {
                            c.skipValue(ff);
                        }
                    }
                    visitor.frame(method, (int) line, type);
                }
            }
            return true;
        } finally {
            c.pos = saved;
        }
    }

    private long skipAndZero(Field f) {
        c.skipValue(f);
        return 0;
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

    /**
     * The Java name (else OS name) of a thread id, or null. A virtual thread (JDK 21+: the
     * thread's {@code virtual} field) is named {@code NAME (virtual)}, or {@code virtual} when it has
     * no name (most have none: they share one per-thread root instead of one each).
     */
    String threadName(long id) {
        int offset = threadOffsets.get(id);
        if (offset < 0) {
            return null;
        }
        int saved = c.pos;
        c.pos = offset;
        try {
            String javaName = null;
            String osName = null;
            boolean virtual = false;
            for (Field f : threadType.fieldArray) {
                if (!f.array && !f.constantPool && f.type.kind == STRING && (f.name.equals("javaName") || f.name.equals("osName"))) {
                    String s = c.string();
                    if (f.name.equals("javaName")) {
                        javaName = s;
                    } else {
                        osName = s;
                    }
                } else if (!f.array && !f.constantPool && f.type.kind == BOOLEAN && f.name.equals("virtual")) {
                    virtual = c.primitive(BOOLEAN) != 0;
                } else {
                    c.skipValue(f);
                }
            }
            if (virtual) {
                return javaName == null || javaName.isEmpty() ? VIRTUAL : javaName + " (virtual)";
            }
            return javaName != null ? javaName : osName;
        } finally {
            c.pos = saved;
        }
    }

    /** The name of unnamed virtual threads in profiles (their per-thread root is {@code [virtual]}). */
    static final String VIRTUAL = "virtual";

    /** The Java thread id ({@code Thread.threadId()}) of a thread id, or -1 when unknown (a native thread). */
    long threadJavaId(long id) {
        int offset = threadOffsets.get(id);
        if (offset < 0) {
            return -1;
        }
        int saved = c.pos;
        c.pos = offset;
        try {
            for (Field f : threadType.fieldArray) {
                if (!f.array && !f.constantPool && f.type.kind == LONG && f.name.equals("javaThreadId")) {
                    long tid = c.primitive(LONG);
                    return tid > 0 ? tid : -1;
                }
                c.skipValue(f);
            }
            return -1;
        } finally {
            c.pos = saved;
        }
    }
}
