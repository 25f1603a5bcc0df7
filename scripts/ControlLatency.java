import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * scripts/bench.sh control: round trips of one command on an agent's control socket, from one warm
 * client JVM (no CLI start-up), as the agent serves them: median, p99 and max in milliseconds.
 * Usage: java ControlLatency.java SOCKET N COMMAND ARGS...
 */
public class ControlLatency {
    public static void main(String[] a) throws Exception {
        String socket = a[0];
        int n = Integer.parseInt(a[1]);
        String[] command = Arrays.copyOfRange(a, 2, a.length);
        for (int i = 0; i < 20; i++) {
            call(socket, command); // warm-up
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            int exit = call(socket, command);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + exit);
            }
        }
        Arrays.sort(ms);
        System.out.printf(java.util.Locale.ROOT, "%s x%d: median %.1f ms, p99 %.1f ms, max %.1f ms%n", String.join(" ", command), n,
                ms[n / 2], ms[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)], ms[n - 1]);
    }

    /** One request in the control protocol (see dev.forgeperf.control.Protocol); the answer is read and dropped. */
    static int call(String socket, String[] args) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            DataOutputStream out = new DataOutputStream(Channels.newOutputStream(ch));
            out.writeInt(0x46505231);
            out.writeInt(0);
            out.writeInt(args.length);
            for (String s : args) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            }
            out.flush();
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            while (true) {
                byte t = in.readByte();
                if (t == 'X') {
                    return in.readInt();
                }
                in.skipNBytes(in.readInt());
            }
        }
    }
}
