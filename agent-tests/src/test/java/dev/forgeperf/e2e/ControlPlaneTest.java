package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgeperf.control.ControlClient;
import dev.forgeperf.control.Protocol;

/**
 * The control socket serves commands side by side: short commands are answered while long ones
 * provably still run, silent connections hold no worker and are bounded, 50 concurrent clients are
 * all answered, a busy agent's refusal is one line, Ctrl-C and a vanished client end long commands;
 * and root is served by another user's JVM, finds it and attaches to it, as with jcmd.
 */
class ControlPlaneTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    /** One command through the real client code, in this JVM. */
    record Answer(int exit, String out, String err, long nanos) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    static Answer call(Path socket, String... args) throws IOException {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        long t0 = System.nanoTime();
        int exit = ControlClient.run(socket, Map.of(Protocol.CWD, "/"), List.of(args), (type, text) -> {
            (type == Protocol.OUT ? out : err).append(text);
        });
        return new Answer(exit, out.toString(), err.toString(), System.nanoTime() - t0);
    }

    /** Thread blocks of a full thread dump whose header names {@code thread} and whose stack holds {@code frame}. */
    static long threadsIn(Path socket, long pid, String thread, String frame) throws IOException {
        Answer dump = call(socket, "dump", "threads", String.valueOf(pid));
        assertEquals(0, dump.exit(), dump::toString);
        return Stream.of(dump.out().split("\n\\s*\n")).filter(b -> b.lines().findFirst().orElse("").contains(thread))
                .filter(b -> b.contains(frame)).count();
    }

    static void awaitThreads(Path socket, long pid, String thread, String frame, long count) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long seen;
        while ((seen = threadsIn(socket, pid, thread, frame)) != count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(seen + " threads " + thread + " in " + frame + ", not " + count + " within 60 s");
            }
            Env.sleep(100);
        }
    }


    /** Reads the agent's answer on a raw connection (closed after 60 s without one). */
    static String drain(SocketChannel ch) throws Exception {
        StringBuilder b = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
                int exit = Protocol.readResponse(in, (type, text) -> b.append(text));
                b.append("EXIT ").append(exit);
            } catch (IOException e) {
                b.append(e);
            }
        });
        reader.start();
        reader.join(60_000);
        ch.close();
        reader.join();
        return b.toString();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void shortCommandsAreAnsweredWhileLongOnesRun(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar()), "-jar", Fixtures.sampleApp().toString(), "--quiet",
                    "--threads", "1");
            long pid = Long.parseLong(app.awaitOut("sample-app ready pid=(\\d+)", Duration.ofSeconds(60)));
            Path socket = env.awaitSocket(pid);
            String p = String.valueOf(pid);

            // 100 clients that connect and send nothing: more than the 64 the agent lets wait
            List<SocketChannel> silent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(socket));
                silent.add(ch);
            }
            try (Proc cpu = env.cli.start("profile", "cpu", p, "--duration", "10m", "-o", "cpu.pb.gz");
                    Proc wall = env.cli.start("profile", "wall", p, "--duration", "10m", "-o", "wall.pb.gz")) {
                Answer heap = call(socket, "dump", "heap", p, "-o", env.work.resolve("heap.hprof").toString());
                assertEquals(0, heap.exit(), heap::toString);
                // both profiles are running inside the agent, seen in its threads
                awaitThreads(socket, pid, "forge-perf-control-long", "ProfileCommand", 2);

                for (String[] cmd : List.of(new String[] {"status", p}, new String[] {"timings", p}, new String[] {"health", p})) {
                    Answer a = call(socket, cmd);
                    assertTrue(a.exit() == 0 || cmd[0].equals("health") && a.exit() <= 2, a::toString);
                    System.out.printf("JDK %d: %s answered in %.1f ms while two profiles run (dump heap took %.0f ms)%n",
                            Jdks.feature(jdk), cmd[0], a.nanos() / 1e6, heap.nanos() / 1e6);
                }
                Answer status = call(socket, "status", p);
                assertTrue(status.out().contains(p), status::toString);

                // 50 clients at once, all answered
                ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> clients = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    Thread t = new Thread(() -> {
                        try {
                            go.await();
                            Answer a = call(socket, "status", p, "--json");
                            if (a.exit() != 0 || !a.out().contains("\"pid\"")) {
                                failures.add(a.toString());
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    });
                    t.start();
                    clients.add(t);
                }
                go.countDown();
                for (Thread t : clients) {
                    t.join(TimeUnit.MINUTES.toMillis(3));
                }
                assertTrue(failures.isEmpty(), () -> failures.size() + " of 50 failed: " + failures.peek());

                // overlap: all of that was answered while both profiles still ran
                assertTrue(cpu.process().isAlive() && wall.process().isAlive(), "the profiles ended early\n" + cpu.stderr() + wall.stderr());
                assertEquals(2, threadsIn(socket, pid, "forge-perf-control-long", "ProfileCommand"));

                // the oldest silent clients were dropped with one line as newer ones came; a silent
                // client is dropped after 10 s without a request
                String oldest = drain(silent.get(0));
                assertTrue(oldest.startsWith("forge-perf: dropped:") && oldest.endsWith("EXIT 1"), oldest);
                SocketChannel late = SocketChannel.open(StandardProtocolFamily.UNIX);
                late.connect(UnixDomainSocketAddress.of(socket));
                String timedOut = drain(late);
                assertTrue(timedOut.startsWith("forge-perf: no request received within 10 s") && timedOut.endsWith("EXIT 1"), timedOut);

                // fill the long pool: two watches join the two profiles; a fifth long command is refused in one line
                List<SocketChannel> watchChannels = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    java.io.DataOutputStream o = new java.io.DataOutputStream(Channels.newOutputStream(ch));
                    Protocol.writeRequest(o, Map.of(Protocol.CWD, "/"), List.of("metrics", p, "--watch", "200ms"));
                    watchChannels.add(ch);
                }
                awaitThreads(socket, pid, "forge-perf-control-long", "MetricsCommand", 2);
                Cli.Result busy = env.cli.run("gc", p);
                assertEquals(1, busy.exit(), busy::toString);
                assertEquals(1, busy.err().lines().count(), busy::toString);
                assertTrue(busy.err().startsWith("forge-perf: the agent is running 4 long commands already"), busy::toString);
                assertTrue(busy.err().contains("try again when one of them ends"), busy::toString);
                Answer counts = call(socket, "status", p, "--json");
                assertTrue(counts.out().contains("\"longRunning\": 4") && counts.out().contains("\"refused\": 1"), counts::toString);

                // a watching client that goes away ends its command in the agent
                for (SocketChannel ch : watchChannels) {
                    ch.close();
                }
                awaitThreads(socket, pid, "forge-perf-control-long", "MetricsCommand", 0);

                // Ctrl-C ends a profile early, and the CLI still prints where it went
                for (Proc prof : List.of(cpu, wall)) {
                    new ProcessBuilder("kill", "-INT", String.valueOf(prof.pid())).inheritIO().start().waitFor();
                }
                for (Proc prof : List.of(cpu, wall)) {
                    prof.waitFor(Duration.ofSeconds(60));
                    assertTrue(prof.stdout().contains("stopped early") && prof.stdout().contains("wrote "), prof::stdout);
                }
                assertTrue(Files.size(env.work.resolve("cpu.pb.gz")) > 0);
                assertTrue(Files.size(env.work.resolve("wall.pb.gz")) > 0);
                awaitThreads(socket, pid, "forge-perf-control-long", "ProfileCommand", 0);
            } finally {
                for (SocketChannel ch : silent) {
                    ch.close();
                }
            }
        }
    }

    /**
     * A JVM without the jdk.net module (a jlink image, --limit-modules, jshell's remote agent) has no
     * SO_PEERCRED: the control thread once died on its first connection (NoClassDefFoundError in the
     * application's stderr) and every command hung. Now the socket's file modes are the check, and
     * status says so; at start-up and by attach alike.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void aJvmWithoutJdkNetIsServedOwnerOnlyByFileModes(Path jdk) throws Exception {
        try (Env env = new Env()) {
            String modules = "java.base,java.instrument,java.management,jdk.management,jdk.jfr";
            Proc started = env.hello(jdk, "http=0", 300_000, "--limit-modules", modules);
            Proc attached = env.java(jdk, List.of("--limit-modules", modules, "-cp", Fixtures.testClasses().toString()),
                    "dev.forgeperf.e2e.fixture.Hello", "300000");
            long pid = Long.parseLong(attached.awaitOut("hello ready pid=(\\d+)", Duration.ofSeconds(60)));
            Cli.Result attach = env.cli.run("attach", String.valueOf(pid), "--options", "http=0");
            assertEquals(0, attach.exit(), attach::toString);
            for (Proc app : List.of(started, attached)) {
                String p = String.valueOf(app.pid());
                env.awaitSocket(app.pid());
                Cli.Result status = env.cli.run("status", p);
                assertEquals(0, status.exit(), status::toString);
                assertTrue(status.out().contains("owner and root only by its file modes: no jdk.net module"), status::toString);
                Map<String, Object> json = RuntimeTest.json(env.cli.run("status", p, "--json"));
                assertEquals("file modes", RuntimeTest.map(json, "control").get("peerCheck"), json::toString);
                Cli.Result timings = env.cli.run("timings", p);
                assertEquals(0, timings.exit(), timings::toString);
                assertFalse(app.stderr().contains("Exception") || app.stderr().contains("Error"), app::stderr);
            }
            Map<String, Object> full = RuntimeTest.json(env.cli.run("status", String.valueOf(env.hello(jdk, "http=0", 300_000).pid()), "--json"));
            assertEquals("SO_PEERCRED", RuntimeTest.map(full, "control").get("peerCheck"), full::toString);
        }
    }

    /**
     * A stopped JVM (SIGSTOP, as a debugger leaves it) takes the connection in the kernel and never
     * answers: the CLI says so in one line after FORGE_PERF_TIMEOUT, exit 1, instead of waiting
     * forever; {@code list} shows it as stopped without asking it; once the JVM runs on, commands
     * work again, and a command longer than the bound is waited for (the agent's alive frames),
     * even under the same short bound.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void aStoppedJvmIsReportedNotWaitedFor(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.hello(jdk, "http=0", 300_000);
            String pid = String.valueOf(app.pid());
            env.awaitSocket(app.pid());
            Map<String, String> vars = new java.util.HashMap<>(env.env);
            vars.put("FORGE_PERF_TIMEOUT", "2s");
            Cli impatient = new Cli(vars, env.work);
            Cli.Result ok = impatient.run("status", pid);
            assertEquals(0, ok.exit(), ok::toString);

            assertEquals(0, new ProcessBuilder("kill", "-STOP", pid).start().waitFor());
            try {
                Cli.Result stopped = impatient.run("status", pid);
                assertEquals(1, stopped.exit(), stopped::toString);
                assertEquals("forge-perf: no answer from the agent in JVM " + pid + ": the agent sent nothing for 2s (it did not take the command);"
                        + " the JVM is stopped (SIGSTOP, or a debugger holds it); resume it (`kill -CONT " + pid + "`, or in the debugger) and try again",
                        stopped.err().strip(), stopped::toString);
                Cli.Result list = env.cli.run("list");
                assertEquals(0, list.exit(), list::toString);
                assertTrue(list.out().lines().anyMatch(l -> l.startsWith(pid + " ") && l.contains("(stopped: SIGSTOP, or a debugger holds it")),
                        list::toString);
            } finally {
                new ProcessBuilder("kill", "-CONT", pid).start().waitFor();
            }
            Cli.Result again = impatient.run("status", pid);
            assertEquals(0, again.exit(), again::toString);
            // longer than the bound, silent but for the agent's alive frames (no terminal: no countdown)
            Cli.Result profile = impatient.run("profile", "cpu", pid, "-d", "5s", "-o", "p.pb.gz");
            assertEquals(0, profile.exit(), profile::toString);
            vars.put("FORGE_PERF_TIMEOUT", "soon");
            Cli.Result bad = new Cli(vars, env.work).run("status", pid);
            assertEquals(2, bad.exit(), bad::toString);
            assertEquals("forge-perf: FORGE_PERF_TIMEOUT=soon is not a duration above zero; give one such as 30s or 5m", bad.err().strip(), bad::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void rootIsServedByAnotherUsersJvmFindsItAndAttaches(Path jdk) throws Exception {
        assumeTrue(SocketDirs.isRoot(), "needs root to run a JVM as nobody");
        try (Env env = new Env()) {
            Path home = Files.createTempDirectory("forge-perf-nobody");
            try {
                Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.setOwner(home, home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
                Path theirSockets = home.resolve("sockets");
                List<String> asNobody = List.of("runuser", "-u", "nobody", "--", "env", "-u", "XDG_RUNTIME_DIR", "FORGE_PERF_DIR=" + theirSockets,
                        "HOME=" + home, Jdks.java(jdk));
                List<String> withAgent = new ArrayList<>(asNobody);
                withAgent.addAll(List.of("-javaagent:" + Fixtures.agentJar(), "-cp", Fixtures.testClasses().toString(),
                        "dev.forgeperf.e2e.fixture.Hello", "300000"));
                try (Proc app = Proc.start(withAgent, env.env, home)) {
                    long pid = Long.parseLong(app.awaitOut("hello ready pid=(\\d+)", Duration.ofSeconds(60)));
                    Path theirs = theirSockets.resolve(pid + ".sock");
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (!Files.exists(theirs)) {
                        assertTrue(System.nanoTime() < deadline, "no socket " + theirs + "\n" + app.stderr());
                        Env.sleep(50);
                    }
                    // the CLI as root looks in its own directory first (env.socketDir): it finds the JVM anyway
                    Cli.Result status = env.cli.run("status", String.valueOf(pid));
                    assertEquals(0, status.exit(), status::toString);
                    assertTrue(status.out().contains(theirs.toString()), status::toString);

                    Cli.Result list = env.cli.run("list");
                    assertEquals(0, list.exit(), list::toString);
                    assertTrue(list.out().lines().anyMatch(l -> l.startsWith(pid + " ") && l.contains(" nobody ") && l.contains("Hello")),
                            list::toString);
                    Cli.Result json = env.cli.run("list", "--json");
                    assertTrue(json.out().contains("\"user\": \"nobody\""), json::toString);
                }

                List<String> plain = new ArrayList<>(asNobody);
                plain.addAll(List.of("-cp", Fixtures.testClasses().toString(), "dev.forgeperf.e2e.fixture.Hello", "300000"));
                try (Proc app = Proc.start(plain, env.env, home)) {
                    long pid = Long.parseLong(app.awaitOut("hello ready pid=(\\d+)", Duration.ofSeconds(60)));
                    // what a root JVM killed with SIGKILL leaves when nobody's JVM later gets its pid: a dead attach socket
                    // of root in /tmp that the JVM cannot remove, and the JDK's attach (jcmd too) connects to it and is refused
                    Path stale = Path.of("/tmp", ".java_pid" + pid);
                    try (var server = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                        server.bind(UnixDomainSocketAddress.of(stale));
                    }
                    Files.setPosixFilePermissions(stale, PosixFilePermissions.fromString("rw-------")); // as the JDK makes it
                    assertTrue(Files.exists(stale));
                    Cli.Result attach = env.cli.run("attach", String.valueOf(pid));
                    // the attach made the JVM open its own socket there
                    String owner = Files.exists(stale, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? Files.getOwner(stale).getName() : "no one";
                    if (owner.equals("root")) {
                        Files.delete(stale);
                    }
                    assertEquals(0, attach.exit(), attach::toString);
                    assertTrue(attach.out().contains("forge-perf agent loaded into JVM " + pid), attach::toString);
                    assertTrue(attach.err().contains(".java_pid" + pid + ", a JDK attach socket of root that JVM " + pid + " (of nobody) cannot have made"),
                            attach::toString);
                    assertEquals("nobody", owner, "the JVM's own attach socket replaced root's stale one");
                    assertTrue(Files.exists(theirSockets.resolve(pid + ".sock")), "the socket is the JVM user's");
                    assertEquals("nobody", Files.getOwner(theirSockets.resolve(pid + ".sock")).getName());
                    Cli.Result timings = env.cli.run("timings", String.valueOf(pid));
                    assertEquals(0, timings.exit(), timings::toString);
                }
            } finally {
                try (var walk = Files.walk(home)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }
}
