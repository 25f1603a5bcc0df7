package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgeperf.util.JsonReader;

/**
 * Offline profiles end to end: sample-app recorded with plain {@code -XX:StartFlightRecording} (no
 * agent) on each JDK, then the real CLI's {@code convert}, {@code top} and {@code diff}, read back
 * by {@code go tool pprof} and checked against the JDK's own {@code jfr print}.
 */
class ProfileConvertTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void convertsAnAgentlessRecordingThatRealToolsReadBack(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Path jfr = env.work.resolve("rec.jfr");
            Proc app = env.java(jdk, List.of("-XX:StartFlightRecording:filename=" + jfr + ",settings=profile,locking-threshold=0ms"),
                    "-jar", Fixtures.sampleApp().toString(), "--duration", "10", "--quiet");
            assertEquals(0, app.waitFor(Duration.ofSeconds(120)), app::stderr);
            assertTrue(Files.size(jfr) > 0);

            for (String out : List.of("cpu.pb.gz", "cpu.html", "cpu.collapsed", "cpu.txt", "copy.jfr")) {
                Cli.Result r = env.cli.run("convert", jfr.toString(), "-o", out);
                assertEquals(0, r.exit(), r::toString);
                assertTrue(r.out().startsWith("wrote " + out), r::toString);
                assertTrue(Files.size(env.work.resolve(out)) > 0, out);
            }
            for (String kind : List.of("alloc", "lock", "park", "wall")) {
                Cli.Result r = env.cli.run("convert", "rec.jfr", "--event", kind, "-o", kind + ".pb.gz");
                assertEquals(0, r.exit(), r::toString);
            }
            Cli.Result r = env.cli.run("convert", "rec.jfr", "--format", "collapsed", "--threads", "--include", "PriceCalculator", "-o", "threads.out");
            assertEquals(0, r.exit(), r::toString);
            for (String line : Files.readAllLines(env.work.resolve("threads.out"))) {
                assertTrue(line.matches("\\[order-worker-\\d+\\];.*PriceCalculator\\.computePrice \\d+"), line);
            }

            // the collapsed file and the table
            List<String> collapsed = Files.readAllLines(env.work.resolve("cpu.collapsed"));
            assertTrue(collapsed.stream().allMatch(l -> l.matches("\\S.* \\d+")), collapsed::toString);
            assertTrue(collapsed.stream().anyMatch(l -> l.contains("OrderWorker.run;") && l.contains("PriceCalculator.computePrice ")));
            assertTrue(Files.readString(env.work.resolve("cpu.txt")).contains("dev.forgeperf.sample.PriceCalculator.computePrice"));
            String html = Files.readString(env.work.resolve("cpu.html"));
            assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("PriceCalculator.computePrice"));
            assertFalse(html.contains("http://") || html.contains("https://"), "self-contained");
            assertEquals(Files.size(jfr), Files.size(env.work.resolve("copy.jfr")));

            // hot methods top their profiles (our own reader of our pprof files)
            assertInTop(env, "cpu.pb.gz", "dev.forgeperf.sample.PriceCalculator.computePrice");
            assertInTop(env, "alloc.pb.gz", "dev.forgeperf.sample.ReportBuilder.buildReport");
            assertInTop(env, "lock.pb.gz", "dev.forgeperf.sample.Inventory.reserve");
            assertInTop(env, "rec.jfr", "dev.forgeperf.sample.PriceCalculator.computePrice");

            // sample count = the JDK's count of jdk.ExecutionSample (the table leads with CPU time: --sample-type picks)
            assertEquals("cpu", topJson(env, "cpu.pb.gz").get("sampleType"));
            long samples = ((Number) topJson(env, "cpu.pb.gz", "--sample-type", "samples").get("total")).longValue();
            assertEquals(jfrPrintCount(env, jdk, jfr, "jdk.ExecutionSample"), samples);
            assertEquals(jfrPrintCount(env, jdk, jfr, "jdk.JavaMonitorEnter"), countOf(env, "lock.pb.gz"));

            // diff of two profiles; a folder and a profile are refused in one line
            r = env.cli.run("diff", "cpu.pb.gz", "rec.jfr", "--html", "diff.html");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("HOTTER in B") && r.out().contains("COLDER in B"), r::toString);
            assertTrue(Files.readString(env.work.resolve("diff.html")).contains("\"diff\":true"));
            Files.createDirectories(env.work.resolve("snap-a"));
            r = env.cli.run("diff", "snap-a", "cpu.pb.gz");
            assertEquals(2, r.exit(), r::toString);
            assertEquals("forge-perf: cpu.pb.gz is not a folder: give two snapshot folders or two profile files", r.err().strip(), r::toString);

            corruptInput(env, jfr);
            flameGraphRunsInABrowser(env);
            goToolPprof(env);
        }
    }

    /** Recordings written by async-profiler (its own JFR writer, native frames, TLAB allocation events) read the same way. */
    @org.junit.jupiter.api.Test
    void readsAsyncProfilerRecordings() throws Exception {
        Path asprof = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator)).map(Path::of)
                .filter(p -> p.getFileName().toString().startsWith("async-profiler-")).findFirst().orElseThrow();
        try (Env env = new Env()) {
            Path jfr = env.work.resolve("asprof.jfr");
            Path jdk = Path.of(System.getProperty("java.home"));
            Proc app = env.java(jdk, List.of("-javaagent:" + asprof + "=start,event=itimer,alloc,lock=0,file=" + jfr + ",jfr"),
                    "-jar", Fixtures.sampleApp().toString(), "--duration", "6", "--quiet");
            assertEquals(0, app.waitFor(Duration.ofSeconds(120)), app::stderr);
            assertInTop(env, "asprof.jfr", "dev.forgeperf.sample.PriceCalculator.computePrice");
            Cli.Result r = env.cli.run("top", "asprof.jfr", "-n", "1");
            assertTrue(r.out().matches("(?s).*period in force when taken: 10\\.00ms \\(\\d+ samples\\) \\(from jdk\\.ActiveSetting\\).*"), r::toString);
            r = env.cli.run("top", "asprof.jfr", "--event", "alloc", "-n", "3");
            assertTrue(r.out().contains("dev.forgeperf.sample.ReportBuilder.buildReport") && r.out().contains("ObjectAllocationInNewTLAB"), r::toString);
            r = env.cli.run("top", "asprof.jfr", "--event", "lock", "-n", "3");
            assertTrue(r.out().contains("dev.forgeperf.sample.Inventory.reserve"), r::toString);
            r = env.cli.run("convert", "asprof.jfr", "-o", "asprof.pb.gz");
            assertEquals(0, r.exit(), r::toString);
            long samples = ((Number) topJson(env, "asprof.pb.gz", "--sample-type", "samples").get("total")).longValue();
            assertEquals(jfrPrintCount(env, jdk, jfr, "jdk.ExecutionSample"), samples);
        }
    }

    private static void corruptInput(Env env, Path jfr) throws Exception {
        byte[] bytes = Files.readAllBytes(jfr);
        Files.write(env.work.resolve("cut.jfr"), Arrays.copyOf(bytes, 4000));
        Files.writeString(env.work.resolve("text.jfr"), "not a recording");
        Map<String, String> expected = Map.of(
                "cut.jfr", "forge-perf: cut.jfr: truncated at byte 4000 (chunk at byte 0 declares ",
                "text.jfr", "forge-perf: text.jfr: not a JFR file");
        for (var e : expected.entrySet()) {
            List<String> before = listing(env.work);
            Cli.Result r = env.cli.run("convert", e.getKey(), "-o", "broken.pb.gz");
            assertEquals(1, r.exit(), r::toString);
            assertTrue(r.err().startsWith(e.getValue()), r::toString);
            assertEquals(1, r.err().lines().count(), r::toString);
            assertFalse(Files.exists(env.work.resolve("broken.pb.gz")), "no output file on error");
            assertEquals(before, listing(env.work), "no temporary file left behind");
        }
        Cli.Result r = env.cli.run("top", "cpu.txt");
        assertEquals(1, r.exit(), r::toString);
        assertEquals("forge-perf: cpu.txt: not a pprof profile", r.err().strip(), r::toString);
    }

    /** When headless Chromium is installed: the page's script runs, and a search from the URL finds the hot method. */
    private static void flameGraphRunsInABrowser(Env env) {
        Path chromium = Path.of("/usr/bin/chromium");
        if (!Files.isExecutable(chromium)) {
            return;
        }
        String url = env.work.resolve("cpu.html").toUri() + "#search=computePrice";
        List<String> cmd = List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--user-data-dir=" + env.work.resolve("chromium"),
                "--dump-dom", url);
        try (Proc p = Proc.start(cmd, null, env.work)) {
            assertEquals(0, p.waitFor(Duration.ofSeconds(120)), p::stderr);
            String dom = p.stdout();
            // CPU time, as the table and pprof's default type
            assertTrue(dom.matches("(?s).*<div id=\"sub\">cpu \\(nanoseconds\\) \u2014 total [\\d.]+[a-zµ]+</div>.*"), dom);
            Matcher m = Pattern.compile("<span id=\"matched\">matched ([\\d.]+)[a-zµ]+ \\(([\\d.]+)%\\)</span>").matcher(dom);
            assertTrue(m.find(), dom);
            assertTrue(Double.parseDouble(m.group(1)) > 0, dom);
        }
    }

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** {@code go tool pprof -top} reads our files; the hot methods are at the top. Skipped only without {@code go}. */
    private static void goToolPprof(Env env) {
        GoPprof.assertTop(env, "cpu.pb.gz", "dev.forgeperf.sample.PriceCalculator.computePrice", "Type: cpu");
        GoPprof.assertTop(env, "alloc.pb.gz", "dev.forgeperf.sample.ReportBuilder.buildReport", "Type: alloc_space");
        GoPprof.assertTop(env, "lock.pb.gz", "dev.forgeperf.sample.Inventory.reserve", "Type: delay");
        GoPprof.assertTop(env, "wall.pb.gz", "dev.forgeperf.sample", "Type: samples");
        // a file Go rewrote (what `go tool pprof URL` saves in ~/pprof): its comments packed, read back by top
        String go = GoPprof.require();
        try (Proc p = Proc.start(List.of(go, "tool", "pprof", "-proto", "-output", "go-rewritten.pb.gz", "cpu.pb.gz"),
                Map.of("HOME", env.work.toString(), "GOCACHE", env.work.resolve("gocache").toString()), env.work)) {
            assertEquals(0, p.waitFor(Duration.ofSeconds(120)), p::stderr);
        }
        assertEquals(topJson(env, "cpu.pb.gz").get("comments"), topJson(env, "go-rewritten.pb.gz").get("comments"));
        assertInTop(env, "go-rewritten.pb.gz", "dev.forgeperf.sample.PriceCalculator.computePrice");
        goProfilesReadBack(env, go);
    }

    /** A CPU and a heap profile written by Go's runtime/pprof: {@code top}, {@code convert} and {@code diff} read them. */
    private static void goProfilesReadBack(Env env, String go) {
        Path src = env.work.resolve("burn.go");
        try {
            Files.writeString(src, String.join("\n",
                    "package main",
                    "import (\"os\"; \"runtime/pprof\"; \"time\")",
                    "//go:noinline",
                    "func burnForForgePerf(n int) int { s := 0; for i := 0; i < n; i++ { s += i * i % 7 }; return s }",
                    "func main() {",
                    "  f, _ := os.Create(os.Args[1]); pprof.StartCPUProfile(f)",
                    "  s := 0; for end := time.Now().Add(1500 * time.Millisecond); time.Now().Before(end); { s += burnForForgePerf(1000000) }",
                    "  pprof.StopCPUProfile(); f.Close()",
                    "  h, _ := os.Create(os.Args[2]); pprof.WriteHeapProfile(h); h.Close(); println(s)",
                    "}", ""));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        List<String> cmd = List.of(go, "run", src.toString(), "go-cpu.pprof", "go-heap.pprof");
        try (Proc p = Proc.start(cmd, Map.of("HOME", env.work.toString(), "GOCACHE", env.work.resolve("gocache").toString()), env.work)) {
            assertEquals(0, p.waitFor(Duration.ofSeconds(180)), p::stderr);
        }
        Cli.Result r = env.cli.run("top", "go-cpu.pprof", "-n", "3");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("go-cpu.pprof: cpu/nanoseconds") && r.out().contains("main.burnForForgePerf"), r::toString);
        r = env.cli.run("top", "go-heap.pprof", "-n", "3");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("go-heap.pprof: inuse_space/bytes"), r::toString);
        r = env.cli.run("convert", "go-cpu.pprof", "-o", "go-cpu.html");
        assertEquals(0, r.exit(), r::toString);
        r = env.cli.run("convert", "go-cpu.pprof", "-o", "go-cpu.collapsed");
        assertEquals(0, r.exit(), r::toString);
        try {
            // the burner's stack, as a leaf or below what preempted it (Go's async preemption shows on a busy machine)
            String collapsed = Files.readString(env.work.resolve("go-cpu.collapsed"));
            assertTrue(collapsed.contains("runtime.main;main.main;main.burnForForgePerf"), collapsed);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertInTop(Env env, String file, String function) {
        Cli.Result r = env.cli.run("top", file, "-n", "5");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains(function), r::toString);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> topJson(Env env, String file, String... more) {
        List<String> args = new ArrayList<>(List.of("top", file, "--json"));
        args.addAll(List.of(more));
        Cli.Result r = env.cli.run(args.toArray(new String[0]));
        assertEquals(0, r.exit(), r::toString);
        return (Map<String, Object>) JsonReader.parse(r.out());
    }

    /** The contentions count of a lock profile, from the header of {@code top}. */
    private static long countOf(Env env, String file) {
        Cli.Result r = env.cli.run("top", file, "-n", "1");
        assertEquals(0, r.exit(), r::toString);
        Matcher m = Pattern.compile("contentions ([\\d,]+)").matcher(r.out());
        assertTrue(m.find(), r::toString);
        return Long.parseLong(m.group(1).replace(",", "")); // 24,723: thousands separated
    }

    private static long jfrPrintCount(Env env, Path jdk, Path jfr, String event) throws Exception {
        Path out = env.work.resolve(event + ".json");
        List<String> cmd = List.of(jdk.resolve("bin/jfr").toString(), "print", "--events", event, "--json", jfr.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "jfr print finished");
        assertEquals(0, p.exitValue());
        String json = Files.readString(out, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("\"type\"\\s*:\\s*\"" + Pattern.quote(event) + "\"").matcher(json);
        long n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
