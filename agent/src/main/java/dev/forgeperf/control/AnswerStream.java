package dev.forgeperf.control;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One answer on its way to the client: output frames, {@link Protocol#ALIVE} frames while the
 * command is quiet ({@link #beat}, for a client that asked for them), then the exit status, each
 * whole under one lock.
 *
 * <p>Thread-safety: any thread may write; {@link #beat} (the beat thread) never waits for the lock,
 * so a command blocked writing to a client that stopped reading holds up no one else's beats.
 * Nothing is written after the exit status.
 */
final class AnswerStream {
    private final DataOutputStream out;
    private final ReentrantLock lock = new ReentrantLock();
    /** When the last frame was written. Guarded by {@link #lock}. */
    private long lastWrite = System.nanoTime();
    /** The exit status is written or the client is gone. Guarded by {@link #lock}. */
    private boolean ended;

    AnswerStream(DataOutputStream out) {
        this.out = out;
    }

    /** Writes one output frame. */
    void frame(byte type, String text) throws IOException {
        lock.lock();
        try {
            if (ended) {
                throw new IOException("the answer is complete");
            }
            Protocol.writeFrame(out, type, text);
            lastWrite = System.nanoTime();
        } finally {
            lock.unlock();
        }
    }

    /** Writes the exit status; nothing follows it. */
    void exit(int status) throws IOException {
        lock.lock();
        try {
            ended = true;
            Protocol.writeExit(out, status);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes an {@link Protocol#ALIVE} frame if nothing was written for {@link Protocol#ALIVE_EVERY_MILLIS}
     * and no one is writing now; never waits for the lock. A write that fails ends the answer.
     */
    void beat() {
        if (!lock.tryLock()) {
            return;
        }
        try {
            if (ended || System.nanoTime() - lastWrite < TimeUnit.MILLISECONDS.toNanos(Protocol.ALIVE_EVERY_MILLIS)) {
                return;
            }
            Protocol.writeAlive(out);
            lastWrite = System.nanoTime();
        } catch (IOException | RuntimeException gone) {
            ended = true;
        } finally {
            lock.unlock();
        }
    }
}
