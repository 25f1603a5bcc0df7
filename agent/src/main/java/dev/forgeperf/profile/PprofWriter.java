package dev.forgeperf.profile;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a {@link Profile} as gzipped pprof {@code profile.proto}, hand-encoded: what
 * {@code go tool pprof} reads. Every frame becomes a location with one line (function, line);
 * every function carries name, system name and file; samples list their locations leaf first.
 * A thread root frame ({@code --threads}) also becomes the label {@code thread}.
 *
 * <p>Streams: only one sample (or location, function) is encoded in memory at a time.
 */
public final class PprofWriter {
    private PprofWriter() {
    }

    // profile.proto field numbers
    private static final int SAMPLE_TYPE = 1;
    private static final int SAMPLE = 2;
    private static final int MAPPING = 3;
    private static final int LOCATION = 4;
    private static final int FUNCTION = 5;
    private static final int STRING_TABLE = 6;
    private static final int TIME_NANOS = 9;
    private static final int DURATION_NANOS = 10;
    private static final int PERIOD_TYPE = 11;
    private static final int PERIOD = 12;
    private static final int COMMENT = 13;
    private static final int DEFAULT_SAMPLE_TYPE = 14;

    /** Writes {@code profile} gzipped to {@code out} (which is not closed). */
    public static void write(Profile profile, OutputStream out) throws IOException {
        GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024);
        OutputStream o = new BufferedOutputStream(gz, 64 * 1024);
        writeRaw(profile, o);
        o.flush();
        gz.finish();
    }

    /** Writes {@code profile} as uncompressed protobuf. */
    public static void writeRaw(Profile profile, OutputStream o) throws IOException {
        // intern every string the header needs before the string table is written
        int[] typeIds = new int[profile.sampleTypes().size() * 2];
        for (int i = 0; i < profile.sampleTypes().size(); i++) {
            typeIds[2 * i] = profile.string(profile.sampleTypes().get(i).type());
            typeIds[2 * i + 1] = profile.string(profile.sampleTypes().get(i).unit());
        }
        int periodType = -1;
        int periodUnit = -1;
        if (profile.periodType() != null) {
            periodType = profile.string(profile.periodType().type());
            periodUnit = profile.string(profile.periodType().unit());
        }
        int threadKey = profile.string("thread");
        profile.string("jvm");
        int[] commentIds = new int[profile.comments().size()];
        for (int i = 0; i < commentIds.length; i++) {
            commentIds[i] = profile.string(profile.comments().get(i));
        }

        ProtoWriter top = new ProtoWriter(1 << 16);
        ProtoWriter msg = new ProtoWriter(1 << 12);
        ProtoWriter sub = new ProtoWriter(1 << 10);
        ProtoWriter packed = new ProtoWriter(1 << 10);

        for (int i = 0; i < typeIds.length; i += 2) {
            msg.reset();
            msg.field(1, typeIds[i]);
            msg.field(2, typeIds[i + 1]);
            top.message(SAMPLE_TYPE, msg);
        }
        // one mapping that says symbols are resolved already, so pprof does not look for a binary
        msg.reset();
        msg.field(1, 1);
        msg.field(5, profile.string("jvm"));
        msg.field(7, 1);
        msg.field(8, 1);
        msg.field(9, 1);
        msg.field(10, 1);
        top.message(MAPPING, msg);
        flush(top, o);

        int width = profile.sampleTypes().size();
        long[] locations = new long[64];
        long[] values = new long[width];
        for (int node = 1; node < profile.nodeCount(); node++) {
            if (!profile.hasSamples(node)) {
                continue;
            }
            int depth = 0;
            int root = node;
            for (int n = node; n > Profile.ROOT; n = profile.parent(n)) {
                if (depth == locations.length) {
                    locations = java.util.Arrays.copyOf(locations, depth * 2);
                }
                locations[depth++] = profile.nodeFrame(n) + 1L;
                root = n;
            }
            for (int t = 0; t < width; t++) {
                values[t] = profile.value(node, t);
            }
            msg.reset();
            msg.packed(1, locations, depth, packed);
            msg.packed(2, values, width, packed);
            int rootFrame = profile.nodeFrame(root);
            if (profile.frameKind(rootFrame) == FrameKind.THREAD) {
                sub.reset();
                sub.field(1, threadKey);
                sub.field(2, profile.frameNameId(rootFrame));
                msg.message(3, sub);
            }
            top.message(SAMPLE, msg);
            flushIfLarge(top, o);
        }

        for (int f = 0; f < profile.frameCount(); f++) {
            msg.reset();
            msg.field(1, f + 1L);
            msg.field(2, 1);
            sub.reset();
            sub.field(1, profile.frameFunction(f) + 1L);
            sub.field(2, profile.frameLine(f));
            msg.message(4, sub);
            top.message(LOCATION, msg);
            flushIfLarge(top, o);
        }

        for (int fn = 0; fn < profile.functionCount(); fn++) {
            msg.reset();
            msg.field(1, fn + 1L);
            msg.field(2, profile.functionName(fn));
            msg.field(3, profile.functionName(fn));
            msg.field(4, profile.functionFile(fn));
            top.message(FUNCTION, msg);
            flushIfLarge(top, o);
        }

        for (int s = 0; s < profile.stringCount(); s++) {
            top.string(STRING_TABLE, profile.string(s));
            flushIfLarge(top, o);
        }

        top.field(TIME_NANOS, profile.startEpochNanos());
        top.field(DURATION_NANOS, profile.durationNanos());
        if (periodType >= 0) {
            msg.reset();
            msg.field(1, periodType);
            msg.field(2, periodUnit);
            top.message(PERIOD_TYPE, msg);
            top.field(PERIOD, profile.period());
        }
        for (int c : commentIds) {
            top.field(COMMENT, c);
        }
        top.field(DEFAULT_SAMPLE_TYPE, typeIds[2 * TopTable.leadingType(profile)]); // pprof shows it first: CPU time for a CPU profile
        flush(top, o);
    }

    private static void flushIfLarge(ProtoWriter w, OutputStream o) throws IOException {
        if (w.size() >= 1 << 15) {
            flush(w, o);
        }
    }

    private static void flush(ProtoWriter w, OutputStream o) throws IOException {
        w.writeTo(o);
        w.reset();
    }
}
