package dev.forgeperf.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Where control sockets live: {@code $FORGE_PERF_DIR} if set, else
 * {@code $XDG_RUNTIME_DIR/forge-perf}, else {@code ${java.io.tmpdir}/forge-perf-<uid>}; one
 * {@code <pid>.sock} per JVM. The directory is owner-only (0700), each socket 0600.
 */
public final class SocketDir {
    public static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private SocketDir() {
    }

    /** The socket directory for the current user (not created). */
    public static Path path() {
        String explicit = System.getenv("FORGE_PERF_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank() && Files.isDirectory(Path.of(xdg))) {
            return Path.of(xdg, "forge-perf");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "forge-perf-" + currentUid());
    }

    public static Path socketOf(long pid) {
        return path().resolve(pid + ".sock");
    }

    /** The effective uid of this process, or -1 where it cannot be told. */
    public static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The owning uid of a file, not following links, or -1. */
    public static int ownerUid(Path file) {
        try {
            return (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Creates the directory owner-only, or checks an existing one: it must be a real directory
     * (not a link) owned by this user; its mode is tightened to 0700.
     *
     * @throws IOException with a one-line reason when the directory cannot be used safely
     */
    public static Path ensure() throws IOException {
        Path dir = path();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent() == null ? dir : dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // created by another JVM of ours in the meantime; checked below
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory");
        }
        int owner = ownerUid(dir);
        int me = currentUid();
        if (owner != me) {
            throw new IOException("socket directory " + dir + " belongs to uid " + owner + ", not to uid " + me);
        }
        Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
        return dir;
    }
}
