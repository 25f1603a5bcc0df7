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
 * <p>{@code SO_PEERCRED} comes from the {@code jdk.net} module. A JVM started without it (a jlink
 * image, {@code --limit-modules}, jshell's remote agent) still has the file modes: the socket is
 * 0600 in a 0700 folder of the owner, so the kernel lets only the owner and root connect (a
 * process that may ignore file modes is root's). Then those are the check, said once in the
 * agent's log and by {@link #mode()}; the {@code jdk.net} classes are never touched, so their
 * absence cannot fail a connection.
 *
 * <p>Immutable; thread-safe.
 */
final class PeerCheck {
    /** Is {@code jdk.net} (and so {@code SO_PEERCRED}) in this JVM? */
    static final boolean PEER_CREDENTIALS = ModuleLayer.boot().findModule("jdk.net").isPresent();

    private final UserPrincipal owner;
    /** Null when this system has no user named root. */
    private final UserPrincipal root;
    private final boolean peerCredentials;

    PeerCheck(UserPrincipal owner, UserPrincipal root, boolean peerCredentials) {
        this.owner = owner;
        this.root = root;
        this.peerCredentials = peerCredentials;
    }

    /** How peers are checked, for {@code status}: {@code "SO_PEERCRED"} or {@code "file modes"}. */
    String mode() {
        return peerCredentials ? "SO_PEERCRED" : "file modes";
    }

    /**
     * The owner of this process and root.
     *
     * @throws IOException when the owner of {@code /proc/self} cannot be read
     */
    static PeerCheck ofThisProcess() throws IOException {
        PeerCheck check = new PeerCheck(Files.getOwner(Path.of("/proc/self")), rootPrincipal(), PEER_CREDENTIALS);
        if (!check.peerCredentials) {
            dev.forgeperf.util.Log.debug("control socket: this JVM has no jdk.net module (a jlink image or --limit-modules), so the peer's user"
                    + " is not read (SO_PEERCRED); the socket's file modes (0600 in a 0700 folder) let only its owner and root connect;"
                    + " add --add-modules jdk.net for the check too");
        }
        return check;
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
        if (!peerCredentials) {
            return null;
        }
        return Credentials.refusal(ch, owner, root);
    }

    /** The {@code jdk.net} part, loaded only when that module is there. */
    private static final class Credentials {
        private Credentials() {
        }

        static String refusal(SocketChannel ch, UserPrincipal owner, UserPrincipal root) throws IOException {
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (peer == null || !(owner.equals(peer.user()) || peer.user().equals(root))) {
                String who = peer == null ? "an unknown user" : "user " + peer.user().getName();
                return "connection refused: " + who + " is not the owner of this JVM (" + owner.getName() + ") nor root; run forge-perf as "
                        + owner.getName();
            }
            return null;
        }
    }
}
