package dev.forgeperf.control;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.forgeperf.util.SocketDir;

/**
 * Finds the control sockets of every user's JVMs, for root: the socket directory depends on the
 * JVM's user and environment, so instead the kernel's table of listening Unix sockets
 * ({@code /proc/net/unix}) is read for a path ending in {@code <pid>.sock} (or the
 * {@code <pid>.sock.new} it was bound as before its rename), and a socket counts only when process
 * {@code pid} itself holds it open (an entry of {@code /proc/<pid>/fd}, which only root and the
 * process's owner can read), the socket file and its directory belong to the process's user, and
 * the directory is writable by nobody else. What another user planted is never used.
 */
public final class AgentSockets {
    private static final Pattern AGENT_SOCKET = Pattern.compile("/(\\d+)\\.sock(\\.new)?$");
    private static final int ACCEPTING = 0x10000; // __SO_ACCEPTCON: a listening socket

    private AgentSockets() {
    }

    /** True when this process runs as root. */
    public static boolean asRoot() {
        return SocketDir.currentUid() == 0;
    }

    /** The owning uid of a process, or -1 when it is gone or cannot be told. */
    public static int uidOf(long pid) {
        return SocketDir.ownerUid(Path.of("/proc", String.valueOf(pid)));
    }

    /** The user name of {@code uid} as the system knows it, else the number. */
    public static String userName(int uid) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":", 4);
                if (f.length > 2 && f[2].equals(String.valueOf(uid))) {
                    return f[0];
                }
            }
        } catch (IOException | RuntimeException e) {
            // the number will do
        }
        return String.valueOf(uid);
    }

    /** The agent socket of {@code pid} found through the kernel's socket table, or null. */
    public static Path find(long pid) {
        return all().get(pid);
    }

    /** Every agent socket in the kernel's table that passes the checks above, by pid. */
    public static Map<Long, Path> all() {
        Map<Long, Path> found = new TreeMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/net/unix"));
        } catch (IOException | RuntimeException e) {
            return found;
        }
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+", 8);
            if (f.length < 8) {
                continue;
            }
            Matcher m = AGENT_SOCKET.matcher(f[7]);
            if (!m.find()) {
                continue;
            }
            try {
                if ((Integer.parseInt(f[3], 16) & ACCEPTING) == 0) {
                    continue;
                }
                long pid = Long.parseLong(m.group(1));
                long inode = Long.parseLong(f[6]);
                Path socket = Path.of(f[7].substring(0, m.start())).resolve(pid + ".sock");
                if (!found.containsKey(pid) && holds(pid, inode) && trusted(socket, uidOf(pid))) {
                    found.put(pid, socket);
                }
            } catch (RuntimeException malformed) {
                // not one of ours
            }
        }
        return found;
    }

    /** True when process {@code pid} has the socket {@code inode} open. */
    private static boolean holds(long pid, long inode) {
        String wanted = "socket:[" + inode + "]";
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(wanted)) {
                        return true;
                    }
                } catch (IOException | RuntimeException closed) {
                    // closed meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** The socket file and its directory belong to {@code uid}, and the directory is no one else's to write. */
    private static boolean trusted(Path socket, int uid) {
        if (uid < 0) {
            return false;
        }
        Path dir = socket.getParent();
        try {
            if (dir == null || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || SocketDir.ownerUid(dir) != uid
                    || SocketDir.ownerUid(socket) != uid || Files.isSymbolicLink(socket)) {
                return false;
            }
            int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0022) == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
