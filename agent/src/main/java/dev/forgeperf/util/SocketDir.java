package dev.forgeperf.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
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
     * Creates the directory owner-only (0700, atomically with its mode), or checks an existing one:
     * it must be a real directory (not a link) owned by this user with mode 0700. A directory that
     * is not is refused, never tightened: forge-perf does not change the mode of a directory it did
     * not create (a shared {@code FORGE_PERF_DIR=/tmp} would lock every other user out).
     *
     * @throws IOException with a one-line reason when the directory cannot be used safely
     */
    public static Path ensure() throws IOException {
        Path dir = path();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // created by another JVM of ours in the meantime; checked below
            }
        }
        checkPrivateDir(dir, "socket directory");
        return dir;
    }

    /**
     * Checks, without following links, that {@code dir} is a directory owned by this user with mode
     * 0700.
     *
     * @param what how the message names it, e.g. {@code socket directory}
     * @throws IOException with a one-line reason (what is wrong and what to do) when it is not
     */
    public static void checkPrivateDir(Path dir, String what) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink() || !a.isDirectory()) {
            throw new IOException(what + " " + dir + " is " + (a.isSymbolicLink() ? "a symbolic link" : "not a directory")
                    + "; remove it or choose another place (FORGE_PERF_DIR)");
        }
        int owner = ownerUid(dir);
        int me = currentUid();
        if (owner != me) {
            throw new IOException(what + " " + dir + " belongs to uid " + owner + ", not to uid " + me + "; remove it or choose another place (FORGE_PERF_DIR)");
        }
        if (!a.permissions().equals(OWNER_ONLY_DIR)) {
            throw new IOException(what + " " + dir + " has mode " + PosixFilePermissions.toString(a.permissions())
                    + ", not rwx------; forge-perf does not change the mode of a directory it did not create: set FORGE_PERF_DIR to a new path"
                    + " or make it private (chmod 700)");
        }
    }

    /**
     * A private folder {@code name} inside the socket directory (which must be checked already), for
     * this JVM's own files ({@code jfr-<pid>}, {@code snapshots}). Created 0700 when absent. An entry
     * of that name that is not a directory of ours with mode 0700 (a link, a file, someone else's
     * folder) is never used: a link or file is removed (the link itself, never what it points to) and a
     * fresh folder made; a folder that is not ours or not private is refused.
     *
     * @throws IOException with a one-line reason when no safe folder can be had
     */
    public static Path privateChild(Path socketDir, String name) throws IOException {
        Path dir = socketDir.resolve(name);
        for (int attempt = 0; ; attempt++) {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                return dir;
            } catch (java.nio.file.FileAlreadyExistsException exists) {
                PosixFileAttributes a;
                try {
                    a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue;
                }
                if (a.isDirectory()) {
                    checkPrivateDir(dir, "folder");
                    return dir;
                }
                if (attempt > 0) {
                    throw new IOException("cannot make the folder " + dir + ": something else keeps appearing under that name");
                }
                Files.delete(dir);
            }
        }
    }

    /** Whether {@code file} is an entry of ours (owned by this user), not following links. */
    public static boolean ours(Path file) {
        int owner = ownerUid(file);
        return owner >= 0 && owner == currentUid();
    }
}
