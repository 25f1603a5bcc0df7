package dev.forgeperf.profile;

import static dev.forgeperf.profile.JfrMetadata.BOOLEAN;
import static dev.forgeperf.profile.JfrMetadata.BYTE;
import static dev.forgeperf.profile.JfrMetadata.CHAR;
import static dev.forgeperf.profile.JfrMetadata.DOUBLE;
import static dev.forgeperf.profile.JfrMetadata.FLOAT;
import static dev.forgeperf.profile.JfrMetadata.INT;
import static dev.forgeperf.profile.JfrMetadata.LONG;
import static dev.forgeperf.profile.JfrMetadata.SHORT;
import static dev.forgeperf.profile.JfrMetadata.SKIP_1;
import static dev.forgeperf.profile.JfrMetadata.SKIP_4;
import static dev.forgeperf.profile.JfrMetadata.SKIP_8;
import static dev.forgeperf.profile.JfrMetadata.SKIP_STRING;
import static dev.forgeperf.profile.JfrMetadata.SKIP_STRUCT;
import static dev.forgeperf.profile.JfrMetadata.SKIP_VARINT;
import static dev.forgeperf.profile.JfrMetadata.STRING;
import static dev.forgeperf.profile.JfrMetadata.STRUCT;

import dev.forgeperf.profile.JfrParser.Corrupt;
import dev.forgeperf.profile.JfrParser.Field;
import dev.forgeperf.profile.JfrParser.Type;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The byte cursor over one JFR chunk: a position {@link #pos} into the chunk's bytes (a heap copy,
 * read as an array, or a mapped buffer) and the values read at it — LEB128 varints, fixed-size
 * numbers, strings in their five encodings — plus skipping a value of any metadata type by its
 * layout, and stepping from event to event by their declared sizes.
 *
 * <p>Contract: {@link #load} points it at a chunk; every read checks the chunk's bounds and throws
 * {@link Corrupt} naming the absolute byte offset; string constants (encoding 2) are resolved in the
 * {@code strings} pool the {@link JfrConstantPools} of the same parser fills. These are the parser's
 * per-event methods, moved here unchanged with the fields they use. Not thread-safe.
 */
final class JfrCursor {
    // the current chunk: in buf, and in heap when it is a heap copy
    private ByteBuffer buf;
    private byte[] heap;
    /** Absolute file offset and size of the current chunk. */
    long chunkStart = -1;
    long chunkSize;
    /** The read position, relative to the chunk's start. */
    int pos;
    private boolean compressed;
    /** End of the event {@link #nextEvent()} returned last (0: none). */
    private int eventEnd;
    private int depth;
    /** The string constant pool of the current chunk (encoding 2). */
    private final Map<Long, String> strings;

    JfrCursor(Map<Long, String> strings) {
        this.strings = strings;
    }

    /** Points the cursor at a chunk: {@code heap} is its array when {@code buf} is a heap copy, else null. */
    void load(ByteBuffer buf, byte[] heap, long chunkStart, long chunkSize, boolean compressed) {
        this.buf = buf;
        this.heap = heap;
        this.chunkStart = chunkStart;
        this.chunkSize = chunkSize;
        this.compressed = compressed;
    }

    /** Moves to the first event of the chunk. */
    void startEvents() {
        pos = JfrFile.HEADER_SIZE;
        eventEnd = 0;
    }

    // ---- events

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

    // ---- values

    void skipValue(Field f) {
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

    void skipType(Type t) {
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

    long primitive(int kind) {
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

    void advance(int n) {
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

    String string() {
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
    }}
