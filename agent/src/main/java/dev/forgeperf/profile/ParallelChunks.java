package dev.forgeperf.profile;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.forgeperf.util.Failures;

/**
 * Reads the chunks of one JFR file with several threads: the caller's and one daemon thread
 * ({@value JfrReader#AGENT_THREAD_PREFIX}{@code jfr-reader-N}) per other {@link ChunkReader}, each
 * taking the next unread chunk (a shared counter) into its own reader, whose counts are then added to
 * the first one's ({@link ChunkReader#absorb}).
 *
 * <p>Failures: a reader that fails stops the others after their current chunk; since claims only
 * grow, every chunk before a failed one was read, and the failure thrown is the one of the earliest
 * chunk, so the message does not depend on thread timing. An interrupt of the caller stops the
 * readers, waits for them (none outlives the call) and throws {@link InterruptedIOException} with the
 * interrupt status set again.
 *
 * <p>Stateless; each call owns its threads and readers, which it joins before returning.
 */
final class ParallelChunks {
    private ParallelChunks() {
    }

    /**
     * Reads the chunks of {@code file} with {@code parts.length} threads (this one included), and
     * adds the others' raw samples to {@code parts[0]}.
     *
     * @param parts the readers, one per thread, new (no chunk read yet), of the same kind and window
     */
    static void read(JfrFile file, ChunkReader[] parts, long from, long to) throws IOException {
        int workers = parts.length;
        AtomicInteger claim = new AtomicInteger();
        Throwable[] failures = new Throwable[workers];
        Thread[] threads = new Thread[workers];
        for (int w = 1; w < workers; w++) {
            int first = w;
            threads[w] = new Thread(() -> {
                try {
                    parts[first].readChunks(file, claim, workers, from, to);
                } catch (Throwable t) {
                    failures[first] = t;
                    claim.set(file.chunks()); // the others stop after their current chunk
                }
            }, JfrReader.AGENT_THREAD_PREFIX + "jfr-reader-" + w);
            threads[w].setDaemon(true);
            threads[w].start();
        }
        try {
            parts[0].readChunks(file, claim, workers, from, to);
        } catch (IOException | RuntimeException | Error e) {
            failures[0] = e;
            claim.set(file.chunks());
        }
        // claims only grow, so every chunk before a failed one was read: the earliest failure does not depend on timing
        boolean interrupted = false;
        for (int w = 1; w < workers; w++) {
            while (true) {
                try {
                    threads[w].join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    claim.set(file.chunks()); // stop the readers, then wait for them: none outlives the call
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + file.path());
        }
        Throwable failure = earliest(parts, failures);
        Failures.rethrow(failure);
        for (int w = 1; w < workers; w++) {
            parts[0].absorb(parts[w]);
        }
    }

    /** The failure of the reader that stopped at the earliest chunk, so that the message does not depend on thread timing. */
    private static Throwable earliest(ChunkReader[] parts, Throwable[] failures) {
        Throwable first = null;
        int firstChunk = Integer.MAX_VALUE;
        for (int w = 0; w < parts.length; w++) {
            if (failures[w] != null && (first == null || parts[w].failedChunk() < firstChunk)) {
                first = failures[w];
                firstChunk = parts[w].failedChunk();
            }
        }
        return first;
    }
}
