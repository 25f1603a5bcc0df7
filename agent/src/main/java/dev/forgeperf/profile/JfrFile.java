package dev.forgeperf.profile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the chunk headers of a JFR file say, checked before the JDK's parser sees the file, so that
 * a file that is not JFR or was cut short gets a precise one-line {@link ProfileException}:
 * {@code not a JFR file}, {@code truncated at byte N (…)} or {@code corrupted JFR recording: …}.
 *
 * <p>A JFR file is a sequence of chunks; each starts with the magic {@code FLR\0}, a version, and
 * its own size as a big-endian long at offset 8.
 *
 * @param path             the file
 * @param length           its size in bytes
 * @param chunks           number of chunks
 * @param startEpochNanos  start of the first chunk
 * @param endEpochNanos    end of the last chunk (start + duration)
 * @param chunkOffsets     where each chunk starts, in file order
 */
public record JfrFile(Path path, long length, int chunks, long startEpochNanos, long endEpochNanos, long[] chunkOffsets) {
    static final int HEADER_SIZE = 68;
    private static final int MAGIC = 0x464C5200; // "FLR\0"

    /** Whether the file starts with the JFR magic; false for files shorter than 4 bytes. */
    public static boolean hasMagic(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // fill
            }
            return !b.hasRemaining() && b.getInt(0) == MAGIC;
        }
    }

    /**
     * Walks the chunk headers of {@code path}.
     *
     * @throws ProfileException if the file is not JFR, is truncated or its chunk headers are corrupt
     * @throws IOException      if it cannot be read
     */
    public static JfrFile check(Path path) throws IOException {
        String name = path.toString();
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ProfileException(name + ": no such file");
        }
        try (ch) {
            long length = ch.size();
            ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE);
            long pos = 0;
            int chunks = 0;
            long start = Long.MAX_VALUE;
            long end = 0;
            long[] offsets = new long[8];
            while (pos < length) {
                h.clear();
                int n = readFully(ch, h, pos);
                if (n < 4 || h.getInt(0) != MAGIC) {
                    if (chunks == 0) {
                        throw new ProfileException(name + ": not a JFR file");
                    }
                    throw new ProfileException(name + ": corrupted JFR recording: no chunk header at byte " + pos);
                }
                if (n < HEADER_SIZE) {
                    throw new ProfileException(name + ": truncated at byte " + length + " (chunk header at byte " + pos + " is incomplete)");
                }
                int major = h.getShort(4) & 0xFFFF;
                if (major != 1 && major != 2) {
                    throw new ProfileException(name + ": corrupted JFR recording: unknown format version " + major + "." + (h.getShort(6) & 0xFFFF)
                            + " at byte " + pos);
                }
                long size = h.getLong(8);
                if (size < HEADER_SIZE) {
                    throw new ProfileException(name + ": corrupted JFR recording: chunk at byte " + pos + " declares " + size + " bytes"
                            + (size == 0 ? " (a recording still being written?)" : ""));
                }
                if (size > length - pos) {
                    throw new ProfileException(name + ": truncated at byte " + length + " (chunk at byte " + pos + " declares " + size + " bytes)");
                }
                long chunkStart = h.getLong(32);
                long chunkDuration = h.getLong(40);
                start = Math.min(start, chunkStart);
                end = Math.max(end, chunkStart + Math.max(0, chunkDuration));
                if (chunks == offsets.length) {
                    offsets = java.util.Arrays.copyOf(offsets, chunks * 2);
                }
                offsets[chunks++] = pos;
                pos += size;
            }
            if (chunks == 0) {
                throw new ProfileException(name + ": not a JFR file");
            }
            return new JfrFile(path, length, chunks, start, end, java.util.Arrays.copyOf(offsets, chunks));
        }
    }

    private static int readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
