package dev.forgeperf.jfr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import dev.forgeperf.util.Log;
import dev.forgeperf.runtime.HeapGuard;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;

/**
 * Hands each finished chunk of the JFR repository (where the continuous recording writes) to a
 * {@link Consumer} exactly once, so that cumulative profiles are built incrementally instead of
 * re-reading the recording: {@link #catchUp} lists the repository
 * ({@code System.getProperty("jdk.jfr.repository")}), skips the chunk still being written (its
 * header's file-state byte is not 0), the chunks read before, and the chunks that ended before
 * this feed began, and gives the consumer the others, oldest first. With {@code rotate} it first
 * makes JFR finish the chunk in progress (a snapshot, about 20 ms), so that what was recorded up to
 * now is read; {@link #catchUpRecent} does so only when no chunk was finished that way within
 * {@link #FRESH_NANOS} before the call, so that a burst of requests (a scraper asking for several
 * profiles at once) finishes one chunk, not one each: every rotation starts a new chunk file that
 * repeats the metadata and fragments the recording.
 *
 * <p>The repository also holds the events of other recordings running at the same time (e.g. a
 * focused profile's), as JFR writes one stream for all of them.
 *
 * <p>Memory: the names of the chunks read, for as long as they are in the repository. A chunk is
 * read only when {@link HeapGuard} finds room for reading it; otherwise it waits for the next call
 * and is counted ({@link #deferred()}). Thread-safe: calls are serialized.
 */
public final class ChunkFeed {
    /** Reads one finished chunk. */
    @FunctionalInterface
    public interface Consumer {
        void chunk(Path chunk, long chunkEndEpochNanos) throws IOException;
    }

    private final Supplier<ContinuousRecording> recording;
    private final long sinceEpochNanos;
    private final Consumer consumer;
    private final Set<Path> read = new HashSet<>();
    private long chunksRead;
    private long bytesRead;
    private long deferred;
    private long missed;
    private long lastEndEpochNanos;
    private long lastRotationNanos;
    private boolean rotated;
    private long rotations;

    /** How recent a rotation {@link #catchUpRecent} accepts instead of making another: 1 s. */
    public static final long FRESH_NANOS = 1_000_000_000L;

    /**
     * @param recording        the agent's continuous recording now (null when off)
     * @param sinceEpochNanos  chunks that ended before this are skipped (the consumer filters the events of the chunk that spans it)
     */
    public ChunkFeed(Supplier<ContinuousRecording> recording, long sinceEpochNanos, Consumer consumer) {
        this.recording = recording;
        this.sinceEpochNanos = sinceEpochNanos;
        this.consumer = consumer;
        this.lastEndEpochNanos = sinceEpochNanos;
    }

    /** Whether the continuous recording runs, so that chunks keep coming. */
    public boolean live() {
        ContinuousRecording r = recording.get();
        return r != null && r.running();
    }

    /**
     * Reads the chunks finished since the last call.
     *
     * @param rotate first finish the chunk in progress (only when the continuous recording runs)
     * @return the end of the newest chunk read so far (epoch nanoseconds): the data reaches up to there
     */
    public synchronized long catchUp(boolean rotate) throws IOException {
        if (rotate && live()) {
            rotate();
        }
        return readFinished();
    }

    /**
     * Reads the chunks finished since the last call, first finishing the chunk in progress unless
     * that was done at or after {@code askedNanos - }{@link #FRESH_NANOS} ({@link System#nanoTime}
     * when the caller's request arrived): what was recorded up to at most 1 s before the request
     * is read, and requests that arrive together share one rotation.
     *
     * @return the end of the newest chunk read so far (epoch nanoseconds)
     */
    public synchronized long catchUpRecent(long askedNanos) throws IOException {
        if (live() && (!rotated || lastRotationNanos - (askedNanos - FRESH_NANOS) < 0)) {
            rotate();
        }
        return readFinished();
    }

    private void rotate() {
        lastRotationNanos = System.nanoTime();
        rotated = true;
        rotations++;
        Recording snapshot = FlightRecorder.getFlightRecorder().takeSnapshot(); // finishes the chunk in progress
        snapshot.close();
    }

    /** Chunks this feed made JFR finish (each a new chunk file in the repository). */
    public synchronized long rotations() {
        return rotations;
    }

    private long readFinished() throws IOException {
        String repo = System.getProperty("jdk.jfr.repository");
        if (repo == null) {
            return lastEndEpochNanos;
        }
        Path dir = Path.of(repo);
        List<Path> chunks = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jfr")) {
            for (Path p : ds) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    chunks.add(p);
                }
            }
        } catch (NoSuchFileException e) {
            return lastEndEpochNanos;
        }
        chunks.sort(null);
        read.retainAll(new HashSet<>(chunks));
        for (Path chunk : chunks) {
            if (read.contains(chunk)) {
                continue;
            }
            long[] header = header(chunk);
            if (header == null) {
                continue; // in progress, or gone
            }
            long end = header[0] + header[1];
            if (end < sinceEpochNanos) {
                read.add(chunk);
                continue;
            }
            long size = header[2];
            if (!HeapGuard.hasRoom(HeapGuard.analysisNeed(size))) {
                deferred++;
                break; // oldest first: the rest waits too
            }
            try {
                consumer.chunk(chunk, end);
                chunksRead++;
                bytesRead += size;
                lastEndEpochNanos = Math.max(lastEndEpochNanos, end);
            } catch (NoSuchFileException e) {
                missed++;
            } catch (IOException | RuntimeException e) {
                missed++;
                Log.failureOnce("pprof chunk", "cumulative profiles: cannot read the JFR chunk " + chunk + " (left out)", e);
            }
            read.add(chunk);
        }
        return lastEndEpochNanos;
    }

    /**
     * A finished chunk's start and duration (epoch nanoseconds) and size, or null when it is still
     * being written (file-state byte at offset 64 not 0), not a whole chunk, or gone.
     */
    static long[] header(Path chunk) {
        try (FileChannel ch = FileChannel.open(chunk, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer h = ByteBuffer.allocate(68);
            while (h.hasRemaining() && ch.read(h, h.position()) > 0) {
                // fill
            }
            if (h.hasRemaining() || h.getInt(0) != 0x464C5200 || h.get(64) != 0) {
                return null;
            }
            long size = h.getLong(8);
            if (size < 68 || size > ch.size()) {
                return null;
            }
            return new long[] {h.getLong(32), h.getLong(40), size};
        } catch (IOException e) {
            return null;
        }
    }

    public synchronized long chunksRead() {
        return chunksRead;
    }

    public synchronized long bytesRead() {
        return bytesRead;
    }

    /** Times a chunk waited for heap room. */
    public synchronized long deferred() {
        return deferred;
    }

    /** Chunks that could not be read (gone before their turn, or unreadable). */
    public synchronized long missed() {
        return missed;
    }
}
