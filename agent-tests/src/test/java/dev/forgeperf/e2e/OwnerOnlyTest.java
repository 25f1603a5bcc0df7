package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Local means owner-only: another uid is refused by the CLI (socket not its own) and, when it
 * speaks the protocol directly after the file modes were loosened, by the agent's peer-uid check.
 */
class OwnerOnlyTest {
    private static final String RAW_CLIENT = """
            import java.io.*;
            import java.net.*;
            import java.nio.channels.*;
            public class RawClient {
                public static void main(String[] a) throws Exception {
                    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                        ch.connect(UnixDomainSocketAddress.of(a[0]));
                        DataOutputStream out = new DataOutputStream(Channels.newOutputStream(ch));
                        out.writeInt(0x46505231); out.writeInt(0); out.writeInt(2);
                        for (String s : new String[] {"status", "1"}) { byte[] b = s.getBytes("UTF-8"); out.writeInt(b.length); out.write(b); }
                        out.flush();
                        DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
                        while (true) {
                            byte t = in.readByte();
                            if (t == 'X') { System.out.println("EXIT " + in.readInt()); return; }
                            byte[] b = new byte[in.readInt()]; in.readFully(b);
                            System.out.print((char) t + ":" + new String(b, "UTF-8"));
                        }
                    }
                }
            }
            """;

    @Test
    void anotherUserIsRefusedByTheCliAndByTheAgent() throws Exception {
        assumeTrue(SocketDirs.isRoot(), "needs root to run a client as nobody");
        try (Env env = new Env()) {
            Path jdk = Path.of(System.getProperty("java.home"));
            Proc app = env.hello(jdk, "", 60_000);
            Path socket = env.awaitSocket(app.pid());
            Path shared = env.work.resolve("shared");
            Files.createDirectories(shared);
            Path jar = Files.copy(Fixtures.agentJar(), shared.resolve("forge-perf.jar"), StandardCopyOption.REPLACE_EXISTING);
            Path client = Files.writeString(shared.resolve("RawClient.java"), RAW_CLIENT);
            for (Path p : List.of(env.work, shared, env.socketDir)) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            String java = Jdks.java(jdk);

            Proc cli = Proc.start(List.of("runuser", "-u", "nobody", "--", "env", "FORGE_PERF_DIR=" + env.socketDir, "HOME=/tmp",
                    java, "-jar", jar.toString(), "status", String.valueOf(app.pid())), null, shared);
            assertEquals(1, cli.waitFor(Duration.ofSeconds(60)), cli::stderr);
            assertTrue(cli.stderr().contains("belongs to uid 0, not to you"), cli::stderr);

            Proc raw = Proc.start(List.of("runuser", "-u", "nobody", "--", "env", "HOME=/tmp", java, client.toString(), socket.toString()), null, shared);
            assertEquals(0, raw.waitFor(Duration.ofSeconds(60)), raw::stderr);
            assertTrue(raw.stdout().contains("connection refused: user nobody is not the owner"), raw::stdout);
            assertTrue(raw.stdout().contains("EXIT 1"), raw::stdout);

            Cli.Result mine = env.cli.run("status", String.valueOf(app.pid()));
            assertEquals(0, mine.exit(), mine::toString);
        }
    }
}
