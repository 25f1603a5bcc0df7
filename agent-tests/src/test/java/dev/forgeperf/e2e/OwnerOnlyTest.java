package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * speaks the protocol directly after the file modes were loosened, by the agent's peer-uid check;
 * entries another user planted in the socket directory are never written through.
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
                        try {
                            out.writeInt(0x46505231); out.writeInt(0); out.writeInt(2);
                            for (String s : new String[] {"status", "1"}) { byte[] b = s.getBytes("UTF-8"); out.writeInt(b.length); out.write(b); }
                            out.flush();
                        } catch (IOException e) {
                            // the agent may refuse (and close) before reading: its answer is still there to read
                        }
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
            Proc app = env.hello(jdk, "", 600_000);
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

    /**
     * Links named {@code jfr-<pid>} and {@code snapshots} pointing into a folder of {@code nobody}
     * (and a real {@code jfr-<pid>} folder of nobody's) made a root JVM write its recording and
     * snapshots there. Now a link is replaced by a fresh folder of ours, someone else's folder is
     * refused (JFR keeps its own repository), and nothing reaches nobody's folder.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("dev.forgeperf.e2e.FilesTest#jdks")
    void plantedEntriesInTheSocketDirectoryAreNeverWrittenThrough(Path jdk) throws Exception {
        assumeTrue(SocketDirs.isRoot(), "needs root to plant entries owned by nobody");
        try (Env env = new Env()) {
            Files.createDirectory(env.socketDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path trap = Files.createDirectory(env.work.resolve("nobodys"));
            Files.setPosixFilePermissions(env.work, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(trap, PosixFilePermissions.fromString("rwxrwxrwx"));
            chownNobody(trap);

            // links: replaced by folders of ours
            Proc linked = env.hello(jdk, null, 600_000);
            Path jfrLink = Files.createSymbolicLink(env.socketDir.resolve("jfr-" + linked.pid()), trap);
            Path snapshotsLink = Files.createSymbolicLink(env.socketDir.resolve("snapshots"), trap);
            Cli.Result attach = env.cli.run("attach", String.valueOf(linked.pid()), "--options", "trigger=threads>0,trigger.minInterval=1h");
            assertEquals(0, attach.exit(), attach::toString);
            JfrTest.awaitRecording(env, String.valueOf(linked.pid()));
            Path snapshot = awaitSnapshot(env.socketDir.resolve("snapshots"), linked.pid());
            FilesTest.assertOwnerOnly(snapshot);
            for (Path p : List.of(jfrLink, snapshotsLink)) {
                assertFalse(Files.isSymbolicLink(p), p + " is still a link");
                assertTrue(Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS), p + " is a folder now");
                assertEquals(0, (Integer) Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS));
                assertEquals("rwx------", FilesTest.mode(p));
            }
            try (var s = Files.list(env.socketDir.resolve("jfr-" + linked.pid()))) {
                assertTrue(s.findAny().isPresent(), "the recording is in our own folder");
            }

            // someone else's folder: refused, said in one line, the recording runs elsewhere
            Proc foreign = env.hello(jdk, null, 600_000);
            Path foreignRepo = Files.createDirectory(env.socketDir.resolve("jfr-" + foreign.pid()));
            chownNobody(foreignRepo);
            Cli.Result attach2 = env.cli.run("attach", String.valueOf(foreign.pid()));
            assertEquals(0, attach2.exit(), attach2::toString);
            Cli.Result status = JfrTest.awaitRecording(env, String.valueOf(foreign.pid()));
            assertTrue(status.out().contains("jfr:     recording"), status::toString);
            foreign.awaitErr("JFR keeps its own repository: folder " + java.util.regex.Pattern.quote(foreignRepo.toString()) + " belongs to uid 65534",
                    Duration.ofSeconds(30));
            Cli.Result dump = env.cli.run("dump", "jfr", String.valueOf(foreign.pid()), "-o", "foreign.jfr");
            assertEquals(0, dump.exit(), dump::toString);

            for (Path p : List.of(trap, foreignRepo)) {
                try (var s = Files.list(p)) {
                    assertEquals(List.of(), s.toList(), "nothing written into nobody's " + p);
                }
            }
        }
    }

    private static void chownNobody(Path p) throws Exception {
        Proc chown = Proc.start(List.of("chown", "nobody", p.toString()), null, null);
        assertEquals(0, chown.waitFor(Duration.ofSeconds(30)), chown::stderr);
    }

    /** Polls for a complete trigger snapshot of {@code pid} (its manifest renamed into place with it). */
    private static Path awaitSnapshot(Path dir, long pid) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(dir)) {
                try (var s = Files.list(dir)) {
                    var found = s.filter(p -> p.getFileName().toString().startsWith(pid + "-") && Files.exists(p.resolve("manifest.json"))).findFirst();
                    if (found.isPresent()) {
                        return found.get();
                    }
                }
            }
            Env.sleep(100);
        }
        throw new AssertionError("no trigger snapshot of " + pid + " in " + dir);
    }
}
