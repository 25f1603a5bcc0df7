package dev.forgeperf.control;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Sends one command line to an agent's control socket and streams back its answer. */
public final class ControlClient {
    private ControlClient() {
    }

    /**
     * Runs {@code args} in the agent listening on {@code socket}.
     *
     * @return the command's exit status
     * @throws IOException when the socket cannot be reached or the agent hung up mid-answer
     */
    public static int run(Path socket, Map<String, String> headers, List<String> args, Protocol.FrameSink sink) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch)));
            Protocol.writeRequest(out, headers, args);
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch)));
            try {
                return Protocol.readResponse(in, sink);
            } catch (EOFException e) {
                throw new IOException("the agent closed the connection before answering (did the JVM exit?)");
            }
        }
    }
}
