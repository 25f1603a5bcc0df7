package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * Exit statuses users already know, through the real CLI: 0 ok, 1 error, 2 usage for every command;
 * {@code health} as a Nagios/Icinga plugin (0 healthy, 1 degraded, 2 unhealthy, 3 could not tell);
 * {@code diff} as diff(1) (0 same, 1 regression, 2 trouble — never 1 for an error). The regression
 * exit of {@code diff} (1) is proven on real snapshots in {@link SnapshotReportTest}.
 */
class ExitCodesTest {
    /** Thresholds a tiny app cannot cross on a busy machine (GC pauses stretched by load), unless a test sets them low. */
    private static final String CALM = "jfr=off,health.gcPause.degraded=60s,health.gcPause.unhealthy=120s,health.gcCpu.degraded=99,"
            + "health.gcCpu.unhealthy=100,health.heap.degraded=99,health.heap.unhealthy=100";

    @Test
    void noCommandIsAUsageError() {
        try (Env env = new Env()) {
            Cli.Result r = env.cli.run();
            assertEquals(2, r.exit(), r::toString);
            assertEquals("", r.out(), "usage goes to stderr: " + r);
            assertTrue(r.err().startsWith("forge-perf: no command given\nUsage: forge-perf"), r::toString);
            r = env.cli.run("--verbose");
            assertEquals(2, r.exit(), r::toString);
            // the top-level help documents every convention
            r = env.cli.run("--help");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("health 0 healthy, 1 degraded, 2 unhealthy, 3 could not tell"), r::toString);
            assertTrue(r.out().contains("diff 0 no regression, 1 regression, 2 trouble"), r::toString);
        }
    }

    @Test
    void healthIsANagiosPlugin() {
        Path jdk = Path.of(System.getProperty("java.home"));
        try (Env env = new Env()) {
            Proc healthy = env.hello(jdk, CALM, 600_000);
            env.awaitSocket(healthy.pid());
            Cli.Result r = env.cli.run("health", String.valueOf(healthy.pid()));
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().startsWith("healthy\n"), r::toString);

            Proc degraded = env.hello(jdk, CALM + ",health.threads.degraded=1", 600_000);
            env.awaitSocket(degraded.pid());
            r = env.cli.run("health", String.valueOf(degraded.pid()));
            assertEquals(1, r.exit(), r::toString);
            assertTrue(r.out().startsWith("degraded\n"), r::toString);

            Proc unhealthy = env.hello(jdk, CALM + ",health.threads.degraded=1,health.threads.unhealthy=1", 600_000);
            env.awaitSocket(unhealthy.pid());
            r = env.cli.run("health", String.valueOf(unhealthy.pid()), "--json");
            assertEquals(2, r.exit(), r::toString);
            assertTrue(r.out().contains("\"status\": \"unhealthy\""), r::toString);

            // could not tell: 3 with one line, whatever the cause
            Proc plain = env.hello(jdk, null, 600_000);
            for (String[] args : new String[][] {{"health", "999999999"}, {"health", String.valueOf(plain.pid())}, {"health"},
                    {"health", String.valueOf(healthy.pid()), "--no-such-option"}, {"health", "NoSuchMainClassAnywhere"}}) {
                r = env.cli.run(args);
                assertEquals(3, r.exit(), () -> String.join(" ", args));
                assertTrue(r.err().startsWith("forge-perf: "), r::toString);
                assertFalse(r.err().contains("Exception"), r::toString);
                assertEquals("", r.out(), r::toString);
            }
            r = env.cli.run("health", "--help");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("0 healthy, 1 degraded, 2 unhealthy, 3 could not tell"), r::toString);

            // other commands keep 0 ok / 1 error / 2 usage
            r = env.cli.run("metrics", String.valueOf(healthy.pid()));
            assertEquals(0, r.exit(), r::toString);
            r = env.cli.run("metrics", String.valueOf(plain.pid()));
            assertEquals(1, r.exit(), r::toString);
            r = env.cli.run("metrics", String.valueOf(healthy.pid()), "--no-such-option");
            assertEquals(2, r.exit(), r::toString);
        }
    }

    @Test
    void diffErrorsAreTroubleNeverARegression() throws Exception {
        Path jdk = Path.of(System.getProperty("java.home"));
        try (Env env = new Env()) {
            Proc app = env.hello(jdk, "", 600_000);
            env.awaitSocket(app.pid());
            // the continuous recording may still be starting: poll until it can be dumped
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            Cli.Result r = env.cli.run("dump", "jfr", String.valueOf(app.pid()), "-o", "rec.jfr");
            while (r.exit() != 0 && r.err().contains("is starting") && System.nanoTime() < deadline) {
                Env.sleep(200);
                r = env.cli.run("dump", "jfr", String.valueOf(app.pid()), "-o", "rec.jfr");
            }
            assertEquals(0, r.exit(), r::toString);
            r = env.cli.run("diff", "rec.jfr", "rec.jfr");
            assertEquals(0, r.exit(), r::toString);

            Files.createDirectories(env.work.resolve("plain-a"));
            Files.createDirectories(env.work.resolve("plain-b"));
            Files.writeString(env.work.resolve("junk.pb.gz"), "not a profile");
            for (String[] args : new String[][] {{"diff"}, {"diff", "rec.jfr"}, {"diff", "nope-a", "nope-b"}, {"diff", "plain-a", "plain-b"},
                    {"diff", "plain-a", "rec.jfr"}, {"diff", "rec.jfr", "junk.pb.gz"}, {"diff", "rec.jfr", "rec.jfr", "--threshold", "5"},
                    {"diff", "rec.jfr", "rec.jfr", "--no-such-option"}}) {
                r = env.cli.run(args);
                assertEquals(2, r.exit(), () -> String.join(" ", args));
                assertTrue(r.err().startsWith("forge-perf: "), r::toString);
                assertFalse(r.err().contains("Exception"), r::toString);
            }
            r = env.cli.run("diff", "--help");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("0 no regression, 1 regression, 2 trouble"), r::toString);
        }
    }
}
