package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One rule for every output, and files that do not outlive their JVM: an existing file or non-empty
 * folder is refused unless {@code --force}; every data file is 0600 and every folder 0700; errors
 * name the user's path; the socket directory is never loosened nor tightened behind the user's back;
 * a {@code config=} FIFO never stops the host; {@code jfr-<pid>} and half-written dumps go away at
 * exit or with {@code list}.
 */
class FilesTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    private static final byte[] MARKER = "not to be overwritten\n".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @MethodSource("jdks")
    void everyOutputRefusesToOverwriteWithoutForceAndIsOwnerOnly(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar()), "-jar", Fixtures.sampleApp().toString(), "--quiet");
            String pid = app.awaitOut("sample-app ready pid=(\\d+)", Duration.ofSeconds(60));
            JfrTest.awaitRecording(env, pid);

            List<List<String>> commands = List.of(
                    List.of("dump", "jfr", pid, "-o", "x.jfr"),
                    List.of("dump", "heap", pid, "-o", "x.hprof"),
                    List.of("profile", "cpu", pid, "-d", "1s", "-o", "x.pb.gz"),
                    List.of("profile", "alloc", pid, "-d", "1s", "-o", "x.html"),
                    List.of("dump", "threads", pid, "-o", "threads.txt"),
                    List.of("dump", "histogram", pid, "-o", "histogram.txt"),
                    List.of("dump", "class", pid, "dev.forgeperf.sample.SampleApp", "-o", "x.class"));
            for (List<String> cmd : commands) {
                Path out = env.work.resolve(cmd.get(cmd.size() - 1));
                Files.write(out, MARKER);
                Cli.Result refused = env.cli.run(cmd.toArray(new String[0]));
                assertEquals(1, refused.exit(), () -> cmd + "\n" + refused);
                assertEquals("forge-perf: " + out + " already exists; add --force to replace it", refused.err().strip(), refused::toString);
                assertArrayEquals(MARKER, Files.readAllBytes(out), cmd + " left the existing file as it was");

                List<String> forced = new ArrayList<>(cmd);
                forced.add("--force");
                Cli.Result r = env.cli.run(forced.toArray(new String[0]));
                assertEquals(0, r.exit(), () -> forced + "\n" + r);
                assertTrue(r.out().contains("wrote " + out), r::toString);
                byte[] written = Files.readAllBytes(out);
                byte[] head = Arrays.copyOf(written, 4);
                String name = out.getFileName().toString();
                byte[] expected = name.endsWith(".jfr") ? "FLR\0".getBytes(StandardCharsets.US_ASCII)
                        : name.endsWith(".hprof") ? "JAVA".getBytes(StandardCharsets.US_ASCII)
                        : name.endsWith(".class") ? new byte[] {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe}
                        : name.endsWith(".gz") ? new byte[] {0x1f, (byte) 0x8b, 8, 0}
                        : name.endsWith(".html") ? "<!DO".getBytes(StandardCharsets.US_ASCII) : null;
                if (name.endsWith(".gz")) {
                    head[3] = 0;
                }
                if (expected != null) {
                    assertArrayEquals(expected, head, () -> forced + " replaced the file with its output");
                } else {
                    String text = new String(written, StandardCharsets.UTF_8);
                    assertTrue(text.contains(name.startsWith("threads") ? "Full thread dump " : "java.lang.String"), () -> forced + " wrote " + text);
                }
                assertEquals("rw-------", mode(out), () -> forced + " wrote a file others can read");
            }
            Path fresh = env.work.resolve("fresh.jfr");
            Cli.Result dump = env.cli.run("dump", "jfr", pid, "-o", fresh.toString());
            assertEquals(0, dump.exit(), dump::toString);
            assertEquals("rw-------", mode(fresh), "a recording holds the environment: owner-only");

            // snapshot: an empty folder is used, a non-empty one refused, a snapshot replaced with --force, anything else never
            Path snap = Files.createDirectory(env.work.resolve("snap"));
            Cli.Result first = env.cli.run("snapshot", pid, "-o", "snap");
            assertEquals(0, first.exit(), first::toString);
            assertOwnerOnly(snap);
            Files.write(snap.resolve("mine.txt"), MARKER);
            Cli.Result again = env.cli.run("snapshot", pid, "-o", "snap");
            assertEquals(1, again.exit(), again::toString);
            assertEquals(1, again.err().lines().count(), again::toString);
            assertTrue(again.err().contains(snap + " already exists and is not empty") && again.err().contains("--force"), again::toString);
            assertTrue(Files.exists(snap.resolve("mine.txt")));
            Cli.Result forced = env.cli.run("snapshot", pid, "-o", "snap", "--force");
            assertEquals(0, forced.exit(), forced::toString);
            assertFalse(Files.exists(snap.resolve("mine.txt")), "the old snapshot was replaced");
            assertTrue(Files.exists(snap.resolve("manifest.json")));
            assertOwnerOnly(snap);

            // the CLI's own outputs follow the same rule (diff reports trouble as 2, as diff(1) does)
            List<List<String>> offline = List.of(
                    List.of("convert", fresh.toString(), "-o", env.work.resolve("c.collapsed").toString()),
                    List.of("report", snap.toString(), "-o", env.work.resolve("r.txt").toString()),
                    List.of("diff", snap.toString(), snap.toString(), "--html", env.work.resolve("d.html").toString()));
            for (List<String> cmd : offline) {
                Path out = Path.of(cmd.get(cmd.size() - 1));
                Files.write(out, MARKER);
                Cli.Result refused = env.cli.run(cmd.toArray(new String[0]));
                assertEquals(cmd.get(0).equals("diff") ? 2 : 1, refused.exit(), () -> cmd + "\n" + refused);
                assertEquals("forge-perf: " + out + " already exists; add --force to replace it", refused.err().strip(), refused::toString);
                assertArrayEquals(MARKER, Files.readAllBytes(out), cmd + " left the existing file as it was");
                List<String> forcedCmd = new ArrayList<>(cmd);
                forcedCmd.add("--force");
                Cli.Result r = env.cli.run(forcedCmd.toArray(new String[0]));
                assertEquals(0, r.exit(), () -> forcedCmd + "\n" + r);
                assertFalse(Arrays.equals(MARKER, Files.readAllBytes(out)), forcedCmd + " replaced the file with its output");
                assertEquals("rw-------", mode(out), () -> forcedCmd + " wrote a file others can read");
            }

            Path notSnapshot = Files.createDirectory(env.work.resolve("documents"));
            Files.write(notSnapshot.resolve("thesis.txt"), MARKER);
            Cli.Result never = env.cli.run("snapshot", pid, "-o", "documents", "--force");
            assertEquals(1, never.exit(), never::toString);
            assertTrue(never.err().contains("not a forge-perf snapshot"), never::toString);
            assertArrayEquals(MARKER, Files.readAllBytes(notSnapshot.resolve("thesis.txt")));

            // errors name the path the user gave, never a temporary name
            Cli.Result denied = env.cli.run("dump", "jfr", pid, "-o", "/proc/forge-perf-x.jfr");
            assertEquals(1, denied.exit(), denied::toString);
            assertTrue(denied.err().startsWith("forge-perf: cannot write /proc/forge-perf-x.jfr: "), denied::toString);
            assertFalse(denied.err().contains(".tmp"), denied::toString);
            try (Stream<Path> s = Files.list(env.work)) {
                List<String> hidden = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
                assertEquals(List.of(), hidden, "no temporary files left");
            }
            assertTrue(app.process().isAlive());
        }
    }

    /** Every file under {@code dir} is 0600 and every folder 0700. */
    static void assertOwnerOnly(Path dir) throws IOException {
        List<String> loose = new ArrayList<>();
        int[] files = {0};
        try (Stream<Path> s = Files.walk(dir)) {
            s.forEach(p -> {
                String want = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------";
                if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    files[0]++;
                }
                String m = mode(p);
                if (!m.equals(want)) {
                    loose.add(p + " " + m);
                }
            });
        }
        assertTrue(files[0] >= 10, "a snapshot of " + files[0] + " files");
        assertEquals(List.of(), loose, "files and folders that are not owner-only");
    }

    static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aFifoAsConfigFileNeverStopsTheHost(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Path fifo = env.work.resolve("options.fifo");
            Proc mk = Proc.start(List.of("mkfifo", fifo.toString()), null, null);
            assertEquals(0, mk.waitFor(Duration.ofSeconds(30)), mk::stderr);
            Proc app = env.hello(jdk, "config=" + fifo, 500);
            assertEquals(0, app.waitFor(Duration.ofSeconds(60)), app::stderr);
            assertTrue(app.stdout().contains("hello done"), app::stdout);
            List<String> said = app.stderrLines(l -> l.startsWith("[forge-perf]"));
            assertEquals(List.of("[forge-perf] cannot read config file " + fifo + ": not a regular file (a FIFO, socket or device); give a regular properties file"),
                    said, app::stderr);

            Path folder = Files.createDirectory(env.work.resolve("conf.d"));
            Proc dir = env.hello(jdk, "config=" + folder, 500);
            assertEquals(0, dir.waitFor(Duration.ofSeconds(60)), dir::stderr);
            assertTrue(dir.stderr().contains("cannot read config file " + folder + ": not a regular file (a folder)"), dir::stderr);

            Path big = env.work.resolve("big.properties");
            Files.writeString(big, "# padding\n".repeat(7000) + "jfr=off\n");
            Proc large = env.hello(jdk, "config=" + big, 500);
            assertEquals(0, large.waitFor(Duration.ofSeconds(60)), large::stderr);
            assertTrue(large.stderr().contains("cannot read config file " + big + ": larger than 64 KiB"), large::stderr);

            Path good = env.work.resolve("good.properties");
            Files.writeString(good, "jfr=off\n");
            Proc ok = env.hello(jdk, "config=" + good, 600_000);
            Cli.Result status = env.cli.run("status", String.valueOf(ok.pid()));
            assertTrue(status.out().contains("jfr:     off"), status::toString);
            assertTrue(ok.stderrLines(l -> l.startsWith("[forge-perf]")).isEmpty(), ok::stderr);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aSharedSocketDirectoryKeepsItsModeAndIsNotUsed(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Path shared = Files.createDirectory(env.work.resolve("shared"));
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
            env.env.put("FORGE_PERF_DIR", shared.toString());
            Proc app = env.hello(jdk, "", 300_000);
            app.awaitErr("\\[forge-perf\\] (control socket disabled)", Duration.ofSeconds(60));
            env.stop(app);
            assertEquals(0, app.waitFor(Duration.ofSeconds(60)), app::stderr);
            assertTrue(app.stdout().contains("hello done"), app::stdout);
            assertEquals("rwxrwxrwx", mode(shared), "the mode of a directory forge-perf did not create is never changed");
            List<String> said = app.stderrLines(l -> l.startsWith("[forge-perf]"));
            assertEquals(1, said.size(), app::stderr);
            assertTrue(said.get(0).contains("control socket disabled") && said.get(0).contains(shared + " has mode rwxrwxrwx"), app::stderr);
            try (Stream<Path> s = Files.list(shared)) {
                assertEquals(List.of(), s.toList(), "nothing written into a shared directory");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void recordingFoldersAndHalfWrittenDumpsDoNotOutliveTheirJvm(Path jdk) throws Exception {
        try (Env env = new Env()) {
            // a JVM that exits removes its recording folder
            Proc quits = env.hello(jdk, "", 600_000);
            Path repo = env.socketDir.resolve("jfr-" + quits.pid());
            JfrTest.awaitRecording(env, String.valueOf(quits.pid()));
            assertTrue(Files.isDirectory(repo, LinkOption.NOFOLLOW_LINKS), "the recording lives in " + repo);
            assertEquals("rwx------", mode(repo));
            Proc.start(List.of("kill", "-TERM", String.valueOf(quits.pid())), null, null).waitFor(Duration.ofSeconds(30));
            quits.waitFor(Duration.ofSeconds(60));
            assertFalse(Files.exists(repo, LinkOption.NOFOLLOW_LINKS), "removed at exit");

            // a JVM killed in the middle of a heap dump: `list` removes its recording folder and the hidden dump
            Path leftover = null;
            Path killedRepo = null;
            for (int attempt = 0; attempt < 5 && leftover == null; attempt++) {
                Proc app = env.java(jdk, List.of("-Xmx1g", "-javaagent:" + Fixtures.agentJar(), "-cp", Fixtures.testClasses().toString()),
                        "dev.forgeperf.e2e.fixture.Ballast", "4000000", "120000");
                String pid = app.awaitOut("ballast ready pid=(\\d+)", Duration.ofSeconds(60));
                JfrTest.awaitRecording(env, pid);
                killedRepo = env.socketDir.resolve("jfr-" + pid);
                String name = "killed-" + attempt + ".hprof";
                Thread dumper = new Thread(() -> env.cli.run("dump", "heap", pid, "-o", name));
                dumper.start();
                Path tmp = awaitHidden(env.work, "." + name + ".", Duration.ofSeconds(60));
                Proc.start(List.of("kill", "-9", pid), null, null).waitFor(Duration.ofSeconds(30));
                app.waitFor(Duration.ofSeconds(60));
                dumper.join(Duration.ofMinutes(4).toMillis());
                if (tmp != null && Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
                    leftover = tmp;
                }
            }
            assertTrue(leftover != null, "a heap dump was caught half-written in 5 attempts");
            assertTrue(Files.isDirectory(killedRepo, LinkOption.NOFOLLOW_LINKS), "a killed JVM leaves its recording folder");
            Cli.Result list = env.cli.run("list");
            assertEquals(0, list.exit(), list::toString);
            assertFalse(Files.exists(leftover, LinkOption.NOFOLLOW_LINKS), "list removed the half-written dump " + leftover);
            assertFalse(Files.exists(killedRepo, LinkOption.NOFOLLOW_LINKS), "list removed " + killedRepo);
            try (Stream<Path> s = Files.list(env.socketDir)) {
                List<String> names = s.map(p -> p.getFileName().toString()).toList();
                assertTrue(names.stream().noneMatch(n -> n.endsWith(".pending") || n.startsWith("jfr-")), names::toString);
            }
        }
    }

    /** Polls {@code dir} for an entry whose name starts with {@code prefix}; null when none appeared in time. */
    static Path awaitHidden(Path dir, String prefix, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> s = Files.list(dir)) {
                Path found = s.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElse(null);
                if (found != null) {
                    return found;
                }
            }
            Env.sleep(10);
        }
        return null;
    }
}
