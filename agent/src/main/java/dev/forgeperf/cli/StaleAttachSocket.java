package dev.forgeperf.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.forgeperf.util.SocketDir;

/**
 * The JDK's attach socket ({@code /tmp/.java_pid<pid>}) left behind by an earlier process that had
 * the target's pid. A JVM makes that socket as its own user and, at start, removes a stale one it
 * may remove; it cannot remove one of another user in the sticky {@code /tmp} (a root JVM killed with
 * {@code SIGKILL}, then a JVM of {@code nobody} given the same pid). The JDK's attach then connects
 * to the dead socket and fails with "Connection refused" — {@code jcmd} as well. A socket there that
 * is not owned by the JVM's user cannot be the JVM's: as root we remove it (never following a link),
 * otherwise the error names it.
 */
final class StaleAttachSocket {
    private StaleAttachSocket() {
    }

    /** What {@link #clear} found: the socket, its owner, whether it is gone now. */
    record Found(Path path, int owner, boolean removed) {
    }

    /**
     * The attach socket the JDK would use for {@code pid} when it is not the JVM's ({@code targetUid}
     * does not own it), removed if {@code remove} and the file system lets us; null when there is
     * none, it is the JVM's own, or its owner cannot be read.
     */
    static Found clear(long pid, int targetUid, boolean remove) {
        if (targetUid < 0) {
            return null;
        }
        Path f = path(pid);
        int owner = SocketDir.ownerUid(f); // -1: none there, or cannot tell: leave it to the attach
        if (owner < 0 || owner == targetUid) {
            return null;
        }
        if (!remove) {
            return new Found(f, owner, false);
        }
        try {
            Files.delete(f); // unlinks the entry itself, a symbolic link included: nothing is followed
            return new Found(f, owner, true);
        } catch (IOException | RuntimeException e) {
            return new Found(f, owner, false);
        }
    }

    /**
     * Where the JDK's attach looks: {@code .java_pid<pid in the JVM's namespace>} in {@code /tmp} as
     * the JVM sees it ({@code /proc/<pid>/root/tmp}), as {@code sun.tools.attach.VirtualMachineImpl} does.
     */
    static Path path(long pid) {
        long nsPid = pid;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("NSpid:")) {
                    List<String> ids = List.of(line.substring(6).trim().split("\\s+"));
                    nsPid = Long.parseLong(ids.get(ids.size() - 1));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux or not readable: the pid as we see it
        }
        Path root = Path.of("/proc", Long.toString(pid), "root", "tmp");
        Path tmp = Files.isDirectory(root) && Files.isReadable(root) ? root : Path.of("/tmp");
        return tmp.resolve(".java_pid" + nsPid);
    }
}
