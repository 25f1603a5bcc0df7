package dev.forgeperf.report;

import static dev.forgeperf.report.SnapshotFolders.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgeperf.report.Finding.Severity;
import dev.forgeperf.util.JsonReader;
import dev.forgeperf.snapshot.SnapshotLayout;

class ReportTest {
    @TempDir
    Path tmp;

    private static Finding find(Report r, String kind) {
        return r.findings().stream().filter(f -> f.kind().equals(kind)).findFirst().orElse(null);
    }

    @Test
    void aFolderWithoutManifestIsNotASnapshot() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plain"));
        SnapshotException e = assertThrows(SnapshotException.class, () -> Report.of(dir));
        assertEquals(dir + " is not a forge-perf snapshot (no manifest.json)", e.getMessage());
        assertEquals(tmp.resolve("nope") + ": no such folder", assertThrows(SnapshotException.class, () -> Report.of(tmp.resolve("nope"))).getMessage());
        Files.writeString(dir.resolve("manifest.json"), "{not json");
        assertTrue(assertThrows(SnapshotException.class, () -> Report.of(dir)).getMessage()
                .startsWith(dir + " is not a forge-perf snapshot (manifest.json: malformed JSON at offset"));
        Files.writeString(dir.resolve("manifest.json"), "{\"name\": \"something else\"}");
        assertEquals(dir + " is not a forge-perf snapshot (manifest.json is not a snapshot manifest)",
                assertThrows(SnapshotException.class, () -> Report.of(dir)).getMessage());
        Path file = Files.writeString(tmp.resolve("file.txt"), "x");
        assertEquals(file + " is not a forge-perf snapshot (not a folder)", assertThrows(SnapshotException.class, () -> Report.of(file)).getMessage());
    }

    @Test
    void deadlockIsCriticalAndSpellsOutTheLocks() throws IOException {
        Report r = Report.of(snapshot().deadlock("deadlock-a", "deadlock-b")
                .check("deadlock", "unhealthy", "deadlock: 2 threads deadlocked").write(tmp.resolve("s")));
        Finding f = r.findings().get(0);
        assertEquals(Severity.critical, f.severity());
        assertEquals("deadlock", f.kind());
        assertTrue(f.message().startsWith("deadlock: 2 threads are deadlocked (\"deadlock-a\", \"deadlock-b\")"), f.message());
        assertEquals(List.of(
                "\"deadlock-a\" #17 is waiting to lock monitor <0x34ad5fb5> (a com.acme.Audit), which is held by \"deadlock-b\" #18",
                "\"deadlock-b\" #18 is waiting to lock monitor <0x5e9a55ad> (a com.acme.Ledger), which is held by \"deadlock-a\" #17",
                "\"deadlock-a\" at com.acme.Ledger.transfer(Ledger.java:59)",
                "\"deadlock-b\" at com.acme.Audit.check(Audit.java:68)"), f.details());
        assertEquals(1, r.findings().stream().filter(x -> x.kind().equals("deadlock")).count(), "the health check's deadlock is not repeated");
        String text = r.render(Report.Format.txt);
        assertTrue(text.contains("[critical] deadlock: 2 threads are deadlocked"), text);
        assertTrue(r.render(Report.Format.html).contains("class=\"finding critical\" data-kind=\"deadlock\""));
    }

    @Test
    void findingsComeWorstFirstWithTheirNumbers() throws IOException {
        Report r = Report.of(snapshot()
                .check("heapAfterGc", "unhealthy", "heap after the last GC 93% of max (952 MB of 1.0 GB), at or above 90%")
                .check("gcCpu", "degraded", "12% of the time in GC pauses over the last 1m 0s, at or above 10%")
                .finding("heap", "likely heap leak: heap after old-generation GCs rising 35.0 MB/min over the last 10m (R² 0.97), now 952 MB")
                .finding("threads", "likely thread leak: live threads rising 12.0/min over the last 10m (R² 0.91), from 40 to 160")
                .lock("com.acme.Worker.run;com.acme.Inventory.reserve", 30_000_000_000L)
                .lock("com.acme.Worker.run;com.acme.Cache.get", 3_000_000_000L)
                .timing("com.acme.Service#slow()", 5_000, 20_000_000, 15_000_000, 90_000_000)
                .timing("com.acme.Service#fast()", 90_000, 2_000, 1_500, 9_000).errors(9_000)
                .part("recording", "the continuous recording is off (jfr=off)")
                .write(tmp.resolve("s")));
        List<Severity> order = r.findings().stream().map(Finding::severity).toList();
        assertEquals(order.stream().sorted().toList(), order, "sorted by severity");

        Finding heap = find(r, "heap");
        assertEquals(Severity.critical, heap.severity());
        assertEquals("heap pressure: heap after the last GC 93% of max (952 MB of 1.0 GB), at or above 90% (unhealthy)", heap.message());
        assertEquals(Severity.warning, find(r, "gc-cpu").severity());
        assertTrue(find(r, "gc-cpu").message().startsWith("GC pressure: 12% of the time"));
        assertEquals(Severity.warning, find(r, "leak-heap").severity());
        assertTrue(find(r, "leak-heap").message().contains("35.0 MB/min"));
        assertNotNull(find(r, "leak-threads"));

        Finding lock = find(r, "lock");
        assertEquals(Severity.warning, lock.severity(), lock::toString); // 33 s blocked over 60 s
        assertEquals("lock contention: threads waited 33.00s to enter monitors over 60.00s (0.55 threads blocked on average); "
                + "hottest: com.acme.Inventory.reserve (91%)", lock.message());
        assertEquals("com.acme.Inventory.reserve: 30.00s blocked (91%), 1 contentions", lock.details().get(0));

        Finding slow = find(r, "slow-method");
        assertEquals("slowest timed method: com.acme.Service#slow() p99 90.00ms (p50 15.00ms, mean 20.00ms, max 270.00ms, 5,000 calls)", slow.message());
        assertEquals(1, slow.details().size());
        assertEquals("com.acme.Service#fast() threw in 10% of its calls (9,000 of 90,000)", find(r, "errors").message());
        assertEquals("snapshot part 'recording' is missing: the continuous recording is off (jfr=off)", find(r, "missing").message());
        assertTrue(find(r, "cpu").message().startsWith("CPU hot spot: com.acme.Work.hot has 80% of the CPU samples"), find(r, "cpu")::toString);
        assertTrue(find(r, "alloc").message().startsWith("allocation hot spot: com.acme.Buffers.fill allocates 75% of the sampled bytes (300.0 MB of 400.0 MB"),
                find(r, "alloc")::toString);
    }

    @Test
    void aQuietSnapshotHasOnlyInformation() throws IOException {
        Report r = Report.of(snapshot().write(tmp.resolve("s")));
        assertTrue(r.findings().stream().allMatch(f -> f.severity() == Severity.info), r.findings()::toString);
        assertEquals("healthy", r.health());
        assertNull(find(r, "leak-heap-unknown"), "the heap leak check had its old-generation collections");
    }

    @Test
    void withoutOldGenerationCollectionsTheReportSaysTheHeapCouldNotBeJudged() throws IOException {
        Report r = Report.of(snapshot().set(b -> b.heapAfterOldGc = Double.NaN).write(tmp.resolve("s")));
        Finding f = find(r, "leak-heap-unknown");
        assertNotNull(f, r.findings()::toString);
        assertEquals(Severity.info, f.severity());
        assertTrue(f.message().startsWith("heap leak check: not enough data: "), f.message());
        String text = r.render(Report.Format.txt);
        assertTrue(text.contains("heap leak check: not enough data"), text);
    }

    @Test
    void unreadableFilesAreNotedAndTheRestIsReported() throws IOException {
        Path dir = snapshot().timing("com.acme.A#b()", 10, 1000, 900, 2000).write(tmp.resolve("s"));
        Files.writeString(dir.resolve("metrics.json"), "{\"current\": [");
        Files.write(dir.resolve("cpu.pb.gz"), new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
        Report r = Report.of(dir);
        assertTrue(r.findings().stream().anyMatch(f -> f.kind().equals("unreadable") && f.message().startsWith("cannot read metrics.json: malformed JSON")),
                r.findings()::toString);
        assertTrue(r.findings().stream().anyMatch(f -> f.kind().equals("unreadable") && f.message().startsWith("cannot read cpu.pb.gz: ")),
                r.findings()::toString);
        assertNotNull(find(r, "slow-method"));
        for (Report.Format f : Report.Format.values()) {
            assertFalse(r.render(f).isEmpty());
        }
    }

    @Test
    void everyFormatSaysTheSameThings() throws IOException {
        Path dir = snapshot().finding("heap", "likely heap leak: heap after old-generation GCs rising 35.0 MB/min")
                .set(b -> b.leakMbPerSample = 1)
                .timing("com.acme.Service#handle(Order)", 5_000, 20_000_000, 15_000_000, 90_000_000)
                .histogram("com.acme.LeakedSession", 12_000, 480_000)
                .write(tmp.resolve("s"));
        Report r = Report.of(dir);
        String txt = r.render(Report.Format.txt);
        String md = r.render(Report.Format.md);
        String html = r.render(Report.Format.html);
        for (String s : List.of(txt, md, html)) {
            assertTrue(s.contains("likely heap leak"), s);
            assertTrue(s.contains("com.acme.Service#handle(Order)"), s);
            assertTrue(s.contains("com.acme.LeakedSession"), s);
            assertTrue(s.contains("com.acme.Work.hot"), s);
            assertTrue(s.contains("com.acme.Buffers.fill"), s);
        }
        assertTrue(txt.contains("HISTORY (last 58s, 30 samples every 2.00s)"), txt);
        assertTrue(md.contains("| method | count | errors | mean | p50 | p90 | p99 | p99.9 | max | total |"), md);
        assertTrue(md.contains("| `com.acme.Service#handle(Order)` | 5,000 |"), md);

        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) JsonReader.parse(r.render(Report.Format.json));
        assertEquals("healthy", json.get("health"));
        assertEquals(4242L, ((Map<?, ?>) json.get("snapshot")).get("pid"));
        assertTrue(((List<?>) json.get("findings")).size() >= 3);
        assertEquals("com.acme.Work.hot", ((Map<?, ?>) ((List<?>) ((Map<?, ?>) ((Map<?, ?>) json.get("top")).get("cpu")).get("rows")).get(0)).get("function"));
    }

    @Test
    void theHtmlPageIsSelfContainedWithChartsAndEscapesNames() throws IOException {
        Path dir = snapshot().timing("com.acme.X#<init>(</script><img src=x onerror=alert(1)>)", 500, 1000, 900, 2000)
                .histogram("com.acme.Evil<script>", 1, 16)
                .write(tmp.resolve("s"));
        String html = Report.of(dir).render(Report.Format.html);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertFalse(html.contains("<img src=x"), "names are escaped");
        assertTrue(html.contains("com.acme.X#&lt;init&gt;(&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;)"));
        assertTrue(html.contains("com.acme.Evil&lt;script&gt;"));
        assertEquals(1, count(html, "<script"), "only the page's own script");
        assertEquals(6, count(html, "<svg class=\"chart\""), "heap, threads, CPU, GC %, allocation, metaspace");
        assertEquals(1, count(html, "<svg class=\"bar\""), "threads by state");
        assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(html).find(), "nothing from the network");
        assertFalse(html.contains("@import") || html.contains("url("), "no external CSS or fonts");
        for (String id : List.of("findings", "history", "top-cpu", "top-alloc", "top-lock", "timings", "gc", "threads", "histogram", "parts")) {
            assertTrue(html.contains("id=\"" + id + "\""), id);
        }
        // every chart carries its data for the hover read-out, as valid JSON
        Matcher m = Pattern.compile("data-chart=\"([^\"]*)\"").matcher(html);
        int charts = 0;
        while (m.find()) {
            String json = m.group(1).replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'").replace("&amp;", "&");
            Map<?, ?> d = (Map<?, ?>) JsonReader.parse(json);
            assertEquals(30, ((List<?>) d.get("t")).size());
            charts++;
        }
        assertEquals(6, charts);
    }

    @Test
    void writeAllWritesTheThreeReportsAtomically() throws IOException {
        Path dir = snapshot().write(tmp.resolve("s"));
        Report.writeAll(dir);
        for (String f : SnapshotLayout.REPORTS) {
            assertTrue(Files.size(dir.resolve(f)) > 500, f);
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList());
        }
    }

    @Test
    void aSnapshotStillInItsTemporaryFolderIsCalledByItsFinalName() throws IOException {
        Report building = Report.of(snapshot().set(b -> b.name = "snap-1").write(tmp.resolve(".snap-1.8123")));
        assertTrue(building.subtitle().startsWith("snapshot snap-1 taken "), building.subtitle());
        Report renamed = Report.of(snapshot().set(b -> b.name = "snap-1").write(tmp.resolve("moved")));
        assertTrue(renamed.subtitle().startsWith("snapshot moved taken "), renamed.subtitle());
    }

    @Test
    void svgAxesAreRound() {
        Svg.Axis bytes = Svg.Axis.of(90 * SnapshotFolders.MB, Svg.Unit.BYTES);
        assertEquals(100 * SnapshotFolders.MB, bytes.max, 1);
        assertEquals("75 MB", bytes.label(75 * SnapshotFolders.MB));
        Svg.Axis pct = Svg.Axis.of(0.043, Svg.Unit.FRACTION);
        assertEquals(0.06, pct.max, 1e-9);
        assertEquals("6%", pct.label(0.06));
        assertEquals("15%", Svg.Axis.of(0.165, Svg.Unit.FRACTION).label(0.15));
        Svg.Axis none = Svg.Axis.of(0, Svg.Unit.COUNT);
        assertTrue(none.max > 0);
        assertEquals(2.5, Svg.nice(2.2));
        assertEquals(10, Svg.nice(7));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
