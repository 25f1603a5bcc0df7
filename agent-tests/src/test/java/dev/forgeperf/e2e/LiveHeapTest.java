package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code health} heap check and the {@code heap>P%} trigger judge the live heap (after the last
 * old-generation collection), against {@code fixture.DeadOldData} whose live data is known (256 MB
 * heaps, a {@value #BLOCK_MB} MB block, thresholds at {@value #THRESHOLD}%), under G1 and Parallel
 * on each JDK, four JVMs at once:
 * <ul>
 *   <li>a promoted block that died: the heap after young collections is above the threshold, the
 *       live data below. Before any old-generation collection {@code health} says "not enough
 *       data"; after one, the check is healthy with the live heap's value, and the heap trigger does
 *       not fire: a later trigger on threads fires instead (the heap trigger is checked first on
 *       every tick, so it would have fired on the first tick after the dead block);</li>
 *   <li>the block kept live: {@code health} is degraded and the heap trigger fires, both with a value
 *       of at least the block's share of the heap.</li>
 * </ul>
 */
class LiveHeapTest {
    static final int BLOCK_MB = 40;
    static final int THRESHOLD = 10;
    private static final double MB = 1024 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(120);

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    /** One fixture JVM. */
    private static final class Run {
        final String name;
        final Proc proc;
        final String pid;
        final Path triggers;
        final Path signal;

        Run(Env env, Path jdk, String gc, boolean kept) {
            name = gc + (kept ? "-kept" : "-dropped");
            triggers = env.work.resolve("triggers-" + name);
            signal = env.work.resolve("signal-" + name);
            List<String> args = new ArrayList<>(List.of("-Xms256m", "-Xmx256m", "-XX:+Use" + gc + "GC", "-XX:MaxTenuringThreshold=0"));
            if (gc.equals("G1")) {
                args.addAll(List.of("-XX:InitiatingHeapOccupancyPercent=90", "-XX:-G1UseAdaptiveIHOP"));
            }
            args.addAll(List.of("-javaagent:" + Fixtures.agentJar() + "=metrics.interval=200ms,health.heap.degraded=" + THRESHOLD
                    + ",health.heap.unhealthy=99,trigger=heap>" + THRESHOLD + "%,trigger=threads>80,trigger.minInterval=1h,trigger.dir=" + triggers,
                    "-cp", Fixtures.testClasses().toString()));
            proc = env.java(jdk, args, "dev.forgeperf.e2e.fixture.DeadOldData", kept ? "kept" : "dropped", String.valueOf(BLOCK_MB), signal.toString());
            pid = proc.awaitOut("dead-old ready pid=(\\d+)", Duration.ofSeconds(60));
            env.awaitSocket(Long.parseLong(pid));
        }

        Map<String, Object> heap(Env env) {
            Cli.Result r = env.cli.run("metrics", pid, "--json");
            assertEquals(0, r.exit(), () -> name + ": " + r);
            return RuntimeTest.map(RuntimeTest.json(r), "heap");
        }

        Map<String, Object> heapCheck(Env env) {
            Cli.Result r = env.cli.run("health", pid, "--json");
            assertTrue(r.exit() >= 0 && r.exit() <= 2, () -> name + ": " + r);
            for (Object o : RuntimeTest.list(RuntimeTest.json(r), "checks")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> c = (Map<String, Object>) o;
                if (c.get("check").equals("heapAfterGc")) {
                    return c;
                }
            }
            throw new AssertionError(name + ": no heap check in " + r.out());
        }

        List<String> folders() {
            if (!Files.isDirectory(triggers)) {
                return List.of();
            }
            try (Stream<Path> s = Files.list(triggers)) {
                return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void touch(String suffix) {
            try {
                Files.writeString(Path.of(signal + suffix), "");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Reads a JSON object from a file. */
    private static final class Json {
        @SuppressWarnings("unchecked")
        static Map<String, Object> map(Path file) {
            try {
                return (Map<String, Object>) dev.forgeperf.util.JsonReader.parse(Files.readString(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static double fraction(Map<String, Object> heap, String key) {
        Object v = heap.get(key);
        return v == null ? Double.NaN : ((Number) v).doubleValue() / ((Number) heap.get("max")).doubleValue();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void healthAndTheHeapTriggerJudgeTheLiveHeapNotTheHeapAfterAYoungGc(Path jdk) {
        try (Env env = new Env()) {
            List<Run> dropped = new ArrayList<>();
            List<Run> kept = new ArrayList<>();
            for (String gc : List.of("G1", "Parallel")) {
                dropped.add(new Run(env, jdk, gc, false));
                kept.add(new Run(env, jdk, gc, true));
            }
            double block = BLOCK_MB * MB / (256 * MB);

            // dead old data and no old-generation collection yet: not enough data, no judgement
            for (Run r : dropped) {
                r.proc.awaitOut("dead block, no old-generation GC yet", WAIT);
                Map<String, Object> heap = r.heap(env);
                assertTrue(fraction(heap, "usedAfterLastGc") > block, () -> r.name + ": the dead block is not in the heap after GC: " + heap);
                assertNull(heap.get("usedAfterLastOldGc"), () -> r.name + ": an old-generation GC before the fixture asked for one: " + heap);
                Map<String, Object> check = r.heapCheck(env);
                assertEquals("healthy", check.get("status"), check::toString);
                assertTrue(check.get("message").toString().startsWith("live heap: not enough data (no old-generation collection"), check::toString);
                Cli.Result text = env.cli.run("health", r.pid);
                assertTrue(text.out().contains("  ok: live heap: not enough data"), text::toString);
                r.touch(".1");
            }

            // dead old data after an old-generation collection: the heap after young GCs is above the threshold, the live heap below
            for (Run r : dropped) {
                r.proc.awaitOut("dead block after an old-generation GC", WAIT);
                Map<String, Object> heap = r.heap(env);
                assertTrue(fraction(heap, "usedAfterLastGc") > block, () -> r.name + ": " + heap);
                double live = fraction(heap, "usedAfterLastOldGc");
                assertTrue(live < THRESHOLD / 100.0, () -> r.name + ": live heap " + live + " not below the threshold: " + heap);
                Map<String, Object> check = r.heapCheck(env);
                assertEquals("healthy", check.get("status"), check::toString);
                double value = ((Number) check.get("value")).doubleValue();
                assertEquals(live * 100, value, 0.5, check::toString);
                assertTrue(check.get("message").toString().matches("live heap [\\d.]+% of max \\([\\d.]+ MB of [\\d.]+ MB, after the last old-generation GC, [\\dhms ]+ ago\\), below 10%"),
                        check::toString);
                r.touch(".2");
            }
            for (Run r : dropped) {
                r.proc.awaitOut("threads started", WAIT);
                LifecycleTest.await(r.name + ": the threads trigger's snapshot", WAIT, () -> r.folders().stream().anyMatch(n -> n.endsWith("-threads")
                        && Files.exists(r.triggers.resolve(n).resolve("manifest.json"))));
                assertTrue(r.folders().stream().noneMatch(n -> n.endsWith("-heap")), () -> r.name + ": " + r.folders() + "\n" + r.proc.stderr());
                assertEquals(List.of(), r.proc.stderrLines(l -> l.contains("trigger heap>")), r.proc::stderr);
                // the trap held when the threads trigger fired: the snapshot's metrics (written before its class
                // histogram's full GC) show the heap after young GCs above the threshold, the live heap below
                String folder = r.folders().stream().filter(n -> n.endsWith("-threads")).findFirst().orElseThrow();
                Map<String, Object> snap = Json.map(r.triggers.resolve(folder).resolve("metrics.json"));
                Map<String, Object> heap = RuntimeTest.map(RuntimeTest.map(snap, "current"), "heap");
                assertTrue(fraction(heap, "usedAfterLastGc") > block && fraction(heap, "usedAfterLastOldGc") < THRESHOLD / 100.0, () -> r.name + ": " + heap);
                System.out.printf("%s %s: heap after young GC %.0f%% of max, live heap %.0f%%: healthy, no heap trigger%n", jdk.getFileName(), r.name,
                        fraction(heap, "usedAfterLastGc") * 100, fraction(heap, "usedAfterLastOldGc") * 100);
            }

            // live data above the threshold: degraded, and the trigger fires
            Pattern fired = Pattern.compile("\\[forge-perf] trigger heap>10% fired \\(live heap (\\d+)% of max \\(after the last old-generation GC\\), measured \\d+s ago\\)");
            for (Run r : kept) {
                r.proc.awaitOut("kept ready", WAIT);
                String line = r.proc.awaitErr("trigger heap>10% fired", WAIT);
                Matcher m = fired.matcher(line);
                assertTrue(m.find(), line);
                int pct = Integer.parseInt(m.group(1));
                assertTrue(pct >= block * 100 - 1 && pct <= block * 100 + 15, () -> r.name + ": " + line + " vs a " + BLOCK_MB + " MB block");
                Map<String, Object> check = r.heapCheck(env);
                assertEquals("degraded", check.get("status"), check::toString);
                double value = ((Number) check.get("value")).doubleValue();
                assertTrue(value >= block * 100 - 1 && value <= block * 100 + 15, check::toString);
                LifecycleTest.await(r.name + ": the heap trigger's snapshot", WAIT, () -> r.folders().stream().anyMatch(n -> n.endsWith("-heap")));
                System.out.printf("%s %s: %s; health: %s%n", jdk.getFileName(), r.name, line, check.get("message"));
            }
        }
    }
}
