package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.forgeperf.profile.PprofReader;
import dev.forgeperf.profile.Profile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The other two CPU profiles add up as {@code profile cpu} does ({@link CpuAccuracyTest}): HTTP
 * {@code /debug/pprof/profile?seconds=5} and the {@code cpu.pb.gz} of {@code snapshot --profile 5s}.
 * On a 2-core machine with 1 and 4 busy threads, the CPU total that {@code go tool pprof} reads
 * from each is within ±10% of the CPU time the OS accounted to the process over the profile's
 * window (read by the test from /proc), and the profile says it is calibrated, not an estimate. So
 * does the {@code cpu.pb.gz} of a plain {@code snapshot}, built from the continuous recording.
 */
class CpuCalibrationPathsTest {
    private static final Pattern TOTAL = Pattern.compile("Total samples = ([0-9.]+)(ns|us|µs|ms|s|mins|hrs)\\b");

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        Jdks.all().forEach(jdk -> {
            for (int threads : new int[] {1, 4}) {
                cases.add(Arguments.of(jdk, threads));
            }
        });
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void httpProfileAndSnapshotCpuMatchTheOs(Path jdk, int threads) throws Exception {
        GoPprof.require();
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar() + "=http=0", "-cp", Fixtures.testClasses().toString()),
                    "dev.forgeperf.e2e.fixture.BusyThreads", String.valueOf(threads), "600000");
            String pid = app.awaitOut("busy ready pid=(\\d+)", Duration.ofSeconds(60));
            String url = HttpServerTest.awaitUrl(env, pid);
            env.awaitSocket(Long.parseLong(pid));
            String what = "JDK " + Jdks.feature(jdk) + ", " + threads + " threads";
            try (OsCpu os = OsCpu.watch(Long.parseLong(pid))) {
                HttpServerTest.Response r = HttpServerTest.get(url + "debug/pprof/profile?seconds=5");
                assertEquals(200, r.status(), r::toString);
                Path http = env.work.resolve("http-cpu.pb.gz");
                Files.write(http, r.body());
                check(env, os, http, "/debug/pprof/profile (" + what + ")");

                Cli.Result snap = env.cli.run("snapshot", pid, "--profile", "5s", "-o", "snap");
                assertEquals(0, snap.exit(), snap::toString);
                check(env, os, env.work.resolve("snap/cpu.pb.gz"), "snapshot cpu.pb.gz (" + what + ")");
            }
        }
    }

    /**
     * A snapshot without {@code --profile} builds cpu.pb.gz from the continuous recording: its window
     * starts at the agent's last thread CPU reading inside the last 5 minutes (one a minute, and one
     * once the recording runs) and ends at the snapshot, and it adds up to the OS's CPU time over it.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void snapshotFromTheContinuousRecordingMatchesTheOs(Path jdk, int threads) throws Exception {
        GoPprof.require();
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar(), "-cp", Fixtures.testClasses().toString()),
                    "dev.forgeperf.e2e.fixture.BusyThreads", String.valueOf(threads), "600000");
            String pid = app.awaitOut("busy ready pid=(\\d+)", Duration.ofSeconds(60));
            try (OsCpu os = OsCpu.watch(Long.parseLong(pid))) {
                env.awaitSocket(Long.parseLong(pid));
                LifecycleTest.await("the continuous recording of JVM " + pid, Duration.ofSeconds(120),
                        () -> env.cli.run("status", pid).out().contains("jfr:     recording ("));
                Thread.sleep(8_000); // the busy threads run: the window to profile
                Cli.Result snap = env.cli.run("snapshot", pid, "-o", "snap");
                assertEquals(0, snap.exit(), snap::toString);
                check(env, os, env.work.resolve("snap/cpu.pb.gz"), "snapshot cpu.pb.gz from the continuous recording (JDK " + Jdks.feature(jdk)
                        + ", " + threads + " threads)", 3_000_000_000L);
                String report = Files.readString(env.work.resolve("snap/report.txt"));
                assertTrue(report.contains("TOP CPU (cpu.pb.gz"), report);
            }
        }
    }

    private static void check(Env env, OsCpu os, Path file, String what) throws Exception {
        check(env, os, file, what, 4_000_000_000L);
    }

    /** The CPU total {@code go tool pprof} reads from {@code file} against the OS's over the profile's window. */
    private static void check(Env env, OsCpu os, Path file, String what, long minWindowNanos) throws Exception {
        Profile p = PprofReader.read(file);
        String context = String.join("\n", p.comments());
        long start = p.startEpochNanos();
        long end = start + p.durationNanos();
        assertTrue(end - start >= minWindowNanos, context);
        assertTrue(context.contains("calibrated: each thread's samples scaled"), context);
        assertFalse(context.contains("estimate: not calibrated"), context);
        String top = goTop(env, file);
        Matcher m = TOTAL.matcher(top);
        assertTrue(m.find(), top);
        double shown = Double.parseDouble(m.group(1)) * switch (m.group(2)) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "mins" -> 60e9;
            default -> 3600e9;
        };
        long truth = os.processBetween(start, end);
        assertTrue(truth > 0, what + ": the OS accounted no CPU time");
        double ratio = shown / truth;
        assertTrue(ratio >= 0.9 && ratio <= 1.1, String.format(Locale.ROOT, "%s: go tool pprof %.3f s, OS %.3f s (ratio %.3f)%n%s%n%s",
                what, shown / 1e9, truth / 1e9, ratio, top, context));
        System.out.printf(Locale.ROOT, "%s: go tool pprof %.3f s, OS %.3f s (ratio %.3f)%n", what, shown / 1e9, truth / 1e9, ratio);
    }

    private static String goTop(Env env, Path file) {
        String go = GoPprof.require();
        List<String> cmd = List.of(go, "tool", "pprof", "-top", "-sample_index=cpu", "-nodecount=5", file.toString());
        try (Proc p = Proc.start(cmd, Map.of("HOME", env.work.toString(), "GOCACHE", env.work.resolve("gocache").toString()), env.work)) {
            int exit = p.waitFor(Duration.ofSeconds(120));
            assertEquals(0, exit, () -> file + ":\n" + p.stdout() + "\n" + p.stderr());
            return p.stdout();
        }
    }
}
