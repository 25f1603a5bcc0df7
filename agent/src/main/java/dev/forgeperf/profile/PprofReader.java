package dev.forgeperf.profile;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads pprof {@code profile.proto} files, gzipped or not: ours and Go's. Locations with several
 * lines (inlined functions) become several frames; locations without lines (unsymbolized) become a
 * frame named by their address. Input that does not decode as a profile gets
 * {@code FILE: not a pprof profile}.
 */
public final class PprofReader {
    private PprofReader() {
    }

    /** Whether {@code path} starts like a gzip file. */
    static boolean isGzip(byte[] head) {
        return head.length >= 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B;
    }

    public static Profile read(Path path) throws IOException {
        byte[] data;
        try {
            data = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ProfileException(path + ": no such file");
        }
        if (isGzip(data)) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data), 64 * 1024)) {
                data = in.readAllBytes();
            } catch (ZipException | java.io.EOFException e) {
                throw new ProfileException(path + ": not a pprof profile (broken gzip data: " + e.getMessage() + ")");
            }
        }
        try {
            return decode(data);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new ProfileException(path + ": not a pprof profile", e);
        }
    }

    private record Line(long function, long line) {
    }

    private record Function(long name, long systemName, long file) {
    }

    /** Decodes an uncompressed profile. */
    static Profile decode(byte[] data) {
        List<long[]> sampleTypes = new ArrayList<>();
        List<byte[]> samples = new ArrayList<>();
        Map<Long, Line[]> locations = new HashMap<>();
        Map<Long, Long> locationAddress = new HashMap<>();
        Map<Long, Function> functions = new HashMap<>();
        List<String> strings = new ArrayList<>();
        long timeNanos = 0;
        long durationNanos = 0;
        long[] periodType = null;
        long period = 0;
        long defaultType = 0;
        List<Long> comments = new ArrayList<>();

        Reader r = new Reader(data, 0, data.length);
        while (r.more()) {
            int tag = r.tag();
            int field = tag >>> 3;
            int wire = tag & 7;
            switch (field) {
                case 1 -> sampleTypes.add(valueType(r.message(wire)));
                case 2 -> samples.add(r.bytes(wire));
                case 4 -> location(r.message(wire), locations, locationAddress);
                case 5 -> {
                    Reader m = r.message(wire);
                    long id = 0;
                    long name = 0;
                    long system = 0;
                    long file = 0;
                    while (m.more()) {
                        int t = m.tag();
                        switch (t >>> 3) {
                            case 1 -> id = m.varint(t & 7);
                            case 2 -> name = m.varint(t & 7);
                            case 3 -> system = m.varint(t & 7);
                            case 4 -> file = m.varint(t & 7);
                            default -> m.skip(t & 7);
                        }
                    }
                    functions.put(id, new Function(name, system, file));
                }
                case 6 -> strings.add(new String(r.bytes(wire), StandardCharsets.UTF_8));
                case 9 -> timeNanos = r.varint(wire);
                case 10 -> durationNanos = r.varint(wire);
                case 11 -> periodType = valueType(r.message(wire));
                case 12 -> period = r.varint(wire);
                case 13 -> {
                    // repeated int64: packed (what Go writes for more than one) or one per field
                    if (wire == 2) {
                        Reader packed = r.message(2);
                        while (packed.more()) {
                            comments.add(packed.varint(0));
                        }
                    } else {
                        comments.add(r.varint(wire));
                    }
                }
                case 14 -> defaultType = r.varint(wire);
                default -> {
                    if (field == 0) {
                        throw new IllegalArgumentException("field 0");
                    }
                    r.skip(wire);
                }
            }
        }
        if (sampleTypes.isEmpty() || strings.isEmpty() || !strings.get(0).isEmpty()) {
            throw new IllegalArgumentException("no sample types or string table");
        }
        List<SampleType> types = new ArrayList<>();
        for (long[] vt : sampleTypes) {
            types.add(new SampleType(str(strings, vt[0]), str(strings, vt[1])));
        }
        int primary = types.size() - 1;
        if (defaultType != 0) {
            for (int i = 0; i < types.size(); i++) {
                if (types.get(i).type().equals(str(strings, defaultType))) {
                    primary = i;
                }
            }
        }
        Profile p = new Profile(types, primary);
        if (periodType != null) {
            p.setPeriod(new SampleType(str(strings, periodType[0]), str(strings, periodType[1])), period);
        }
        p.setTime(timeNanos, durationNanos);
        for (long c : comments) {
            p.addComment(str(strings, c));
        }

        Map<Long, Integer> functionIds = new HashMap<>();
        Map<Long, int[]> locationFrames = new HashMap<>();
        int[] rootFirst = new int[256];
        long[] locs = new long[256];
        long[] vals = new long[types.size()];
        for (byte[] sample : samples) {
            Reader s = new Reader(sample, 0, sample.length);
            int nLocs = 0;
            int nVals = 0;
            while (s.more()) {
                int t = s.tag();
                int f = t >>> 3;
                if (f == 1 || f == 2) {
                    if ((t & 7) == 2) {
                        Reader packed = s.message(2);
                        while (packed.more()) {
                            long v = packed.varint(0);
                            if (f == 1) {
                                locs = grow(locs, nLocs);
                                locs[nLocs++] = v;
                            } else if (nVals < vals.length) {
                                vals[nVals++] = v;
                            }
                        }
                    } else {
                        long v = s.varint(t & 7);
                        if (f == 1) {
                            locs = grow(locs, nLocs);
                            locs[nLocs++] = v;
                        } else if (nVals < vals.length) {
                            vals[nVals++] = v;
                        }
                    }
                } else {
                    s.skip(t & 7);
                }
            }
            int depth = 0;
            for (int i = nLocs - 1; i >= 0; i--) {
                int[] frames = locationFrames.get(locs[i]);
                if (frames == null) {
                    frames = frames(p, locs[i], locations, locationAddress, functions, functionIds, strings);
                    locationFrames.put(locs[i], frames);
                }
                // frames are leaf first within a location; the stack is built root first
                for (int j = frames.length - 1; j >= 0; j--) {
                    if (depth == rootFirst.length) {
                        rootFirst = java.util.Arrays.copyOf(rootFirst, depth * 2);
                    }
                    rootFirst[depth++] = frames[j];
                }
            }
            int node = p.node(rootFirst, depth);
            for (int t = 0; t < nVals; t++) {
                p.add(node, t, vals[t]);
            }
        }
        return p;
    }

    private static long[] grow(long[] a, int n) {
        return n < a.length ? a : java.util.Arrays.copyOf(a, n * 2);
    }

    private static int[] frames(Profile p, long location, Map<Long, Line[]> locations, Map<Long, Long> addresses,
                                Map<Long, Function> functions, Map<Long, Integer> functionIds, List<String> strings) {
        Line[] lines = locations.get(location);
        if (lines == null || lines.length == 0) {
            Long address = addresses.get(location);
            String name = address == null ? "[unknown]" : "0x" + Long.toHexString(address);
            return new int[] {p.frame(p.function(name, ""), 0, FrameKind.OTHER)};
        }
        int[] frames = new int[lines.length];
        for (int i = 0; i < lines.length; i++) {
            Integer fn = functionIds.get(lines[i].function());
            if (fn == null) {
                Function f = functions.get(lines[i].function());
                if (f == null) {
                    throw new IllegalArgumentException("location " + location + " names unknown function " + lines[i].function());
                }
                String name = str(strings, f.name());
                if (name.isEmpty()) {
                    name = str(strings, f.systemName());
                }
                fn = p.function(name, str(strings, f.file()));
                functionIds.put(lines[i].function(), fn);
            }
            FrameKind kind = name(p, fn).startsWith("[") && name(p, fn).endsWith("]") && i == lines.length - 1
                    ? FrameKind.OTHER : FrameKind.JAVA;
            frames[i] = p.frame(fn, (int) lines[i].line(), kind);
        }
        return frames;
    }

    private static String name(Profile p, int fn) {
        return p.string(p.functionName(fn));
    }

    private static void location(Reader m, Map<Long, Line[]> locations, Map<Long, Long> addresses) {
        long id = 0;
        long address = 0;
        List<Line> lines = new ArrayList<>(1);
        while (m.more()) {
            int t = m.tag();
            switch (t >>> 3) {
                case 1 -> id = m.varint(t & 7);
                case 3 -> address = m.varint(t & 7);
                case 4 -> {
                    Reader l = m.message(t & 7);
                    long fn = 0;
                    long line = 0;
                    while (l.more()) {
                        int lt = l.tag();
                        switch (lt >>> 3) {
                            case 1 -> fn = l.varint(lt & 7);
                            case 2 -> line = l.varint(lt & 7);
                            default -> l.skip(lt & 7);
                        }
                    }
                    lines.add(new Line(fn, line));
                }
                default -> m.skip(t & 7);
            }
        }
        locations.put(id, lines.toArray(new Line[0]));
        addresses.put(id, address);
    }

    private static long[] valueType(Reader m) {
        long[] vt = new long[2];
        while (m.more()) {
            int t = m.tag();
            switch (t >>> 3) {
                case 1 -> vt[0] = m.varint(t & 7);
                case 2 -> vt[1] = m.varint(t & 7);
                default -> m.skip(t & 7);
            }
        }
        return vt;
    }

    private static String str(List<String> strings, long index) {
        if (index < 0 || index >= strings.size()) {
            throw new IllegalArgumentException("string index " + index + " out of range");
        }
        return strings.get((int) index);
    }

    /** A protobuf decoder over a byte range; throws {@link IllegalArgumentException} on malformed input. */
    private static final class Reader {
        private final byte[] b;
        private int pos;
        private final int end;

        Reader(byte[] b, int from, int to) {
            this.b = b;
            this.pos = from;
            this.end = to;
        }

        boolean more() {
            return pos < end;
        }

        int tag() {
            long t = raw();
            if (t <= 0 || t > Integer.MAX_VALUE || (t & 7) == 3 || (t & 7) == 4 || (t & 7) > 5) {
                throw new IllegalArgumentException("bad tag " + t);
            }
            return (int) t;
        }

        private long raw() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalArgumentException("truncated varint");
                }
                byte x = b[pos++];
                v |= (long) (x & 0x7F) << shift;
                if (x >= 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }

        long varint(int wire) {
            if (wire != 0) {
                throw new IllegalArgumentException("expected a varint, wire type " + wire);
            }
            return raw();
        }

        byte[] bytes(int wire) {
            int len = length(wire);
            byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + len);
            pos += len;
            return out;
        }

        Reader message(int wire) {
            int len = length(wire);
            Reader m = new Reader(b, pos, pos + len);
            pos += len;
            return m;
        }

        private int length(int wire) {
            if (wire != 2) {
                throw new IllegalArgumentException("expected length-delimited, wire type " + wire);
            }
            long len = raw();
            if (len < 0 || len > end - pos) {
                throw new IllegalArgumentException("length " + len + " past the end");
            }
            return (int) len;
        }

        void skip(int wire) {
            switch (wire) {
                case 0 -> raw();
                case 1 -> advance(8);
                case 2 -> advance(length(2));
                case 5 -> advance(4);
                default -> throw new IllegalArgumentException("wire type " + wire);
            }
        }

        private void advance(int n) {
            if (n > end - pos) {
                throw new IllegalArgumentException("past the end");
            }
            pos += n;
        }
    }
}
