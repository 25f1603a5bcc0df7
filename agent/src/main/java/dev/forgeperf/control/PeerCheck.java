package dev.forgeperf.control;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Who may use the control socket: the JVM's owner and root, as the JDK's attach listener allows.
 * The peer is the user the kernel names for the connection ({@code SO_PEERCRED}), not anything the
 * client says; a connection whose peer cannot be named is refused.
 *
 * <p>Immutable; thread-safe.
 */
final class PeerCheck {
    private final UserPrincipal owner;
    /** Null when this system has no user named root. */
    private final UserPrincipal root;

    private PeerCheck(UserPrincipal owner, UserPrincipal root) {
        this.owner = owner;
        this.root = root;
    }

    /**
     * The owner of this process and root.
     *
     * @throws IOException when the owner of {@code /proc/self} cannot be read
     */
    static PeerCheck ofThisProcess() throws IOException {
        return new PeerCheck(Files.getOwner(Path.of("/proc/self")), rootPrincipal());
    }

    private static UserPrincipal rootPrincipal() {
        try {
            return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("root");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Null when the peer of {@code ch} is the owner or root; else the one line that tells it why it
     * is not served.
     *
     * @throws IOException when the peer cannot be read (the connection is unusable)
     */
    String refusal(SocketChannel ch) throws IOException {
        UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        if (peer == null || !(owner.equals(peer.user()) || peer.user().equals(root))) {
            String who = peer == null ? "an unknown user" : "user " + peer.user().getName();
            return "connection refused: " + who + " is not the owner of this JVM (" + owner.getName() + ") nor root; run forge-perf as "
                    + owner.getName();
        }
        return null;
    }
}
