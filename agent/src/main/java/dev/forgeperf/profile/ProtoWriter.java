package dev.forgeperf.profile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A tiny protobuf encoder: varints, length-delimited fields and nested messages into a reusable
 * growable buffer. Not thread-safe; {@link #reset()} reuses the buffer.
 */
final class ProtoWriter {
    private byte[] buf;
    private int pos;

    ProtoWriter(int capacity) {
        buf = new byte[capacity];
    }

    void reset() {
        pos = 0;
    }

    int size() {
        return pos;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, pos);
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    /** A varint field; zero values are omitted (proto3 default). */
    void field(int field, long value) {
        if (value != 0) {
            tag(field, 0);
            varint(value);
        }
    }

    void bytes(int field, byte[] b, int off, int len) {
        tag(field, 2);
        varint(len);
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    void string(int field, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        bytes(field, b, 0, b.length);
    }

    /** A nested message already encoded in {@code m}. */
    void message(int field, ProtoWriter m) {
        bytes(field, m.buf, 0, m.pos);
    }

    /** A packed repeated varint field from {@code values[0..n)}, with {@code scratch} as workspace. */
    void packed(int field, long[] values, int n, ProtoWriter scratch) {
        if (n == 0) {
            return;
        }
        scratch.reset();
        for (int i = 0; i < n; i++) {
            scratch.varint(values[i]);
        }
        message(field, scratch);
    }
}
