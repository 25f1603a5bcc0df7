package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.forgeperf.profile.PprofReader;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.TopTable;
import dev.forgeperf.util.JsonReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code snapshotOnExit} on a short job whose work is known (3 s of CPU in one method, then 200 MB
 * allocated in another): the exit snapshot holds the whole run's recording and its CPU,
 * allocation and lock profiles as pprof and flame graphs; the CPU profile's hottest function is
 * the CPU method, the allocation profile's the allocating one; the manifest says each part is ok.
 */
class ExitProfilesTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void theExitSnapshotProfilesTheWholeRun(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Path out = env.work.resolve("exit-snapshots");
            Proc app = env.java(jdk, List.of("-javaagent:" + Fixtures.agentJar() + "=snapshotOnExit=" + out, "-cp", Fixtures.testClasses().toString()),
                    "dev.forgeperf.e2e.fixture.ShortJob", "3000");
            assertEquals(0, app.waitFor(Duration.ofSeconds(180)), app::stderr);
            assertTrue(app.stdout().contains("job done"), app::stdout);
            List<Path> dirs;
            try (Stream<Path> s = Files.list(out)) {
                dirs = s.toList();
            }
            assertEquals(1, dirs.size(), dirs::toString);
            Path snap = dirs.get(0);
            Map<String, Object> manifest = TimingTest.castMap(JsonReader.parse(Files.readString(snap.resolve("manifest.json"))));
            Map<String, Object> parts = TimingTest.castMap(manifest.get("parts"));
            assertEquals("ok", parts.get("recording"), manifest::toString);
            String context = manifest + "\n" + app.stderr();
            for (String f : List.of("recording.jfr", "cpu.pb.gz", "cpu.html", "alloc.pb.gz", "alloc.html")) {
                assertTrue(Files.size(snap.resolve(f)) > 0, f + "\n" + context);
            }
            assertTrue(Files.readString(snap.resolve("cpu.html")).contains("crunchNumbersForExit"), context);
            try (Stream<Path> s = Files.list(snap)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), context);
            }

            Profile cpu = PprofReader.read(snap.resolve("cpu.pb.gz"));
            List<TopTable.Row> rows = TopTable.of(cpu, cpu.typeIndex("cpu")).rows();
            assertEquals("dev.forgeperf.e2e.fixture.ShortJob.crunchNumbersForExit", rows.get(0).function(), rows::toString);
            assertTrue(rows.get(0).self() >= cpu.total(cpu.typeIndex("cpu")) / 2, rows::toString);
            // threads that ended before the exit (main) have no CPU clock left: the profile says it is an estimate and why
            assertTrue(cpu.comments().stream().anyMatch(c -> c.startsWith("estimate: not calibrated")), cpu.comments()::toString);
            assertTrue(cpu.comments().stream().anyMatch(c -> c.startsWith("exit snapshot: the CPU time cannot be calibrated for the whole run")),
                    cpu.comments()::toString);

            Profile alloc = PprofReader.read(snap.resolve("alloc.pb.gz"));
            int bytes = alloc.typeIndex("alloc_space");
            List<TopTable.Row> allocRows = TopTable.of(alloc, bytes).rows();
            assertEquals("dev.forgeperf.e2e.fixture.ShortJob.allocateBuffersForExit", allocRows.get(0).function(), allocRows::toString);
            // the run's events are all there: JDK's jfr tool counts the same CPU samples in the recording
            String summary = Jdks.tool(jdk, "jfr", "summary", snap.resolve("recording.jfr").toString()).stdout();
            assertTrue(summary.contains("jdk.ExecutionSample"), summary);
        }
    }
}
