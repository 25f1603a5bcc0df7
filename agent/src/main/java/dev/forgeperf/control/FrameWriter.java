package dev.forgeperf.control;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Writer;

/**
 * A Writer that sends what it is given as {@link Protocol} frames of one type ({@link Protocol#OUT}
 * or {@link Protocol#ERR}), flushing on newline and at 8 KiB.
 *
 * <p>Thread-safety: the two writers of one answer share its stream and lock on it, so their frames
 * never interleave within a frame; any thread may write. Nothing is sent before a newline, 8 KiB or
 * {@link #flush()}.
 */
final class FrameWriter extends Writer {
    private final DataOutputStream out;
    private final byte type;
    private final StringBuilder buffer = new StringBuilder();

    FrameWriter(DataOutputStream out, byte type) {
        this.out = out;
        this.type = type;
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
        synchronized (out) {
            buffer.append(cbuf, off, len);
            if (buffer.length() >= 8192 || buffer.indexOf("\n") >= 0) {
                flush();
            }
        }
    }

    @Override
    public void flush() throws IOException {
        synchronized (out) {
            if (buffer.length() > 0) {
                Protocol.writeFrame(out, type, buffer.toString());
                buffer.setLength(0);
            }
        }
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
