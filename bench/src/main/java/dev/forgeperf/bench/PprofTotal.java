package dev.forgeperf.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A minimal, independent reader of a gzipped pprof {@code profile.proto}: the total of one sample
 * type over all samples, in that type's unit. Written from the proto definition (Profile: 1
 * sample_type, 2 sample, 6 string_table, 9 time_nanos, 10 duration_nanos; ValueType: 1 type, 2 unit; Sample: 2 value), not with
 * forge-perf's own reader, so the benchmark checks forge-perf's output independently.
 */
final class PprofTotal {
    private final byte[] b;
    private int pos;

    private PprofTotal(byte[] b) {
        this.b = b;
    }

    /** {type, unit, total, time_nanos, duration_nanos} of the sample type named {@code type} (e.g. "cpu"). */
    static Object[] total(Path file, String type) throws IOException {
        byte[] raw;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            in.transferTo(o);
            raw = o.toByteArray();
        }
        PprofTotal r = new PprofTotal(raw);
        List<long[]> types = new ArrayList<>();
        List<String> strings = new ArrayList<>();
        List<long[]> samples = new ArrayList<>();
        long timeNanos = 0;
        long durationNanos = 0;
        while (r.pos < raw.length) {
            long key = r.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (wire == 0 && field == 9) {
                timeNanos = r.varint();
            } else if (wire == 0 && field == 10) {
                durationNanos = r.varint();
            } else if (wire == 2) {
                int len = (int) r.varint();
                int end = r.pos + len;
                switch (field) {
                    case 1 -> types.add(r.valueType(end));
                    case 2 -> samples.add(r.sampleValues(end));
                    case 6 -> strings.add(new String(raw, r.pos, len, java.nio.charset.StandardCharsets.UTF_8));
                    default -> { }
                }
                r.pos = end;
            } else {
                r.skip(wire);
            }
        }
        for (int i = 0; i < types.size(); i++) {
            if (strings.get((int) types.get(i)[0]).equals(type)) {
                long total = 0;
                for (long[] s : samples) {
                    total += i < s.length ? s[i] : 0;
                }
                return new Object[] {type, strings.get((int) types.get(i)[1]), total, timeNanos, durationNanos};
            }
        }
        throw new IOException("no sample type '" + type + "' in " + file);
    }

    private long[] valueType(int end) {
        long[] t = new long[2];
        while (pos < end) {
            long key = varint();
            int field = (int) (key >>> 3);
            if ((key & 7) == 0 && (field == 1 || field == 2)) {
                t[field - 1] = varint();
            } else {
                skip((int) (key & 7));
            }
        }
        return t;
    }

    private long[] sampleValues(int end) {
        List<Long> v = new ArrayList<>();
        while (pos < end) {
            long key = varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 2 && wire == 2) {
                int len = (int) varint();
                int e = pos + len;
                while (pos < e) {
                    v.add(varint());
                }
            } else if (field == 2 && wire == 0) {
                v.add(varint());
            } else {
                skip(wire);
            }
        }
        long[] out = new long[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    private long varint() {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b[pos++];
            v |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                return v;
            }
        }
    }

    private void skip(int wire) {
        switch (wire) {
            case 0 -> varint();
            case 1 -> pos += 8;
            case 2 -> {
                int n = (int) varint(); // before reading pos: a compound assignment would read pos first
                pos += n;
            }
            case 5 -> pos += 4;
            default -> throw new IllegalStateException("wire type " + wire);
        }
    }
}
