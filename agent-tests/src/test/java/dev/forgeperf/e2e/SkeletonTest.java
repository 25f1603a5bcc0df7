package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgeperf.util.JsonReader;

/** The walking skeleton, driven like a user: real JVMs on each JDK, the real jar, the real CLI. */
class SkeletonTest {
    static java.util.stream.Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void startupAgentAnswersListAndStatusOverAnOwnerOnlySocket(Path jdk) throws Exception {
        try (Env env = new Env()) {
            // a main class of its own: `status NAME` looks at every JVM of the user on the machine
            Proc app = env.uniqueHello(jdk, "", 600_000);
            String main = app.command().get(app.command().size() - 2);
            Path socket = env.awaitSocket(app.pid());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(env.socketDir)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));

            Cli.Result list = env.cli.run("list");
            assertEquals(0, list.exit(), list::toString);
            assertTrue(list.out().contains(app.pid() + " ") && list.out().contains("Hello"), list::toString);

            Cli.Result status = env.cli.run("status", String.valueOf(app.pid()));
            assertEquals(0, status.exit(), status::toString);
            assertTrue(status.out().contains("at startup (-javaagent)"), status::toString);
            assertTrue(status.out().contains(socket.toString()), status::toString);

            Cli.Result json = env.cli.run("status", String.valueOf(app.pid()), "--json");
            assertEquals(0, json.exit(), json::toString);
            @SuppressWarnings("unchecked")
            Map<String, Object> s = (Map<String, Object>) JsonReader.parse(json.out());
            assertEquals(app.pid(), ((Number) s.get("pid")).longValue());
            assertEquals(main, s.get("mainClass"));
            assertEquals(String.valueOf(Jdks.feature(jdk)), String.valueOf(s.get("jvmVersion")).split("[.+-]")[0]);

            Cli.Result byName = env.cli.run("status", main.substring(main.lastIndexOf('.') + 1));
            assertEquals(0, byName.exit(), byName::toString);
            assertTrue(byName.out().contains("agent in pid " + app.pid()), byName::toString);

            assertTrue(app.stdout().contains("hidden dev.forgeperf.agent.Agent"), app::stdout);
            assertTrue(app.stdout().contains("hidden dev.forgeperf.shaded.bytebuddy.ByteBuddy"), app::stdout);
            assertTrue(app.stdout().contains("hidden picocli.CommandLine"), app::stdout);
            assertHostOutputUntouched(app);
        }
    }

    /**
     * The host's output is its own: the JVM says nothing about the agent (on JDK 17, appending to
     * the boot class path made it print a class-data-sharing warning to stdout), and no JDK
     * internals are opened to the application.
     */
    static void assertHostOutputUntouched(Proc app) {
        assertTrue(app.stdout().contains("internals closed"), app::stdout);
        assertFalse(app.stdout().contains("OPEN"), app::stdout);
        for (String out : List.of(app.stdout(), app.stderr())) {
            assertFalse(out.contains("Sharing is only supported") || out.contains("VM warning"), out);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void dynamicAttachTwiceLeavesTheHostRunningNormally(Path jdk) {
        try (Env env = new Env()) {
            // lives until stopped (at most 5 min): on a busy machine two attaches took longer than 40 s
            Proc app = env.hello(jdk, null, 300_000);
            String pid = String.valueOf(app.pid());

            Cli.Result before = env.cli.run("status", pid);
            assertEquals(1, before.exit(), before::toString);
            assertTrue(before.err().contains("run `forge-perf attach " + pid + "`"), before::toString);
            assertEquals(1, before.err().lines().count(), before::toString);

            Cli.Result attach = env.cli.run("attach", pid);
            assertEquals(0, attach.exit(), attach::toString);
            assertTrue(attach.out().contains("loaded into JVM " + pid), attach::toString);
            assertTrue(attach.out().contains("by attach"), attach::toString);
            if (Jdks.feature(jdk) >= 21) {
                assertTrue(attach.err().contains("-XX:+EnableDynamicAgentLoading"), attach::toString);
            }

            Cli.Result again = env.cli.run("attach", pid);
            assertEquals(0, again.exit(), again::toString);
            assertTrue(again.out().contains("already loaded"), again::toString);
            app.awaitErr("\\[forge-perf\\] agent .* already loaded", Duration.ofSeconds(60));

            Cli.Result status = env.cli.run("status", pid);
            assertEquals(0, status.exit(), status::toString);

            env.stop(app);
            assertEquals(0, app.waitFor(Duration.ofSeconds(120)));
            assertTrue(app.stdout().contains("hello done"), app::stdout);
            assertFalse(app.stdout().contains("NON-DAEMON"), app::stdout);
            assertTrue(app.stdout().contains("internals after closed"), app::stdout);
            assertFalse(Files.exists(env.socketDir.resolve(pid + ".sock")), "socket removed at exit");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void badOptionsAndAnUnusableSocketDirectoryNeverStopTheHost(Path jdk) {
        try (Env env = new Env()) {
            Proc app = env.hello(jdk, "bogus=1,timed.sample=abc,noequals", 500);
            assertEquals(0, app.waitFor(Duration.ofSeconds(60)));
            assertTrue(app.stdout().contains("hello done"), app::stdout);
            assertFalse(app.stdout().contains("NON-DAEMON"), app::stdout);
            List<String> warnings = app.stderrLines(l -> l.startsWith("[forge-perf]"));
            assertTrue(warnings.stream().anyMatch(l -> l.contains("unknown option 'bogus'")), app::stderr);
            assertTrue(warnings.stream().anyMatch(l -> l.contains("malformed option 'noequals'")), app::stderr);
        }
        try (Env env = new Env()) {
            env.env.put("FORGE_PERF_DIR", "/proc/forge-perf-cannot-be-here");
            // the agent's start-up thread says it; on a busy machine a 500 ms host had ended before it did
            Proc app = env.hello(jdk, "", 300_000);
            app.awaitErr("\\[forge-perf\\] (control socket disabled)", Duration.ofSeconds(60));
            env.stop(app);
            assertEquals(0, app.waitFor(Duration.ofSeconds(60)));
            assertTrue(app.stdout().contains("hello done"), app::stdout);
            assertEquals(1, app.stderrLines(l -> l.contains("[forge-perf] control socket disabled")).size(), app::stderr);
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void attachRefusedByDisableAttachMechanismSaysWhatToDo(Path jdk) {
        try (Env env = new Env()) {
            Proc app = env.hello(jdk, null, 600_000, "-XX:+DisableAttachMechanism");
            Cli.Result r = env.cli.run("attach", String.valueOf(app.pid()));
            assertEquals(1, r.exit(), r::toString);
            assertTrue(r.err().contains("-XX:+DisableAttachMechanism") && r.err().contains("-javaagent"), r::toString);
            assertEquals(1, r.err().lines().count(), r::toString);
        }
    }
}
