package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The CLI's answers to bad input: one line, what to do, the right exit status, no stack trace. */
class CliErrorsTest {
    @Test
    void unknownPidUnknownCommandAndHelp() {
        try (Env env = new Env()) {
            Cli.Result r = env.cli.run("status", "999999999");
            assertEquals(1, r.exit(), r::toString);
            assertTrue(r.err().startsWith("forge-perf: no process with pid 999999999"), r::toString);
            assertEquals(1, r.err().lines().count(), r::toString);

            r = env.cli.run("stauts", "1");
            assertEquals(2, r.exit(), r::toString);
            assertTrue(r.err().contains("unknown command 'stauts'") && r.err().contains("Did you mean: status"), r::toString);
            assertFalse(r.err().contains("Exception"), r::toString);

            r = env.cli.run("status", "NoSuchMainClassAnywhere");
            assertEquals(1, r.exit(), r::toString);
            assertTrue(r.err().contains("no JVM with main class 'NoSuchMainClassAnywhere'"), r::toString);

            r = env.cli.run("status");
            assertEquals(2, r.exit(), r::toString);
            assertTrue(r.err().contains("Missing required parameter: 'PID'"), r::toString);

            for (String cmd : List.of("list", "status", "attach")) {
                r = env.cli.run(cmd, "--help");
                assertEquals(0, r.exit(), r::toString);
                assertTrue(r.out().contains("Usage: forge-perf " + cmd), r::toString);
            }
            r = env.cli.run("--help");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("attach") && r.out().contains("status") && r.out().contains("list"), r::toString);

            try (Proc sleep = Proc.start(List.of("sleep", "60"), null, env.work)) {
                r = env.cli.run("attach", String.valueOf(sleep.pid()));
                assertEquals(1, r.exit(), r::toString);
                assertTrue(r.err().contains("is not a JVM"), r::toString);
                assertEquals(1, r.err().lines().count(), r::toString);
                assertTrue(sleep.process().isAlive(), "a non-JVM target is left alone");
            }
        }
    }

    /**
     * A command sent right after a JVM started with the agent, before the agent's start thread has
     * opened the control socket, is answered (the CLI waits for the socket); a JVM started with a
     * forge-perf agent jar whose socket never comes gets one line that says so, not "run attach".
     */
    @Test
    void aStartingAgentIsWaitedForNotCalledMissing() throws Exception {
        Path jdk = Jdks.all().findFirst().orElseThrow();
        try (Env env = new Env()) {
            Proc app = env.hello(jdk, "", 120_000);
            String pid = app.awaitOut("hello ready pid=(\\d+)", Duration.ofSeconds(60)); // main runs: the socket may not be there yet
            Cli.Result status = env.cli.run("status", pid);
            assertEquals(0, status.exit(), status::toString);
            assertTrue(status.out().contains(pid), status::toString);
            env.stop(app);

            Path noop = env.work.resolve("forge-perf-noop.jar");
            java.util.jar.Manifest manifest = new java.util.jar.Manifest();
            manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().putValue("Premain-Class", "dev.forgeperf.e2e.fixture.NoopAgent");
            try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(Files.newOutputStream(noop), manifest)) {
                jar.flush();
            }
            Proc silent = env.hello(jdk, null, 120_000, "-javaagent:" + noop);
            String silentPid = silent.awaitOut("hello ready pid=(\\d+)", Duration.ofSeconds(60));
            Cli.Result r = env.cli.run("status", silentPid);
            assertEquals(1, r.exit(), r::toString);
            assertEquals(1, r.err().lines().count(), r::toString);
            assertTrue(r.err().contains("was started with -javaagent:" + noop) && r.err().contains("is not there after 10 s"), r::toString);
            assertFalse(r.err().contains("attach"), r::toString);
            env.stop(silent);
        }
    }

    @Test
    void listCleansStaleSocketsAndFindsTheDefaultDirectory() throws Exception {
        try (Env env = new Env()) {
            Files.createDirectories(env.socketDir);
            Path stale = env.socketDir.resolve("999999999.sock");
            Files.createFile(stale);
            Cli.Result r = env.cli.run("list");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().startsWith("No JVM with the forge-perf agent"), r::toString);
            assertFalse(Files.exists(stale), "stale socket removed");
        }
        try (Env env = new Env()) {
            env.env.remove("FORGE_PERF_DIR");
            env.env.put("FORGE_PERF_DIR", null);
            Path jdk = Path.of(System.getProperty("java.home"));
            Proc app = env.hello(jdk, "", 600_000);
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Path socket = Path.of(System.getProperty("java.io.tmpdir"), "forge-perf-" + uid, app.pid() + ".sock");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(socket) && System.nanoTime() < deadline) {
                Env.sleep(20);
            }
            assertTrue(Files.exists(socket), "socket in the default directory: " + socket);
            Cli.Result list = env.cli.run("list", "--json");
            assertEquals(0, list.exit(), list::toString);
            assertTrue(list.out().contains("\"pid\": " + app.pid()), list::toString);
        }
    }

    @Test
    void aJvmThatDiesMidCommandIsOneLineAndNoFile() throws Exception {
        try (Env env = new Env()) {
            Proc app = env.hello(Path.of(System.getProperty("java.home")), "jfr=off", 600_000);
            List<String> cmd = new java.util.ArrayList<>(List.of(Jdks.java(Path.of(System.getProperty("java.home"))), "-jar",
                    Fixtures.agentJar().toString(), "profile", "cpu", String.valueOf(app.pid()), "-d", "60s", "-o", "gone.pb.gz"));
            try (Proc cli = Proc.start(cmd, env.env, env.work)) {
                awaitRecording(Path.of(System.getProperty("java.home")), app.pid(), "forge-perf-cpu", cli);
                app.process().destroyForcibly();
                assertEquals(1, cli.waitFor(Duration.ofSeconds(60)), cli::stderr);
                assertEquals(1, cli.stderr().lines().count(), cli::stderr);
                assertTrue(cli.stderr().contains("closed the connection before answering (did the JVM exit?)"), cli::stderr);
                assertFalse(Files.exists(env.work.resolve("gone.pb.gz")));
            }
        }
    }

    /**
     * Waits until the JVM runs the recording named {@code name} (as the JDK's {@code jcmd JFR.check}
     * lists it): the agent has the command and is in the middle of it. Fails when the CLI ends first.
     */
    static void awaitRecording(Path jdk, long pid, String name, Proc cli) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            assertTrue(cli.process().isAlive(), () -> "the CLI ended before the recording started: " + cli.stderr());
            try (Proc jcmd = Jdks.tool(jdk, "jcmd", String.valueOf(pid), "JFR.check")) {
                last = jcmd.stdout();
                if (last.contains("name=" + name) || last.contains("name=\"" + name + "\"")) {
                    return;
                }
            }
            Env.sleep(100);
        }
        throw new AssertionError("no recording " + name + " in pid " + pid + " within 90 s:\n" + last);
    }

    @Test
    void completionScriptIsGeneratedFromTheCommandModel() throws Exception {
        try (Env env = new Env()) {
            Cli.Result r = env.cli.run("generate-completion");
            assertEquals(0, r.exit(), r::toString);
            Path script = env.work.resolve("forge-perf.bash");
            Files.writeString(script, r.out());
            Proc bash = Proc.start(List.of("bash", "-c", "source " + script + " && complete -p forge-perf"), null, env.work);
            assertEquals(0, bash.waitFor(Duration.ofSeconds(30)), bash::stderr);
            assertTrue(bash.stdout().contains("forge-perf"), bash::stdout);
            assertTrue(r.out().contains("attach") && r.out().contains("status"), "subcommands completed");
        }
    }
}
