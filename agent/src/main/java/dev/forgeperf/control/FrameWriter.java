package dev.forgeperf.control;

import java.io.IOException;
import java.io.Writer;

/**
 * A Writer that sends what it is given as {@link Protocol} frames of one type ({@link Protocol#OUT}
 * or {@link Protocol#ERR}) on an {@link AnswerStream}, flushing on newline and at 8 KiB.
 *
 * <p>Thread-safety: any thread may write; the buffer is guarded by this writer, and the stream
 * writes each frame whole, so the two writers of one answer never interleave within a frame.
 * Nothing is sent before a newline, 8 KiB or {@link #flush()}.
 */
final class FrameWriter extends Writer {
    private final AnswerStream out;
    private final byte type;
    private final StringBuilder buffer = new StringBuilder();

    FrameWriter(AnswerStream out, byte type) {
        this.out = out;
        this.type = type;
    }

    @Override
    public synchronized void write(char[] cbuf, int off, int len) throws IOException {
        buffer.append(cbuf, off, len);
        if (buffer.length() >= 8192 || buffer.indexOf("\n") >= 0) {
            flush();
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        if (buffer.length() > 0) {
            out.frame(type, buffer.toString());
            buffer.setLength(0);
        }
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
