package dev.forgeperf.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * Why the agent of a JVM is not running: a one-line note {@code <pid>.start-failed} (0600) in the
 * socket directory, written by an agent whose start failed or was refused, read by the CLI
 * ({@code attach}, {@code status}, {@code list}) where there is no socket to ask. Removed when the
 * agent of that JVM starts, and by {@code list} once the JVM is gone.
 *
 * <p>Writing is best effort and never throws (it runs where the agent is failing already); reading
 * trusts only a regular file of ours, not a link, of at most {@link #MAX_BYTES}.
 */
public final class StartFailure {
    /** The suffix of the note's name, after the pid. */
    public static final String SUFFIX = ".start-failed";
    /** The longest note read. */
    static final int MAX_BYTES = 4096;

    private StartFailure() {
    }

    /** The note's path for {@code pid} in the current user's socket directory (not created). */
    public static Path of(long pid) {
        return SocketDir.path().resolve(pid + SUFFIX);
    }

    /** Writes the note for this JVM; returns false (and says nothing) when it could not. */
    public static boolean record(long pid, String reason) {
        try {
            Path dir = SocketDir.ensure();
            AtomicFiles.writeString(dir.resolve(pid + SUFFIX), reason.replace('\n', ' ') + "\n");
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Removes this JVM's note, if any (a start that succeeded after an earlier failed one). */
    public static void clear(long pid) {
        try {
            Path note = of(pid);
            if (SocketDir.ours(note)) {
                Files.deleteIfExists(note);
            }
        } catch (IOException | RuntimeException e) {
            // a stale note is named with its pid and removed by list once the JVM is gone
        }
    }

    /**
     * The reason noted for the running process {@code pid}, or null: a note older than the process
     * (left by an earlier JVM with the same pid) does not count.
     */
    public static String readForRunning(long pid) {
        long started = ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).map(java.time.Instant::toEpochMilli).orElse(-1L);
        return started < 0 ? null : read(pid, started - 1000); // the start instant is counted in clock ticks
    }

    /**
     * The reason noted for {@code pid}, or null when there is none (or it is not a regular file of
     * ours, or it is older than {@code notBeforeMillis}).
     */
    public static String read(long pid, long notBeforeMillis) {
        Path note = of(pid);
        try {
            PosixFileAttributes a = Files.readAttributes(note, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || a.size() > MAX_BYTES || !SocketDir.ours(note) || a.lastModifiedTime().toMillis() < notBeforeMillis) {
                return null;
            }
            String text = new String(Files.readAllBytes(note), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? null : text;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
