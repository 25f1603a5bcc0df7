package dev.forgeperf.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Ending a connection the server does not serve: one error line and an exit status in the
 * {@link Protocol}'s frames, then close; or, when there is nobody to answer, just close.
 *
 * <p>Never blocks for long and never throws: a client that went away is nothing to report.
 * Stateless; any thread (the selector thread refuses and drops, a dispatch refuses when busy).
 */
final class Connections {
    private Connections() {
    }

    /** Sends one error line and exit status 1, then closes; never blocks. */
    static void answerAndClose(SocketChannel ch, String message) {
        answerAndClose(ch, message, 1);
    }

    /**
     * Sends one error line and {@code status}, then closes. Never blocks for long: the answer is a
     * few hundred bytes, which a socket buffer holds; what the client sent is read first (at most
     * a request's worth), so closing does not discard data the client is still to read.
     */
    static void answerAndClose(SocketChannel ch, String message, int status) {
        try (ch) {
            byte[] text = ("forge-perf: " + message + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(text.length + 10);
            b.put(Protocol.ERR).putInt(text.length).put(text).put(Protocol.EXIT).putInt(status).flip();
            if (ch.isBlocking()) {
                ch.configureBlocking(false);
            }
            writeWithoutBlocking(ch, b);
            ByteBuffer drain = ByteBuffer.allocate(4096);
            for (int total = 0; total < Protocol.MAX_REQUEST_BYTES; ) {
                int n = ch.read(drain);
                if (n <= 0) {
                    break;
                }
                total += n;
                drain.clear();
            }
        } catch (IOException | RuntimeException ignored) {
            // client gone
        }
    }

    /**
     * Sends an {@link Protocol#ALIVE} frame on a channel in non-blocking mode that has sent the
     * client nothing yet (its five bytes fit the empty socket buffer); never blocks, never throws.
     */
    static void sayAlive(SocketChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(5);
            b.put(Protocol.ALIVE).putInt(0).flip();
            writeWithoutBlocking(ch, b);
        } catch (IOException | RuntimeException gone) {
            // the client went away: its request is answered into the void
        }
    }

    /** Writes a few bytes to a channel in non-blocking mode: up to 100 tries, what the socket buffer takes. */
    private static void writeWithoutBlocking(SocketChannel ch, ByteBuffer b) throws IOException {
        for (int i = 0; i < 100 && b.hasRemaining(); i++) {
            if (ch.write(b) == 0) {
                Thread.onSpinWait();
            }
        }
    }

    static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
