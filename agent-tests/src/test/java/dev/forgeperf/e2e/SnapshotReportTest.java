package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgeperf.util.JsonReader;

/**
 * Snapshots, their reports and snapshot diffs end to end on the sample-app, on each JDK: every
 * file of a snapshot read back by the real tools (JSON, {@code jfr summary}, {@code go tool pprof},
 * headless Chromium), a leak found by {@code diff}, a deadlock named by the report, and snapshots
 * taken by an agent-side trigger.
 */
class SnapshotReportTest {
    static final List<String> FILES = List.of("manifest.json", "timings.json", "timings.txt", "metrics.json", "threads.txt", "histogram.txt",
            "histogram.json", "recording.jfr", "cpu.pb.gz", "alloc.pb.gz", "lock.pb.gz", "report.txt", "report.md", "report.html");

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    /** The sample-app with the agent (sampling every 200 ms, timing the services); returns its pid once ready. */
    static String sampleApp(Env env, Path jdk, String... appArgs) {
        return sampleAppWithHeap(env, jdk, "-Xmx256m", appArgs);
    }

    /** The same with a heap size of its own ({@code -Xmx…}). */
    static String sampleAppWithHeap(Env env, Path jdk, String xmx, String... appArgs) {
        List<String> jvm = List.of(xmx,
                "-javaagent:" + Fixtures.agentJar() + "=metrics.interval=200ms,timed=dev.forgeperf.sample.*Service#*", "-jar",
                Fixtures.sampleApp().toString());
        List<String> all = new ArrayList<>(jvm);
        all.addAll(List.of(appArgs));
        Proc app = env.java(jdk, all.subList(0, jvm.size()), appArgs);
        String pid = app.awaitOut("sample-app ready pid=(\\d+)", Duration.ofSeconds(60));
        env.awaitSocket(Long.parseLong(pid));
        return pid;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String text) {
        return (Map<String, Object>) JsonReader.parse(text);
    }

    /** Takes a snapshot into {@code name}; returns its folder. */
    static Path snapshot(Env env, String pid, String name) {
        long start = System.nanoTime();
        Cli.Result r = env.cli.run("snapshot", pid, "-o", name);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, r.exit(), r::toString);
        Path dir = env.work.resolve(name);
        assertTrue(r.out().startsWith("wrote snapshot " + dir), r::toString);
        assertTrue(r.out().contains("reports    ok"), r::toString);
        System.out.printf("snapshot %s: CLI %d ms, manifest %s%n", name, millis, readManifest(dir).get("partMillis") + " total "
                + readManifest(dir).get("totalMillis") + " ms");
        return dir;
    }

    static Map<String, Object> readManifest(Path dir) {
        try {
            return json(Files.readString(dir.resolve("manifest.json")));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Every file is there, the manifest lists every part as ok, the JSON files parse. */
    static void assertComplete(Path dir) throws IOException {
        for (String f : FILES) {
            assertTrue(Files.size(dir.resolve(f)) > 0, () -> f + " missing in " + dir);
        }
        Map<String, Object> manifest = readManifest(dir);
        Map<?, ?> parts = (Map<?, ?>) manifest.get("parts");
        for (String p : List.of("timings", "metrics", "threads", "histogram", "recording", "profiles", "reports")) {
            assertEquals("ok", parts.get(p), () -> p + ": " + manifest);
        }
        for (String f : List.of("metrics.json", "timings.json", "histogram.json")) {
            assertNotNull(JsonReader.parse(Files.readString(dir.resolve(f))), f);
        }
        assertTrue(Files.readString(dir.resolve("threads.txt")).startsWith("Full thread dump"));
        assertTrue(Files.readString(dir.resolve("report.html")).startsWith("<!DOCTYPE html>"));
        try (Stream<Path> s = Files.list(dir.getParent())) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList(), "no temp folder left");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aLeakShowsInTheDiffAndEveryFileReadsBack(Path jdk) throws Exception {
        try (Env env = new Env()) {
            // 160 MB: G1 starts collecting the old generation (the leak rule's input) within ~40 s
            // of the 1.5 MB/s leak, and the heap is not full before ~90 s
            String pid = sampleAppWithHeap(env, jdk, "-Xmx160m", "--leak", "--quiet");
            Env.sleep(2_000);
            Path a = snapshot(env, pid, "a");
            long afterA = System.nanoTime();
            assertComplete(a);

            // while the leak grows: the report command offline, and its errors
            Cli.Result text = env.cli.run("report", "a");
            assertEquals(0, text.exit(), text::toString);
            assertTrue(text.out().startsWith("forge-perf report: "), text::toString);
            assertTrue(text.out().contains("\nFINDINGS\n") && text.out().contains("dev.forgeperf.sample.OrderService#handleOrder(Order)"), text::toString);
            assertTrue(Files.readString(a.resolve("report.txt")).contains("\nFINDINGS\n"));
            Map<String, Object> rj = json(env.cli.run("report", "a", "--format", "json").out());
            assertEquals(Long.parseLong(pid), ((Number) ((Map<?, ?>) rj.get("snapshot")).get("pid")).longValue());
            Cli.Result md = env.cli.run("report", "a", "-o", "a.md");
            assertEquals(0, md.exit(), md::toString);
            assertTrue(Files.readString(env.work.resolve("a.md")).startsWith("# forge-perf report: "));
            Files.createDirectories(env.work.resolve("plain"));
            Cli.Result notSnap = env.cli.run("report", "plain");
            assertEquals(1, notSnap.exit(), notSnap::toString);
            assertEquals("forge-perf: plain is not a forge-perf snapshot (no manifest.json)", notSnap.err().strip(), notSnap::toString);
            Cli.Result noDir = env.cli.run("report", "a", "-o", "no/such/dir/r.html");
            assertEquals(1, noDir.exit(), noDir::toString);
            assertEquals(1, noDir.err().lines().count(), noDir::toString);

            // snapshot B: at least 25 s later, once the agent reports the heap leak
            long deadline = System.nanoTime() + Duration.ofSeconds(80).toNanos();
            while (System.nanoTime() < deadline) {
                boolean late = System.nanoTime() - afterA > Duration.ofSeconds(25).toNanos();
                if (late && env.cli.run("metrics", pid, "--json").out().contains("\"kind\": \"heap\"")) {
                    break;
                }
                Env.sleep(1_000);
            }
            Path b = snapshot(env, pid, "b");
            assertComplete(b);
            String reportB = Files.readString(b.resolve("report.txt"));
            assertTrue(reportB.contains("[warning]  likely heap leak: heap after old-generation GCs rising"), reportB);
            assertTrue(reportB.contains("\nsnapshot b taken "), "the report names the final folder, not the temporary one");

            // diff: exit 1, the heap and the leaked class named
            Cli.Result diff = env.cli.run("diff", "a", "b", "--html", "diff.html");
            assertEquals(1, diff.exit(), diff::toString);
            String out = diff.out();
            assertTrue(out.contains("REGRESSIONS above 10%"), out);
            assertTrue(out.lines().anyMatch(l -> l.startsWith("  live objects after full GC (class histogram) ")), out);
            assertTrue(out.contains("  new finding in B: likely heap leak: heap after old-generation GCs rising"), out);
            String growth = out.substring(out.indexOf("CLASS HISTOGRAM GROWTH"));
            Matcher leaked = Pattern.compile("\\s+\\+([\\d,]+)\\s+[\\d,]+\\s+\\+\\S+ \\S+\\s+\\S+ \\S+\\s+dev\\.forgeperf\\.sample\\.LeakedSession\\n").matcher(growth);
            assertTrue(leaked.find(), growth);
            assertTrue(Long.parseLong(leaked.group(1).replace(",", "")) > 1_000, growth); // ~1 session per 5.6 KB, 1.5 MB/s
            assertTrue(Files.readString(env.work.resolve("diff.html")).contains("dev.forgeperf.sample.LeakedSession"));
            Cli.Result dj = env.cli.run("diff", "a", "b", "--json", "--threshold", "25");
            assertEquals(1, dj.exit(), dj::toString);
            Map<String, Object> d = json(dj.out());
            assertEquals(Boolean.TRUE, d.get("sameJvm"));
            assertTrue(((List<?>) ((Map<?, ?>) d.get("classHistogram")).get("growth")).stream()
                    .anyMatch(g -> "dev.forgeperf.sample.LeakedSession".equals(((Map<?, ?>) g).get("className"))), dj::toString);
            Cli.Result same = env.cli.run("diff", "b", "b");
            assertEquals(0, same.exit(), same::toString);
            assertTrue(same.out().contains("NO REGRESSION above 10%"), same::toString);
            Cli.Result bad = env.cli.run("diff", "a", "plain");
            assertEquals(2, bad.exit(), bad::toString); // trouble, never the regression status
            assertEquals("forge-perf: plain is not a forge-perf snapshot (no manifest.json)", bad.err().strip(), bad::toString);
            Cli.Result mixed = env.cli.run("diff", "a", "b/cpu.pb.gz");
            assertEquals(2, mixed.exit(), mixed::toString);

            // every file read back by the real tools
            String summary = Jdks.tool(jdk, "jfr", "summary", b.resolve("recording.jfr").toString()).stdout();
            assertTrue(summary.contains("jdk.ExecutionSample") && summary.contains("forge.MethodTiming"), summary);
            GoPprof.assertTop(env, "b/cpu.pb.gz", "dev.forgeperf.sample.PriceCalculator.computePrice", "Type: cpu");
            GoPprof.assertTop(env, "b/alloc.pb.gz", "dev.forgeperf.sample.ReportBuilder.buildReport", "Type: alloc_space");
            GoPprof.assertTop(env, "b/lock.pb.gz", "dev.forgeperf.sample.Inventory.reserve", "Type: delay");

            // the HTML report renders with its charts
            Path png = env.work.resolve("report.png");
            Chromium.screenshot(env, b.resolve("report.html"), png);
            Path kept = Path.of("target", "e2e-screenshots", "report-" + Jdks.feature(jdk) + ".png");
            Files.createDirectories(kept.getParent());
            Files.copy(png, kept, StandardCopyOption.REPLACE_EXISTING);
            String dom = Chromium.dumpDom(env, b.resolve("report.html"));
            assertEquals(6, count(dom, "<svg class=\"chart\""), "charts: heap, threads, CPU, GC %, allocation, metaspace");
            assertTrue(count(dom, "class=\"line\"") >= 6, "every chart has a line");
            assertTrue(dom.contains("data-kind=\"leak-heap\""), "the leak finding is on the page");
            assertTrue(dom.contains("dev.forgeperf.sample.PriceCalculator.computePrice"));
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void theReportOfADeadlockedAppNamesTheDeadlock(Path jdk) throws Exception {
        try (Env env = new Env()) {
            String pid = sampleApp(env, jdk, "--deadlock", "--quiet", "--threads", "1");
            Path s = snapshot(env, pid, "dead");
            assertComplete(s);
            String report = Files.readString(s.resolve("report.txt"));
            String first = report.substring(report.indexOf("FINDINGS\n") + 9).lines().findFirst().orElse("");
            assertTrue(first.startsWith("  [critical] deadlock: 2 threads are deadlocked (\"deadlock-"), report);
            assertTrue(first.contains("\"deadlock-a\"") && first.contains("\"deadlock-b\""), first);
            assertTrue(report.contains("is waiting to lock monitor") && report.contains("(a dev.forgeperf.sample.DeadlockDemo$AuditLock)"), report);
            assertTrue(Files.readString(s.resolve("report.md")).contains("- **critical** deadlock: 2 threads are deadlocked"));
            Map<String, Object> j = json(env.cli.run("report", "dead", "--format", "json").out());
            Map<?, ?> f = (Map<?, ?>) ((List<?>) j.get("findings")).get(0);
            assertEquals("critical", f.get("severity"));
            assertEquals("deadlock", f.get("kind"));
            assertEquals("unhealthy", j.get("health"));
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aTriggerTakesSnapshotsRateLimitedAndKeepsTheNewest(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.hello(jdk, "trigger=threads>1:snapshot,trigger=heap>>5,trigger.minInterval=1s,trigger.keep=2,metrics.interval=200ms", 600_000);
            long pid = app.pid();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (app.stderrLines(l -> l.startsWith("[forge-perf] trigger threads>1:snapshot fired")).size() < 3 && System.nanoTime() < deadline) {
                Env.sleep(200);
            }
            List<String> fired = app.stderrLines(l -> l.startsWith("[forge-perf] trigger threads>1:snapshot fired"));
            assertTrue(fired.size() >= 3, app::stderr);
            assertTrue(fired.get(0).matches("\\[forge-perf] trigger threads>1:snapshot fired \\(\\d+ live threads\\): snapshot .*/snapshots/" + pid
                    + "-\\d{8}-\\d{6}-\\d{3}-threads.*"), fired.get(0));
            assertEquals(1, app.stderrLines(l -> l.startsWith("[forge-perf] ignoring trigger=heap>>5: ")).size(), app::stderr);

            Path dir = env.socketDir.resolve("snapshots");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            // triggers keep firing (once a second): a new snapshot appears just before the oldest goes, and a
            // listed one may go while it is read; some listing within a few seconds shows exactly the kept ones, whole
            List<Path> kept = List.of();
            boolean seen = false;
            long keptDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // a hang bound: a busy machine writes slowly
            while (!seen && System.nanoTime() < keptDeadline) {
                try (Stream<Path> s = Files.list(dir)) {
                    kept = s.filter(p -> p.getFileName().toString().startsWith(pid + "-")).sorted().toList();
                }
                try {
                    boolean whole = !kept.isEmpty() && kept.size() <= 2;
                    for (Path k : kept) {
                        Map<String, Object> manifest = json(Files.readString(k.resolve("manifest.json")));
                        whole &= ((Number) manifest.get("forgePerfSnapshot")).longValue() == 1L && Files.exists(k.resolve("report.html"));
                    }
                    seen = whole;
                } catch (java.io.IOException goneMeanwhile) {
                    seen = false;
                }
                if (!seen) {
                    Env.sleep(100);
                }
            }
            assertTrue(seen, "at most 2 whole snapshots kept: " + kept);
            Cli.Result status = env.cli.run("status", String.valueOf(pid));
            assertEquals(0, status.exit(), status::toString);
            assertTrue(status.out().contains("triggers: threads>1:snapshot → " + dir + " (keep 2, at most one per 1s); fired "), status::toString);
            assertTrue(status.out().contains(", last at "), status::toString);
            assertTrue(app.process().isAlive(), "the app runs on");
            assertFalse(app.stdout().contains("VISIBLE"), app::stdout);
        }
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
