package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * A full disk: every writing command fails with one line and exit 1, and leaves nothing behind —
 * no file under the final name, no temporary file. Uses a tiny tmpfs (needs root).
 */
class DiskFullTest {
    @Test
    void writesToAFullDiskFailCleanly() throws Exception {
        assumeTrue(SocketDirs.isRoot(), "needs root to mount a tmpfs");
        try (Env env = new Env()) {
            Path full = Files.createDirectories(env.work.resolve("full"));
            Proc mount = Proc.start(List.of("mount", "-t", "tmpfs", "-o", "size=12k", "tmpfs", full.toString()), null, null);
            assumeTrue(mount.waitFor(Duration.ofSeconds(30)) == 0, "cannot mount a tmpfs here: " + mount.stderr());
            try {
                Path filler = fill(full);
                Proc app = env.java(Path.of(System.getProperty("java.home")), List.of("-javaagent:" + Fixtures.agentJar()),
                        "-jar", Fixtures.sampleApp().toString(), "--quiet");
                String pid = app.awaitOut("sample-app ready pid=(\\d+)", Duration.ofSeconds(60));
                JfrTest.awaitRecording(env, pid);
                Env.sleep(1000);

                for (List<String> cmd : List.of(
                        List.of("dump", "jfr", pid, "-o", full.resolve("x.jfr").toString()),
                        List.of("dump", "threads", pid, "-o", full.resolve("threads.txt").toString()),
                        List.of("dump", "histogram", pid, "--all", "-o", full.resolve("histogram.txt").toString()),
                        List.of("profile", "alloc", pid, "-d", "2s", "-o", full.resolve("alloc.html").toString()),
                        List.of("snapshot", pid, "-o", full.resolve("snap").toString()),
                        List.of("dump", "heap", pid, "-o", full.resolve("heap.hprof").toString()))) {
                    Cli.Result r = env.cli.run(cmd.toArray(new String[0]));
                    assertEquals(1, r.exit(), () -> cmd + "\n" + r);
                    assertEquals(1, r.err().lines().count(), () -> cmd + "\n" + r);
                    assertTrue(r.err().startsWith("forge-perf: "), () -> cmd + "\n" + r);
                    assertTrue(r.err().contains(full.toString()), () -> cmd + ": the error names the path given\n" + r);
                    assertFalse(r.err().contains(".tmp"), () -> cmd + ": the error names no temporary file\n" + r);
                    try (Stream<Path> left = Files.list(full)) {
                        List<Path> files = left.filter(p -> !p.equals(filler)).toList();
                        assertTrue(files.isEmpty(), () -> cmd + " left " + files);
                    }
                }
                assertTrue(app.process().isAlive(), "the host runs on");
                Cli.Result status = env.cli.run("status", pid);
                assertEquals(0, status.exit(), status::toString);
            } finally {
                Proc.start(List.of("umount", full.toString()), null, null).waitFor(Duration.ofSeconds(30));
            }
        }
    }

    /** A read-only file system is named as such, whichever command meets it (profile said "permission denied"). */
    @Test
    void aReadOnlyFileSystemIsNamed() throws Exception {
        assumeTrue(SocketDirs.isRoot(), "needs root to mount a tmpfs");
        try (Env env = new Env()) {
            Path ro = Files.createDirectories(env.work.resolve("ro"));
            Proc mount = Proc.start(List.of("mount", "-t", "tmpfs", "-o", "ro,size=12k", "tmpfs", ro.toString()), null, null);
            assumeTrue(mount.waitFor(Duration.ofSeconds(30)) == 0, "cannot mount a tmpfs here: " + mount.stderr());
            try {
                Proc app = env.hello(Path.of(System.getProperty("java.home")), "http=0", 300_000);
                String pid = String.valueOf(app.pid());
                for (List<String> cmd : List.of(
                        List.of("profile", "cpu", pid, "-d", "1s", "-o", ro.resolve("c.pb.gz").toString()),
                        List.of("profile", "latency", pid, "dev.forgeperf.e2e.fixture.Hello#main", "-d", "1s", "-o", ro.resolve("l.pb.gz").toString()),
                        List.of("dump", "jfr", pid, "-o", ro.resolve("x.jfr").toString()))) {
                    Cli.Result r = env.cli.run(cmd.toArray(new String[0]));
                    assertEquals(1, r.exit(), () -> cmd + "\n" + r);
                    assertEquals(1, r.err().lines().count(), () -> cmd + "\n" + r);
                    assertTrue(r.err().contains("read-only file system") && r.err().contains(ro.toString()), () -> cmd + "\n" + r);
                }
            } finally {
                Proc.start(List.of("umount", ro.toString()), null, null).waitFor(Duration.ofSeconds(30));
            }
        }
    }

    /**
     * A disk with room for the small parts of a snapshot but not for its recording: the snapshot
     * used to exit 0 with the recording truncated and the reports missing. Now it fails whole: exit 1,
     * one line naming the folder the user gave and the cause, no folder and no temporary left.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("dev.forgeperf.e2e.FilesTest#jdks")
    void aSnapshotThatDoesNotFitFailsWhole(Path jdk) throws Exception {
        assumeTrue(SocketDirs.isRoot(), "needs root to mount a tmpfs");
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar()), "-jar", Fixtures.sampleApp().toString(), "--quiet");
            String pid = app.awaitOut("sample-app ready pid=(\\d+)", Duration.ofSeconds(60));
            JfrTest.awaitRecording(env, pid);
            Path full = Files.createDirectories(env.work.resolve("full"));
            Proc mount = Proc.start(List.of("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", full.toString()), null, null);
            assumeTrue(mount.waitFor(Duration.ofSeconds(30)) == 0, "cannot mount a tmpfs here: " + mount.stderr());
            try {
                Path reserve = full.resolve("reserve");
                Files.write(reserve, new byte[256 * 1024]);
                Path filler = fill(full);
                Files.delete(reserve);
                long free = Files.getFileStore(full).getUsableSpace();
                Cli.Result recording = env.cli.run("dump", "jfr", pid, "-o", env.work.resolve("measure.jfr").toString());
                assertEquals(0, recording.exit(), recording::toString);
                long needed = Files.size(env.work.resolve("measure.jfr"));
                assertTrue(needed > free, "the recording (" + needed + " bytes) must not fit in " + free + " free bytes");

                Path snap = full.resolve("snap");
                Cli.Result r = env.cli.run("snapshot", pid, "-o", snap.toString());
                assertEquals(1, r.exit(), r::toString);
                assertEquals(1, r.err().lines().count(), r::toString);
                assertTrue(r.err().startsWith("forge-perf: cannot write " + snap + ": "), r::toString);
                assertTrue(r.err().strip().endsWith("no space left on device"), r::toString);
                try (Stream<Path> left = Files.list(full)) {
                    List<Path> files = left.filter(p -> !p.equals(filler)).toList();
                    assertTrue(files.isEmpty(), () -> "left " + files);
                }
                assertTrue(app.process().isAlive(), "the host runs on");
            } finally {
                Proc.start(List.of("umount", full.toString()), null, null).waitFor(Duration.ofSeconds(30));
            }
        }
    }

    /** Writes a file into {@code dir} until the disk is full; returns it. */
    private static Path fill(Path dir) {
        Path filler = dir.resolve("filler");
        try (var out = Files.newOutputStream(filler)) {
            byte[] kb = new byte[1024];
            while (true) {
                out.write(kb);
                out.flush();
            }
        } catch (java.io.IOException diskFull) {
            return filler; // the disk is full now
        }
    }
}
