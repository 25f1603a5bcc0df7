package dev.forgeperf.report;

import static dev.forgeperf.report.SnapshotFolders.MB;
import static dev.forgeperf.report.SnapshotFolders.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgeperf.util.JsonReader;

class SnapshotDiffTest {
    @TempDir
    Path tmp;

    /** A steady baseline: two timed methods, a quiet heap. */
    private SnapshotFolders.Builder before() {
        return snapshot().set(b -> b.pid = 1001)
                .timing("com.acme.Service#handle(Order)", 10_000, 2_000_000, 1_500_000, 10_000_000)
                .timing("com.acme.Service#lookup(int)", 50_000, 40, 30, 300)
                .timing("com.acme.Service#rare()", 20, 1_000_000, 900_000, 2_000_000)
                .histogram("com.acme.Session", 1_000, 40_000);
    }

    private SnapshotDiff diff(SnapshotFolders.Builder a, SnapshotFolders.Builder b, double threshold) throws IOException {
        return SnapshotDiff.of(Snapshot.load(a.write(tmp.resolve("a"))), Snapshot.load(b.write(tmp.resolve("b"))), threshold);
    }

    @Test
    void theSameNumbersAreNoRegression() throws IOException {
        SnapshotDiff d = diff(before(), before().set(b -> b.pid = 1002), 10);
        assertEquals(List.of(), d.regressions());
        assertEquals(0, d.exitCode());
        assertFalse(d.sameJvm());
        assertTrue(d.render().contains("NO REGRESSION above 10%"), d.render());
        assertTrue(d.classGrowth().isEmpty());
    }

    @Test
    void slowerMethodsWithEnoughCallsAreRegressionsNoiseIsNot() throws IOException {
        SnapshotDiff d = diff(before(), snapshot().set(b -> b.pid = 1002)
                .timing("com.acme.Service#handle(Order)", 10_000, 2_100_000, 1_500_000, 14_000_000) // p99 +40%, mean +5%
                .timing("com.acme.Service#lookup(int)", 50_000, 80, 60, 600)                      // +100%, but below the 1 µs floor
                .timing("com.acme.Service#rare()", 20, 5_000_000, 4_000_000, 9_000_000)           // +350%, but 20 calls
                .timing("com.acme.Service#added()", 500, 1_000, 900, 2_000)
                .histogram("com.acme.Session", 1_000, 40_000), 10);
        assertEquals(List.of("timed method com.acme.Service#handle(Order): p99 10.00ms → 14.00ms (+40%)"), d.regressions());
        assertEquals(1, d.exitCode());
        SnapshotDiff.TimingDelta added = d.timings().stream().filter(t -> t.method().endsWith("added()")).findFirst().orElseThrow();
        assertNull(added.a());
        assertNull(added.regression());
        assertTrue(d.render().contains("REGRESSIONS above 10% (1)"));

        SnapshotDiff lenient = diff(before(), snapshot().set(b -> b.pid = 1002)
                .timing("com.acme.Service#handle(Order)", 10_000, 2_100_000, 1_500_000, 14_000_000)
                .histogram("com.acme.Session", 1_000, 40_000), 50);
        assertEquals(List.of(), lenient.regressions(), "40% is below a 50% threshold");
    }

    @Test
    void aGrowingHeapAndItsClassesAreNamed() throws IOException {
        SnapshotDiff d = diff(before(), before().set(b -> {
            b.pid = 1002;
            b.heapAfterGc = 300 * MB;
        }).histogram("com.acme.Session", 41_000, 1_640_000).histogram("byte[]", 90_000, 240_000_000L)
                .finding("heap", "likely heap leak: heap after old-generation GCs rising 40.0 MB/min"), 10);
        assertEquals(List.of("live objects after full GC (class histogram) 39.1 MB → 231.4 MB (+492%)",
                "new finding in B: likely heap leak: heap after old-generation GCs rising 40.0 MB/min"), d.regressions());
        List<SnapshotDiff.ClassGrowth> growth = d.classGrowth();
        assertEquals("byte[]", growth.get(0).className());
        assertEquals(200_000_000L, growth.get(0).bytesDelta());
        assertEquals("com.acme.Session", growth.get(1).className());
        assertEquals(40_000, growth.get(1).instancesDelta());
        assertEquals(1_600_000, growth.get(1).bytesDelta());
        String text = d.render();
        assertTrue(text.contains("       +40,000       41,000      +1.5 MB       1.6 MB  com.acme.Session\n"), text);
        SnapshotDiff.Metric afterGc = d.metrics().stream().filter(m -> m.key().equals("heapAfterGc")).findFirst().orElseThrow();
        assertNull(afterGc.regression(), "with histograms on both sides, the live heap is what is judged");
    }

    @Test
    void withoutHistogramsTheHeapAfterOldGenerationGcsIsJudgedNotTheHeapAfterTheLastGc() throws IOException {
        SnapshotFolders.Builder a = before();
        a.histogram.clear();
        SnapshotFolders.Builder b = before().set(x -> {
            x.heapAfterGc = 120 * MB;    // +50%: dead old objects a young GC left in place
            x.heapAfterOldGc = 84 * MB;  // +20%: live data
        });
        b.histogram.clear();
        java.nio.file.Path da = a.write(tmp.resolve("a"));
        java.nio.file.Path db = b.write(tmp.resolve("b"));
        java.nio.file.Files.delete(da.resolve("histogram.json"));
        SnapshotDiff d = SnapshotDiff.of(Snapshot.load(da), Snapshot.load(db), 10);
        assertEquals(List.of("heap after the last old-generation GC 70.0 MB → 84.0 MB (+20%)"), d.regressions());
        assertTrue(d.render().contains("(a snapshot has no class histogram)"));

        SnapshotFolders.Builder c = before().set(x -> x.heapAfterGc = 120 * MB);
        c.histogram.clear();
        java.nio.file.Path dc = c.write(tmp.resolve("c"));
        assertEquals(List.of(), SnapshotDiff.of(Snapshot.load(da), Snapshot.load(dc), 10).regressions(),
                "the heap after a young GC rising is not a regression");
    }

    @Test
    void gcAndThreadRegressionsNeedToMatter() throws IOException {
        SnapshotDiff small = diff(before(), before().set(b -> {
            b.pauseP99 = 16;   // +33% but only 4 ms
            b.gcCpu = 0.008;   // doubled, but under 1%
            b.threads = 45;    // +12%, 5 threads
        }), 10);
        assertEquals(List.of(), small.regressions());
        SnapshotDiff big = diff(before(), before().set(b -> {
            b.pauseP99 = 60;
            b.gcCpu = 0.05;
            b.threads = 400;
        }), 10);
        assertEquals(List.of("GC pause p99 12ms → 60ms (+400%)", "time in GC 0.40% → 5.0% (+1150%)", "live threads 40 → 400 (+900%)"), big.regressions());
    }

    @Test
    void inOneJvmTheMeanOfTheCallsInBetweenIsCompared() throws IOException {
        SnapshotFolders.Builder a = before().set(x -> {
            x.pid = 77;
            x.takenAt = Instant.parse("2026-01-31T10:15:00Z");
            x.uptime = 60_000;
        });
        // 10,000 more calls since A, each 4 ms: B's cumulative mean is 3 ms (+50%), the calls since A took 4 ms (+100%)
        SnapshotFolders.Builder b = snapshot().set(x -> {
            x.pid = 77;
            x.takenAt = Instant.parse("2026-01-31T10:16:00Z");
            x.uptime = 120_000;
        }).timing("com.acme.Service#handle(Order)", 20_000, 3_000_000, 1_500_000, 10_000_000).histogram("com.acme.Session", 1_000, 40_000);
        SnapshotDiff d = diff(a, b, 10);
        assertTrue(d.sameJvm());
        SnapshotDiff.TimingDelta t = d.timings().get(0);
        assertEquals(10_000, t.callsBetween());
        assertEquals(4_000_000, t.meanBetween(), 1);
        assertEquals(List.of("timed method com.acme.Service#handle(Order): mean (calls since A) 2.00ms → 4.00ms (+100%)"), d.regressions());
        assertTrue(d.render().contains("Same JVM"));
    }

    @Test
    void aMethodNewInBIsMarkedNewWithoutACallsBetweenFigure() throws IOException {
        SnapshotFolders.Builder a = before().set(x -> {
            x.pid = 77;
            x.takenAt = Instant.parse("2026-01-31T10:15:00Z");
            x.uptime = 60_000;
        });
        // same JVM; #export is timed only in B, #rare only in A. timings.json records no start of a method's timing, so B's
        // 5,000 calls of #export may include calls made before A: no calls-between figure, the row says "new"
        SnapshotFolders.Builder b = snapshot().set(x -> {
            x.pid = 77;
            x.takenAt = Instant.parse("2026-01-31T10:16:00Z");
            x.uptime = 120_000;
        }).timing("com.acme.Service#handle(Order)", 10_000, 2_000_000, 1_500_000, 10_000_000)
                .timing("com.acme.Service#lookup(int)", 50_000, 40, 30, 300)
                .timing("com.acme.Service#export()", 5_000, 7_000_000, 6_000_000, 9_000_000)
                .histogram("com.acme.Session", 1_000, 40_000);
        SnapshotDiff d = diff(a, b, 10);
        assertTrue(d.sameJvm());
        SnapshotDiff.TimingDelta export = d.timings().stream().filter(t -> t.method().equals("com.acme.Service#export()")).findFirst().orElseThrow();
        assertEquals(null, export.a());
        assertEquals(-1, export.callsBetween());
        assertTrue(Double.isNaN(export.meanBetween()));
        assertEquals(null, export.regression());
        assertEquals(List.of(), d.regressions());
        String text = d.render();
        assertTrue(text.lines().anyMatch(l -> l.matches("  com\\.acme\\.Service#export\\(\\) +new +5,000 +- +7\\.00ms .*")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("  com\\.acme\\.Service#rare\\(\\) +20 +gone .*")), text);
        assertTrue(text.contains("  (new: not timed in A; its MEAN B is of all its calls up to B: a snapshot does not record when a method's timing began)\n"), text);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) JsonReader.parse(dev.forgeperf.util.Json.write(d.toMap()));
        for (Object o : (List<?>) json.get("timings")) {
            Map<?, ?> row = (Map<?, ?>) o;
            String method = (String) row.get("method");
            assertEquals(method.endsWith("#export()") ? "new" : method.endsWith("#rare()") ? "gone" : null, row.get("status"), row::toString);
            assertEquals(method.endsWith("#export()") || method.endsWith("#rare()"), !row.containsKey("callsBetween"), row::toString);
        }
        assertTrue(d.renderHtml().contains("com.acme.Service#export()</td><td class=\"n\">new</td><td class=\"n\">5,000</td>"), d.renderHtml());
    }

    @Test
    void aMethodNeverCalledShowsNoTimesNotZero() throws IOException {
        SnapshotFolders.Builder a = before().timing("com.acme.Service#idle()", 0, 0, 0, 0);
        SnapshotFolders.Builder b = snapshot().timing("com.acme.Service#idle()", 0, 0, 0, 0);
        String text = diff(a, b, 10).render();
        assertTrue(text.lines().anyMatch(l -> l.matches("  com\\.acme\\.Service#idle\\(\\) +0 +0 +- +- .*")), text);
        assertFalse(text.lines().anyMatch(l -> l.contains("Service#idle()") && l.contains("0ns")), text);
    }

    @Test
    void jsonAndHtmlCarryTheSameVerdict() throws IOException {
        SnapshotDiff d = diff(before(), before().set(b -> b.heapAfterGc = 300 * MB).histogram("com.acme.Session", 41_000, 100_000_000), 10);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) JsonReader.parse(dev.forgeperf.util.Json.write(d.toMap()));
        assertEquals(1L, json.get("exitCode"));
        assertEquals(d.regressions(), json.get("regressions"));
        Map<?, ?> growth = (Map<?, ?>) ((List<?>) ((Map<?, ?>) json.get("classHistogram")).get("growth")).get(0);
        assertEquals("com.acme.Session", growth.get("className"));
        assertEquals(40_000L, growth.get("instancesDelta"));
        assertTrue(((Map<?, ?>) json.get("movers")).containsKey("cpu"));
        String html = d.renderHtml();
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("1 regression"), html);
        assertTrue(html.contains("com.acme.Session"));
        assertFalse(html.contains("src=\"http") || html.contains("href=\"http"));
    }
}
