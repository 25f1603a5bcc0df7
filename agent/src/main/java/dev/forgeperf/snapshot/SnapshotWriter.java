package dev.forgeperf.snapshot;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.forgeperf.bootstrap.TimingSnapshot;
import dev.forgeperf.timing.TimingService;
import dev.forgeperf.timing.TimingTable;
import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.Json;
import dev.forgeperf.util.AgentInfo;
import dev.forgeperf.util.PendingFiles;

/**
 * Writes a snapshot: one folder with everything the agent holds at that moment. It is built in a
 * hidden temporary folder beside the target and renamed into place at the end, so the folder is
 * complete or absent. A part that cannot be made (JFR off, say) is listed in
 * {@code manifest.json} with the reason; the others are still written. The manifest also says how
 * long each part took ({@code partMillis}) and the whole snapshot ({@code totalMillis}).
 */
public final class SnapshotWriter {
    /** One part of a snapshot. */
    public interface Part {
        /** Writes the part's files into {@code dir}; throws to report why it could not. */
        void write(Path dir) throws Exception;
    }

    private final long pid;
    private final Map<String, Part> parts = new LinkedHashMap<>();
    private final Map<String, Part> finalParts = new LinkedHashMap<>();

    /**
     * @param pid the JVM's process id, for the manifest
     * @param timing method timing when the snapshot is written (null when off)
     */
    public SnapshotWriter(long pid, Supplier<TimingService> timing) {
        this.pid = pid;
        add("timings", dir -> writeTimings(dir, timing.get()));
    }

    /** Adds a part, run in the order added. */
    public SnapshotWriter add(String name, Part part) {
        parts.put(name, part);
        return this;
    }

    /**
     * Adds a part that reads the others (the reports): it runs after every other part, once
     * {@link #SnapshotLayout.MANIFEST} is written, so it sees a complete snapshot folder; the manifest is then
     * rewritten with its outcome.
     */
    public SnapshotWriter addFinal(String name, Part part) {
        finalParts.put(name, part);
        return this;
    }

    /**
     * Writes the snapshot to a new {@code target} (or into an empty folder of that name).
     *
     * @param progress told the name of each part as it starts (may be null)
     * @return the outcome of each part: "ok" or the reason it is missing
     * @throws IOException when the folder cannot be made or a part fails to be written (an I/O
     *     failure such as a full disk); nothing is left behind then
     */
    public Map<String, String> write(Path target, java.util.function.Consumer<String> progress) throws IOException {
        return write(target, false, progress);
    }

    /**
     * Writes the snapshot to {@code target}: complete, or not at all. A part may be absent only for
     * a stated reason that is not an I/O failure (JFR off, no samples); an I/O failure of any part
     * fails the whole snapshot. Every file is 0600 and every folder 0700. An existing empty folder
     * is used; an existing snapshot is replaced only when {@code force}; anything else is refused.
     *
     * @param progress told the name of each part as it starts (may be null)
     * @return the outcome of each part: "ok" or the reason it is missing
     * @throws IOException one line naming {@code target} and the cause; nothing is left behind then
     */
    public Map<String, String> write(Path target, boolean force, java.util.function.Consumer<String> progress) throws IOException {
        checkTarget(target, force);
        Path parent = target.toAbsolutePath().getParent();
        Path tmp;
        try {
            tmp = AtomicFiles.createPendingTempDir(parent, "." + target.getFileName() + ".");
        } catch (IOException e) {
            throw AtomicFiles.failure(target, e);
        }
        try {
            long start = System.nanoTime();
            Map<String, String> outcome = new LinkedHashMap<>();
            Map<String, Long> millis = new LinkedHashMap<>();
            run(parts, tmp, target, outcome, millis, progress);
            Map<String, Object> manifest = manifest(outcome);
            manifest.put("name", String.valueOf(target.getFileName()));
            manifest.put("partMillis", millis);
            manifest.put("totalMillis", (System.nanoTime() - start) / 1_000_000);
            writeManifest(tmp, target, manifest);
            if (!finalParts.isEmpty()) {
                run(finalParts, tmp, target, outcome, millis, progress);
                manifest.put("totalMillis", (System.nanoTime() - start) / 1_000_000);
                writeManifest(tmp, target, manifest);
            }
            makeOwnerOnly(tmp);
            moveIntoPlace(tmp, target, force);
            return outcome;
        } catch (IOException e) {
            throw AtomicFiles.failure(target, e);
        } finally {
            AtomicFiles.deleteTree(tmp);
            PendingFiles.remove(tmp);
        }
    }

    /** The output rule for a snapshot folder, checked before any work. */
    public static void checkTarget(Path target, boolean force) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IOException("cannot write " + target + ": directory " + parent + " does not exist");
        }
        if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(target + " already exists and is not a folder; choose a new folder");
        }
        if (isEmpty(target)) {
            return;
        }
        if (!force) {
            throw new IOException(target + " already exists and is not empty; choose a new folder or add --force to replace a snapshot");
        }
        if (!Files.isRegularFile(target.resolve(SnapshotLayout.MANIFEST), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(target + " is not empty and not a forge-perf snapshot (no " + SnapshotLayout.MANIFEST + "); refusing to replace it even with --force");
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        }
    }

    /** Moves the finished folder into place: a new name, an empty folder, or (forced) over an old snapshot, renamed away first. */
    private static void moveIntoPlace(Path tmp, Path target, boolean force) throws IOException {
        if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        checkTarget(target, force);
        if (isEmpty(target)) {
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        Path old = AtomicFiles.createPrivateTempDir(target.toAbsolutePath().getParent(), "." + target.getFileName() + ".old.");
        Files.delete(old);
        Files.move(target, old, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        try {
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.move(old, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            throw e;
        }
        AtomicFiles.deleteTree(old);
    }

    private void writeManifest(Path tmp, Path target, Map<String, Object> manifest) throws IOException {
        AtomicFiles.writeString(tmp.resolve(SnapshotLayout.MANIFEST), Json.write(manifest) + "\n");
    }

    /** Every file 0600, every folder 0700; links (none are made) are removed. */
    static void makeOwnerOnly(Path root) throws IOException {
        Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
                Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink() || !attrs.isRegularFile()) {
                    Files.delete(file);
                } else {
                    Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }

    private static final Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY_DIR =
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");
    private static final Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY_FILE =
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");

    /**
     * Runs {@code parts} in order, noting each one's outcome and how long it took (ms). A part that
     * fails with an I/O error fails the snapshot.
     */
    private static void run(Map<String, Part> parts, Path dir, Path target, Map<String, String> outcome, Map<String, Long> millis,
            java.util.function.Consumer<String> progress) throws IOException {
        for (Map.Entry<String, Part> p : parts.entrySet()) {
            if (progress != null) {
                progress.accept(p.getKey());
            }
            long start = System.nanoTime();
            try {
                p.getValue().write(dir);
                outcome.put(p.getKey(), "ok");
            } catch (Exception | LinkageError e) {
                IOException io = ioFailure(e);
                if (io != null) {
                    throw new IOException("cannot write " + target + ": " + p.getKey() + ": " + AtomicFiles.reason(io), io);
                }
                outcome.put(p.getKey(), e.getMessage() == null ? e.toString() : e.getMessage());
            }
            millis.put(p.getKey(), (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** The I/O failure in {@code e} or its causes, or null when it failed for another reason. */
    static IOException ioFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return (IOException) t;
            }
            if (t == t.getCause()) {
                break;
            }
        }
        return null;
    }

    /** The manifest; {@code outcome} is referenced, not copied. */
    private Map<String, Object> manifest(Map<String, String> outcome) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("forgePerfSnapshot", 1);
        manifest.put("pid", pid);
        manifest.put("mainClass", AgentInfo.mainClass());
        manifest.put("agentVersion", AgentInfo.VERSION);
        manifest.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        manifest.put("takenAt", Instant.now().toString());
        manifest.put("uptimeMillis", AgentInfo.uptimeMillis());
        manifest.put("parts", outcome);
        return manifest;
    }

    static void writeTimings(Path dir, TimingService t) throws IOException {
        List<TimingSnapshot> rows = TimingTable.sorted(TimingService.snapshots(), TimingTable.Sort.total);
        Set<String> active = t == null ? Set.of() : t.activeMethods();
        Files.writeString(dir.resolve(SnapshotLayout.TIMINGS_JSON), Json.write(TimingTable.rows(rows, active)) + "\n");
        StringWriter text = new StringWriter();
        TimingTable.print(new PrintWriter(text), rows, active);
        Files.writeString(dir.resolve(SnapshotLayout.TIMINGS_TXT), text.toString());
    }

    /** Removes a folder and everything in it, never following a link; best effort. */
    public static void deleteTree(Path dir) {
        AtomicFiles.deleteTree(dir);
    }
}
