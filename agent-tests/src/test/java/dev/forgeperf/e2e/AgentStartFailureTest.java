package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An agent that cannot start never hurts the host and says why: the application runs as it does
 * without the agent, one [forge-perf] line on its standard error names what to do, no agent thread
 * is left, and {@code status}, {@code list} and {@code attach} tell the user the same reason.
 */
class AgentStartFailureTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    private static final String METASPACE_LIMIT = "-XX:MaxMetaspaceSize=10m";

    @ParameterizedTest
    @MethodSource("jdks")
    void aMetaspaceLimitWithoutRoomForTheAgentLeavesTheApplicationAsItIsWithoutIt(Path jdk) {
        try (Env env = new Env()) {
            // the truth: the application alone runs in this limit
            Proc alone = env.hello(jdk, null, 200, METASPACE_LIMIT);
            assertEquals(0, alone.waitFor(Duration.ofSeconds(120)), alone::stderr);
            assertTrue(alone.stdout().contains("hello done"), alone::stdout);

            // the same with the agent: output, exit code, no agent thread, one line saying why and what to do
            Proc app = env.hello(jdk, "timed=dev.forgeperf.e2e.fixture.Hello#main", 2_000, METASPACE_LIMIT);
            assertEquals(0, app.waitFor(Duration.ofSeconds(120)), app::stderr);
            assertEquals(alone.stdout().lines().filter(l -> !l.startsWith("hello ready")).toList(),
                    app.stdout().lines().filter(l -> !l.startsWith("hello ready") && !l.startsWith("AGENT THREAD")).toList(),
                    "the same output as without the agent");
            // at most the short-lived thread that writes the note for status/list may still be finishing
            assertTrue(app.stdout().lines().filter(l -> l.startsWith("AGENT THREAD")).allMatch(l -> l.equals("AGENT THREAD forge-perf-start-failed")),
                    app::stdout);
            List<String> agentLines = app.stderrLines(l -> l.contains("forge-perf"));
            assertEquals(1, agentLines.size(), app::stderr);
            assertTrue(agentLines.get(0).startsWith("[forge-perf] agent not started, the application runs without it: the JVM's metaspace limit"),
                    app::stderr);
            assertTrue(agentLines.get(0).endsWith("raise -XX:MaxMetaspaceSize by 12 MB to use forge-perf"), app::stderr);
            assertFalse(app.stderr().contains("OutOfMemoryError"), app::stderr);

            // while such a JVM runs, status and list say why the agent is not there
            Proc running = env.hello(jdk, "timed=dev.forgeperf.e2e.fixture.Hello#main", 600_000, METASPACE_LIMIT);
            String pid = running.awaitOut("hello ready pid=(\\d+)", Duration.ofSeconds(120));
            // the note is written on a thread of its own (premain never waits for a file system)
            LifecycleTest.await("the note of JVM " + pid, Duration.ofSeconds(60), () -> Files.exists(env.socketDir.resolve(pid + ".start-failed")));

            Cli.Result status = env.cli.run("status", pid);
            assertEquals(1, status.exit(), status::toString);
            assertEquals(1, status.err().lines().count(), status::toString);
            assertTrue(status.err().startsWith("forge-perf: the forge-perf agent is not running in JVM " + pid + " (its start failed): "
                    + "the JVM's metaspace limit (-XX:MaxMetaspaceSize=10MB, "), status::toString);
            assertTrue(status.err().contains("raise -XX:MaxMetaspaceSize by 12 MB to use forge-perf"), status::toString);

            Cli.Result list = env.cli.run("list");
            assertEquals(0, list.exit(), list::toString);
            assertTrue(list.out().lines().anyMatch(l -> l.startsWith(pid + " ") && l.contains("(agent start: not running: the JVM's metaspace limit")),
                    list::toString);
            assertFalse(Files.exists(env.socketDir.resolve(pid + ".sock")), "no socket");
            running.process().destroy();
            assertTrue(running.process().onExit().orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).handle((p, e) -> e == null).join(), "JVM gone");

            // list removes the note once the JVM is gone
            Cli.Result after = env.cli.run("list");
            assertEquals(0, after.exit(), after::toString);
            assertFalse(Files.exists(env.socketDir.resolve(pid + ".start-failed")), "note removed for a dead JVM");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void attachToAJvmWhoseHeapIsFullSaysSoInOneLineAndTheJvmRunsOn(Path jdk) {
        // with about 3 MB free of 32 MB the JVM's attach listener runs out of heap answering; with about 4 MB the agent's
        // start check refuses (it wants 2 MB beyond a tenth of the heap). Either way the user reads one line.
        for (String leaveMb : List.of("4", "5")) {
            try (Env env = new Env()) {
                Proc app = env.java(jdk, List.of("-Xmx32m", "-XX:+EnableDynamicAgentLoading", "-cp", Fixtures.testClasses().toString()),
                        "dev.forgeperf.e2e.fixture.FullHeap", leaveMb, "600000");
                String pid = app.awaitOut("full heap ready pid=(\\d+)", Duration.ofSeconds(120));

                Cli.Result attach = env.cli.run("attach", pid, "--timeout", "60");
                assertEquals(1, attach.exit(), attach::toString);
                assertEquals(1, attach.err().lines().count(), attach::toString);
                assertTrue(attach.err().startsWith("forge-perf: "), attach::toString);
                assertTrue(attach.err().contains("attach again when its heap has room"), attach::toString);
                assertTrue(attach.err().contains("JVM " + pid + " is out of heap (it answered the attach with java.lang.OutOfMemoryError); the agent was not loaded")
                        || attach.err().contains("the forge-perf agent did not start in JVM " + pid + " (it runs on unchanged): the JVM's heap is full (")
                        || attach.err().contains("JVM " + pid + " broke off its answer to the attach (")
                        // JDK 17 beside stress-ng: loading the agent's classes ran out of heap before its agentmain ran
                        || attach.err().contains("JVM " + pid + " could not start the agent (Agent JAR loaded but agent failed to initialize), as a JVM short"),
                        attach::toString);
                assertFalse(attach.err().contains("\tat ") || attach.err().contains("Exception"), attach::toString);

                Cli.Result status = env.cli.run("status", pid);
                assertEquals(1, status.exit(), status::toString);
                assertEquals(1, status.err().lines().count(), status::toString);

                assertTrue(app.process().isAlive(), app::stderr);
                assertTrue(app.stderrLines(l -> l.contains("forge-perf")).size() <= 1, app::stderr);
                assertFalse(Files.exists(env.socketDir.resolve(pid + ".sock")), "no socket");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void attachAsksANearlyFullJvmForNoSystemProperties(Path jdk) {
        // 20 of 32 MB live: room for the agent, but a JVM asked for its system properties would copy them into this heap.
        // The fixture prints a line whenever the JDK copies its system properties for an attach client; jcmd
        // VM.system_properties afterwards proves the watch sees such a copy (exactly one line, and it is jcmd's).
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-Xmx32m", "-Dfullheap.watchProperties=true", "-cp", Fixtures.testClasses().toString()),
                    "dev.forgeperf.e2e.fixture.FullHeap", "12", "600000");
            String pid = app.awaitOut("full heap ready pid=(\\d+)", Duration.ofSeconds(120));

            Cli.Result attach = env.cli.run("attach", pid, "--timeout", "60");
            assertEquals(0, attach.exit(), attach::toString);
            assertTrue(attach.out().contains("loaded into JVM " + pid), attach::toString);
            // what the note needs (the JDK's version, the JVM's options) now comes from /proc and the JDK's release file
            assertEquals(Jdks.feature(jdk) >= 21, attach.err().contains("JVM " + pid + " runs JDK " + Jdks.feature(jdk) + ", which prints a warning"),
                    attach::toString);

            try (Proc jcmd = Jdks.tool(jdk, "jcmd", pid, "VM.system_properties")) {
                assertTrue(jcmd.stdout().contains("fullheap.watchProperties=true"), jcmd::stdout);
            }
            app.process().destroy();
            app.waitFor(Duration.ofSeconds(60)); // all of its output read
            assertEquals(1, app.stdout().lines().filter(l -> l.equals("system properties read by an attach operation")).count(),
                    "attach must not ask the JVM for its system properties (the one read is jcmd's):\n" + app.stdout());
        }
    }
}
