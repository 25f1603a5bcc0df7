package dev.forgeperf.profile;

import dev.forgeperf.profile.JfrParser.Corrupt;
import dev.forgeperf.profile.JfrParser.Field;
import dev.forgeperf.profile.JfrParser.Type;
import java.util.HashMap;
import java.util.Map;

/**
 * The metadata of one JFR chunk: its metadata event (type 0) read into {@link Type}s and
 * {@link Field}s — a string table, then an element tree of classes and their fields — each type
 * given its primitive kind, each field how to skip one value, and each struct of only varints its
 * varint count; plus where the stack trace, stack frame and thread layouts put the fields the
 * parser decodes. Layouts come from each chunk's own metadata, so recordings of any JDK (11+) read
 * the same way.
 *
 * <p>Contract: {@link #read} replaces the previous chunk's types; a malformed tree throws
 * {@link Corrupt}. Not thread-safe.
 */
final class JfrMetadata {
    // primitive kinds of a type
    static final int STRUCT = 0;
    static final int BOOLEAN = 1;
    static final int BYTE = 2;
    static final int VARINT = 3;
    static final int FLOAT = 4;
    static final int DOUBLE = 5;
    static final int STRING = 6;
    static final int SHORT = 7;
    static final int CHAR = 8;
    static final int INT = 9;
    static final int LONG = 10;

    // how to skip one value of a field (Field.skip)
    static final int SKIP_VARINT = 0;
    static final int SKIP_1 = 1;
    static final int SKIP_4 = 2;
    static final int SKIP_8 = 3;
    static final int SKIP_STRING = 4;
    static final int SKIP_STRUCT = 5;

    private final Map<String, Type> typesByName = new HashMap<>();
    private final Map<Long, Type> typesById = new HashMap<>();

    Type stackTraceType;
    int stackFramesField = -1;
    Type stackFrameType;
    int frameMethodField = -1;
    int frameLineField = -1;
    int frameTypeField = -1;
    Type threadType;

    /** The type of an event or constant in this chunk, or null. */
    Type type(String name) {
        return typesByName.get(name);
    }

    /** The type with id {@code id} in this chunk, or null. */
    Type type(long id) {
        return typesById.get(id);
    }

    /** Reads the metadata event at {@code offset} of the cursor's chunk, replacing the previous chunk's types. */
    void read(JfrCursor c, int offset) {
        c.pos = offset;
        c.varint(); // size
        long type = c.varint();
        if (type != 0) {
            throw new Corrupt("no metadata event at byte " + (c.chunkStart + offset) + " (type " + type + ")");
        }
        c.varint(); // start
        c.varint(); // duration
        c.varint(); // metadata id
        long n = c.varint();
        if (n < 0 || n > c.chunkSize - c.pos) {
            throw new Corrupt("metadata at byte " + (c.chunkStart + offset) + " declares " + n + " strings");
        }
        String[] table = new String[(int) n];
        for (int i = 0; i < n; i++) {
            table[i] = c.string();
        }
        typesByName.clear();
        typesById.clear();
        element(c, table, null, 0);
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
    private void element(JfrCursor c, String[] table, Type owner, int depth) {
        if (depth > 64) {
            throw new Corrupt("metadata nested too deeply");
        }
        String name = table(table, c.varint());
        long attributes = c.varint();
        Map<String, String> attrs = new HashMap<>();
        for (long i = 0; i < attributes; i++) {
            attrs.put(table(table, c.varint()), table(table, c.varint()));
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
        long children = c.varint();
        for (long i = 0; i < children; i++) {
            element(c, table, current, depth + 1);
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
}
