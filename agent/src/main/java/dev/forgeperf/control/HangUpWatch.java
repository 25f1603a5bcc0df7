package dev.forgeperf.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.function.BooleanSupplier;

/**
 * Notices when the client of a long command stops sending (it half-closes on Ctrl-C) or
 * disappears: a blocking read on the channel itself (not through a stream, which would hold the
 * channel's blocking lock that writers need) returns -1 or fails. Ends when the command closes the
 * connection.
 *
 * <p>Runs on a watcher thread of its own ({@link #run()}); {@link #getAsBoolean()} may be called
 * from any thread and turns true once, never back.
 */
final class HangUpWatch implements Runnable, BooleanSupplier {
    private final SocketChannel ch;
    private volatile boolean hungUp;

    HangUpWatch(SocketChannel ch) {
        this.ch = ch;
    }

    @Override
    public void run() {
        ByteBuffer b = ByteBuffer.allocate(64);
        try {
            while (ch.read(b) >= 0) {
                b.clear();
            }
        } catch (IOException | RuntimeException gone) {
            // closed either way
        }
        hungUp = true;
    }

    @Override
    public boolean getAsBoolean() {
        return hungUp;
    }
}
