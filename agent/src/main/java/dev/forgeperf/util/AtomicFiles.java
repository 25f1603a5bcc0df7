package dev.forgeperf.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that a reader never sees half of one: into a temporary file beside the target,
 * then renamed over it. On any failure the temporary file is removed and the target untouched.
 *
 * <p>The rule for every output a user names ({@link #checkTarget}, {@link #writeVia}): an existing
 * file is refused unless forced (then replaced, a link itself and never what it points to), a
 * directory is never replaced; data files are 0600 and are made inside a private (0700) temporary
 * folder, so no other user can open them half-written; errors name the user's path and the cause
 * ({@code permission denied}, {@code no space left on device}), never the temporary name.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes what {@code body} produces to {@code target}, atomically. */
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path target, Body body) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IOException("directory " + dir + " does not exist");
        }
        Path tmp = createTemp(dir == null ? Path.of("") : dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                body.writeTo(out);
            }
            moveIntoPlace(tmp, target);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Writes a file at a path it is given (inside a private temporary folder). */
    public interface PathBody {
        void writeTo(Path file) throws IOException;
    }

    /**
     * Checks an output path before any work: its directory exists, and it is not a directory, nor
     * an existing file (or link) unless {@code force}.
     *
     * @throws IOException with a one-line message naming {@code target} and what to do
     */
    public static void checkTarget(Path target, boolean force) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("cannot write " + target + ": directory " + dir + " does not exist");
        }
        if (Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("cannot write " + target + ": it is a directory");
        }
        if (!force && Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(target + " already exists; add --force to replace it");
        }
    }

    /**
     * Writes {@code target} under the output rule: {@code body} writes a file named like the target
     * inside a new private (0700) folder beside it (registered with {@link PendingFiles} so that a
     * JVM killed meanwhile leaves nothing behind for long); the file is made 0600 and moved into place
     * (over an existing one only when {@code force}); the folder is removed in every case.
     *
     * @return the size of the file written
     * @throws IOException naming {@code target} and the cause
     */
    public static long writeVia(Path target, boolean force, PathBody body) throws IOException {
        checkTarget(target, force);
        Path dir = target.toAbsolutePath().getParent();
        Path tmpDir;
        try {
            tmpDir = createPendingTempDir(dir, "." + target.getFileName() + ".");
        } catch (IOException e) {
            throw failure(target, e);
        }
        try {
            Path tmp = tmpDir.resolve(target.getFileName().toString());
            try {
                body.writeTo(tmp);
                if (!Files.isRegularFile(tmp, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("nothing was written");
                }
                Files.setPosixFilePermissions(tmp, OWNER_ONLY);
                long size = Files.size(tmp);
                moveIntoPlace(tmp, target, force);
                return size;
            } catch (IOException e) {
                IOException f = failure(target, e);
                String m = f.getMessage();
                if (m != null && m.contains(tmpDir.toString())) {
                    // a message of the JVM's (a heap dump's, say) naming the temporary file: name the user's instead
                    f = new IOException(m.replace(tmp.toString(), target.toString()).replace(tmpDir.toString(), String.valueOf(dir)), e);
                }
                throw f;
            }
        } finally {
            deleteTree(tmpDir);
            PendingFiles.remove(tmpDir);
        }
    }

    /** {@link #writeVia} for what a stream body produces. */
    public static long writeNew(Path target, boolean force, Body body) throws IOException {
        return writeVia(target, force, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
                body.writeTo(out);
            }
        });
    }

    /**
     * Creates a new owner-only (0700) folder {@code dir/prefix<pid>.<random>.tmp}, its mode set
     * atomically with its creation.
     */
    public static Path createPrivateTempDir(Path dir, String prefix) throws IOException {
        return createTempDir(dir, prefix, false);
    }

    /**
     * {@link #createPrivateTempDir}, noted with {@link PendingFiles} before it is created (so a JVM
     * killed at any moment after leaves it listed for clean-up); the caller calls
     * {@link PendingFiles#remove} once it is gone.
     */
    public static Path createPendingTempDir(Path dir, String prefix) throws IOException {
        return createTempDir(dir, prefix, true);
    }

    private static Path createTempDir(Path dir, String prefix, boolean pending) throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.toAbsolutePath().resolve(prefix + ProcessHandle.current().pid() + "." + Long.toUnsignedString(random.nextLong(), 36) + ".tmp");
            if (pending) {
                PendingFiles.add(tmp);
            }
            try {
                return Files.createDirectory(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } catch (IOException e) {
                if (pending) {
                    PendingFiles.remove(tmp);
                }
                if (!(e instanceof java.nio.file.FileAlreadyExistsException) || attempt == 100) {
                    throw e;
                }
            }
        }
    }

    /**
     * Moves {@code source} to {@code target}; an existing target is replaced only when
     * {@code force} (without it the move fails, atomically, when the target appears meanwhile).
     */
    public static void moveIntoPlace(Path source, Path target, boolean force) throws IOException {
        if (force) {
            moveIntoPlace(source, target);
            return;
        }
        if (Files.isRegularFile(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createLink(target, source);
                Files.delete(source);
                return;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw new IOException(target + " already exists; add --force to replace it");
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException noHardLinks) {
                if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException(target + " already exists; add --force to replace it");
                }
                // a file system without hard links: the check above and the rename below
            }
        }
        Files.move(source, target);
    }

    /**
     * A one-line failure naming the user's {@code target} and the cause
     * ({@code permission denied}, {@code no space left on device}, …), never a temporary name.
     */
    public static IOException failure(Path target, IOException e) {
        String m = e.getMessage();
        if (m != null && (m.startsWith("cannot write " + target) || m.startsWith(target + " already exists"))) {
            return e;
        }
        return new IOException("cannot write " + target + ": " + reason(e), e);
    }

    /**
     * Null when a file can be created in {@code dir}; else why not, in a few words:
     * {@code read-only file system} or {@code permission denied}.
     */
    public static String notWritable(Path dir) {
        if (Files.isWritable(dir)) {
            return null;
        }
        try {
            if (Files.getFileStore(dir).isReadOnly()) {
                return "read-only file system";
            }
        } catch (IOException | RuntimeException e) {
            // no store to ask: the mode is the reason
        }
        return "permission denied";
    }

    /** The cause of an I/O failure in a few words, without the paths it names. */
    public static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t instanceof java.nio.file.FileSystemException ? ((java.nio.file.FileSystemException) t).getReason() : t.getMessage();
            if (t instanceof java.nio.file.AccessDeniedException) {
                return "permission denied";
            }
            if (t instanceof java.nio.file.NoSuchFileException) {
                return "no such file or directory";
            }
            if (m != null) {
                String lower = m.toLowerCase(java.util.Locale.ROOT);
                for (String known : new String[] {"no space left on device", "disk quota exceeded", "permission denied", "read-only file system",
                        "file too large", "input/output error"}) {
                    if (lower.contains(known)) {
                        return known;
                    }
                }
            }
        }
        String m = e instanceof java.nio.file.FileSystemException && ((java.nio.file.FileSystemException) e).getReason() != null
                ? ((java.nio.file.FileSystemException) e).getReason() : e.getMessage();
        return m == null ? e.toString() : m;
    }

    /** Removes a file or a folder and everything in it, never following a link (a link is removed itself); best effort. */
    public static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    try {
                        Files.deleteIfExists(dir);
                    } catch (IOException notEmpty) {
                        // best effort
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Creates a new, empty, owner-only (0600) file {@code dir/prefix<random>suffix}, like
     * {@code Files.createTempFile} but without its {@code SecureRandom} (whose seeding costs a
     * command-line tool about 10 ms at start-up; a temporary name needs no cryptographic randomness,
     * and the file is created exclusively).
     */
    public static Path createTemp(Path dir, String prefix, String suffix) throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve(prefix + Long.toUnsignedString(random.nextLong()) + suffix);
            try {
                try {
                    return Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } catch (UnsupportedOperationException notPosix) {
                    return Files.createFile(tmp);
                }
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                if (attempt == 100) {
                    throw taken;
                }
            }
        }
    }

    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY =
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY_DIR =
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");

    /** Renames {@code source} to {@code target}, atomically where the file system allows. */
    public static void moveIntoPlace(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
