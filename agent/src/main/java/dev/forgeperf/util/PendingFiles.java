package dev.forgeperf.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;


/**
 * Temporary files and folders being written now (a heap dump, a recording, a snapshot under its
 * hidden name), so that they do not outlive their JVM: removed by a shutdown hook at exit, and,
 * when the JVM was killed, by {@code forge-perf list}, which reads the list this JVM keeps in
 * {@code <pid>.pending} beside its control socket (kept only while the JVM has a socket there).
 * The hook is registered with the first file and removed by {@link #unhook()} when the agent
 * detaches (it would otherwise keep this class, and so the agent's class loader, for the JVM's
 * life); a later file registers it again.
 *
 * <p>Thread-safe. Called a few times per dump, never on a hot path.
 */
public final class PendingFiles {
    /** The most a {@code <pid>.pending} file may hold; a larger one is not read. */
    static final int MAX_LIST_BYTES = 64 * 1024;

    private static final Set<Path> PENDING = new LinkedHashSet<>();
    /** The registered shutdown hook, or null. */
    private static Thread hook;

    private PendingFiles() {
    }

    /** Notes {@code tmp} (absolute) as being written by this JVM. */
    public static synchronized void add(Path tmp) {
        PENDING.add(tmp.toAbsolutePath());
        if (hook == null) {
            Thread t = new Thread(new Cleanup(), "forge-perf-pending-cleanup");
            try {
                Runtime.getRuntime().addShutdownHook(t);
                hook = t;
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting already; the caller's finally removes the file
            }
        }
        save();
    }

    /**
     * Removes the shutdown hook (the agent detaches). Files still listed stay listed: their writers
     * remove them when they end, and the next {@link #add} registers the hook again.
     */
    public static synchronized void unhook() {
        Thread t = hook;
        if (t == null) {
            return;
        }
        hook = null;
        try {
            Runtime.getRuntime().removeShutdownHook(t);
        } catch (IllegalStateException exiting) {
            // the JVM exits: the hook runs anyway
        }
    }

    /** The shutdown hook's task (a named class: {@code jcmd GC.class_histogram} shows whether a hook is held). */
    private static final class Cleanup implements Runnable {
        @Override
        public void run() {
            removeAll();
        }
    }

    /** Notes that {@code tmp} is gone (moved into place or deleted). */
    public static synchronized void remove(Path tmp) {
        if (PENDING.remove(tmp.toAbsolutePath())) {
            save();
        }
    }

    private static synchronized void removeAll() {
        for (Path p : new ArrayList<>(PENDING)) {
            AtomicFiles.deleteTree(p);
        }
        PENDING.clear();
        save();
    }

    /** Writes the list beside this JVM's control socket, or removes it when empty. Best effort. */
    private static void save() {
        long pid = ProcessHandle.current().pid();
        Path socket = SocketDir.socketOf(pid);
        Path list = socket.resolveSibling(pid + ".pending");
        try {
            if (PENDING.isEmpty()) {
                Files.deleteIfExists(list);
                return;
            }
            if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            StringBuilder b = new StringBuilder();
            for (Path p : PENDING) {
                b.append(p).append('\n');
            }
            AtomicFiles.writeString(list, b.toString());
        } catch (IOException | RuntimeException e) {
            // the list only helps clean up after a killed JVM; the shutdown hook still works
        }
    }

    /**
     * Removes what a JVM that is gone left half-written, as listed in its {@code <pid>.pending}
     * file in {@code socketDir}, and the list. Only entries that look like ours are touched: a
     * hidden name carrying that pid, owned by this user, never followed through a link.
     *
     * @return the entries removed
     */
    public static List<Path> cleanUpAfter(Path socketDir, long pid) {
        List<Path> removed = new ArrayList<>();
        Path list = socketDir.resolve(pid + ".pending");
        try {
            PosixFileAttributes a = Files.readAttributes(list, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isRegularFile() && SocketDir.ours(list) && a.size() <= MAX_LIST_BYTES) {
                for (String line : new String(Files.readAllBytes(list), StandardCharsets.UTF_8).split("\n")) {
                    if (line.isBlank()) {
                        continue;
                    }
                    Path p = Path.of(line);
                    String name = p.getFileName() == null ? "" : p.getFileName().toString();
                    if (p.isAbsolute() && name.startsWith(".") && name.contains("." + pid + ".") && name.endsWith(".tmp")
                            && Files.exists(p, LinkOption.NOFOLLOW_LINKS) && SocketDir.ours(p)) {
                        AtomicFiles.deleteTree(p);
                        removed.add(p);
                    }
                }
            }
            Files.deleteIfExists(list);
        } catch (IOException | RuntimeException e) {
            // nothing listed, or not ours: leave it
        }
        return removed;
    }
}
