package dev.forgeperf.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every exporter fed by the model: pprof round trip, collapsed, HTML, top, diff, the writer by extension. */
class ExportersTest {
    private static final String BURN = "dev.forgeperf.profile.Recorded.burnCpuForForgePerfTest";

    @TempDir
    Path tmp;

    static Profile cpu() throws Exception {
        return JfrReader.read(Recorded.jfr(), Kind.CPU, ProfileOptions.DEFAULT);
    }

    @Test
    void pprofRoundTripKeepsTypesTotalsStacksAndMetadata() throws Exception {
        for (Kind kind : Kind.values()) {
            Profile p = JfrReader.read(Recorded.jfr(), kind, ProfileOptions.DEFAULT.withThreads(kind == Kind.LOCK));
            Path out = tmp.resolve(kind.id() + ".pb.gz");
            ProfileOutput.write(p, out, OutputFormat.PPROF, "t");
            byte[] raw = Files.readAllBytes(out);
            assertTrue(PprofReader.isGzip(raw));
            Profile back = PprofReader.read(out);
            assertEquals(p.sampleTypes(), back.sampleTypes(), kind.id());
            assertEquals(TopTable.leadingType(p), back.primary(), kind.id()); // pprof's default type: CPU time for a CPU profile
            assertEquals(p.periodType(), back.periodType());
            assertEquals(p.period(), back.period());
            assertEquals(p.startEpochNanos(), back.startEpochNanos());
            assertEquals(p.durationNanos(), back.durationNanos());
            assertEquals(p.comments(), back.comments());
            for (int t = 0; t < p.sampleTypes().size(); t++) {
                assertEquals(p.total(t), back.total(t), kind.id() + " type " + t);
            }
            // pprof keeps no frame kind: a method seen both inlined and not, at one line, becomes one stack
            assertTrue(back.stackCount() <= p.stackCount(), kind.id());
            assertEquals(TopTable.leading(p).rows(), TopTable.leading(back).rows(), kind.id());
            assertEquals(collapsed(p), collapsed(back));

            // and uncompressed
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            PprofWriter.writeRaw(p, plain);
            Path pb = Files.write(tmp.resolve(kind.id() + ".pb"), plain.toByteArray());
            assertEquals(p.total(0), PprofReader.read(pb).total(0));
        }
    }

    @Test
    void pprofLabelsThreadsAndKeepsFilesAndLines() throws Exception {
        Profile p = JfrReader.read(Recorded.jfr(), Kind.CPU, ProfileOptions.DEFAULT.withThreads(true));
        Path out = tmp.resolve("t.pb.gz");
        ProfileOutput.write(p, out, OutputFormat.PPROF, "t");
        String text;
        try (var in = new GZIPInputStream(Files.newInputStream(out))) {
            text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        assertTrue(text.contains("thread") && text.contains("[test-cpu]") && text.contains("dev/forgeperf/profile/Recorded.java"));
        Profile back = PprofReader.read(out);
        int burn = -1;
        for (int f = 0; f < back.frameCount(); f++) {
            if (back.frameName(f).equals(BURN)) {
                burn = f;
            }
        }
        assertTrue(burn >= 0 && back.frameLine(burn) > 0);
        assertEquals("dev/forgeperf/profile/Recorded.java", back.string(back.functionFile(back.frameFunction(burn))));
    }

    /** A Go-style profile: several lines per location (inlining), unpacked repeated fields, an unsymbolized location. */
    @Test
    void readsGoStyleProfiles() throws Exception {
        ProtoWriter top = new ProtoWriter(256);
        ProtoWriter m = new ProtoWriter(64);
        ProtoWriter l = new ProtoWriter(64);
        String[] strings = {"", "samples", "count", "cpu", "nanoseconds", "main.inner", "main.outer", "main.go", "runtime.main"};
        m.reset();
        m.field(1, 1);
        m.field(2, 2);
        top.message(1, m);
        m.reset();
        m.field(1, 3);
        m.field(2, 4);
        top.message(1, m);
        // sample: locations 1 (inner inlined into outer), 2 (runtime.main), 3 (address only); values unpacked
        m.reset();
        m.field(1, 1);
        m.field(1, 2);
        m.field(1, 3);
        m.field(2, 7);
        m.field(2, 70_000_000);
        top.message(2, m);
        m.reset();
        m.field(1, 1);
        l.reset();
        l.field(1, 1);
        l.field(2, 10);
        m.message(4, l);
        l.reset();
        l.field(1, 2);
        l.field(2, 20);
        m.message(4, l);
        top.message(4, m);
        m.reset();
        m.field(1, 2);
        l.reset();
        l.field(1, 3);
        l.field(2, 5);
        m.message(4, l);
        top.message(4, m);
        m.reset();
        m.field(1, 3);
        m.field(3, 0x4000);
        top.message(4, m);
        int[][] fns = {{1, 5, 7}, {2, 6, 7}, {3, 8, 7}};
        for (int[] f : fns) {
            m.reset();
            m.field(1, f[0]);
            m.field(2, f[1]);
            m.field(4, f[2]);
            top.message(5, m);
        }
        for (String s : strings) {
            top.string(6, s);
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        top.writeTo(b);
        Path go = Files.write(tmp.resolve("go.pprof"), b.toByteArray());
        Profile p = PprofReader.read(go);
        assertEquals(List.of("0x4000;runtime.main;main.outer;main.inner 70000000"), collapsed(p));
        assertEquals(7, p.total(0));
        assertEquals(1, p.primary(), "the last sample type when no default is named");
        assertEquals(70_000_000L, p.total(1));
    }

    @Test
    void nonPprofInputIsRejectedInOneLine() throws Exception {
        Path jfr = Recorded.jfr();
        assertEquals(jfr + ": not a pprof profile", assertThrows(ProfileException.class, () -> PprofReader.read(jfr)).getMessage());
        Path text = Files.writeString(tmp.resolve("x.pb.gz"), "just text");
        assertEquals(text + ": not a pprof profile", assertThrows(ProfileException.class, () -> PprofReader.read(text)).getMessage());
        byte[] gz = Files.readAllBytes(writePprof());
        Path cut = Files.write(tmp.resolve("cut.pb.gz"), java.util.Arrays.copyOf(gz, gz.length / 2));
        assertTrue(assertThrows(ProfileException.class, () -> PprofReader.read(cut)).getMessage().startsWith(cut + ": not a pprof profile"));
    }

    private Path writePprof() throws Exception {
        Path out = tmp.resolve("cpu.pb.gz");
        ProfileOutput.write(cpu(), out, OutputFormat.PPROF, "t");
        return out;
    }

    /** Collapsed stacks, sorted, with the lines of equally named stacks added up. */
    static List<String> collapsed(Profile p) throws Exception {
        StringWriter w = new StringWriter();
        CollapsedWriter.write(p, TopTable.leadingType(p), w);
        java.util.TreeMap<String, Long> merged = new java.util.TreeMap<>();
        for (String line : w.toString().lines().toList()) {
            int space = line.lastIndexOf(' ');
            merged.merge(line.substring(0, space), Long.parseLong(line.substring(space + 1)), Long::sum);
        }
        return merged.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList();
    }

    @Test
    void collapsedStacksAreRootFirstWithTheirCpuTime() throws Exception {
        Profile p = cpu();
        List<String> lines = collapsed(p);
        Pattern line = Pattern.compile("^(\\S(?:.*\\S)?) (\\d+)$");
        long sum = 0;
        boolean burnLeaf = false;
        for (String s : lines) {
            Matcher m = line.matcher(s);
            assertTrue(m.matches(), s);
            sum += Long.parseLong(m.group(2));
            String[] frames = m.group(1).split(";");
            if (frames[frames.length - 1].equals(BURN)) {
                burnLeaf = true;
                assertEquals("java.lang.Thread.run", frames[0], s);
            }
        }
        assertTrue(burnLeaf);
        assertEquals(p.total(p.typeIndex("cpu")), sum); // CPU time, as the top table and pprof's default
        assertEquals(lines.size(), lines.stream().map(s -> s.substring(0, s.lastIndexOf(' '))).distinct().count(), "one line per stack");
    }

    @Test
    void htmlIsSelfContainedAndEscapesNames() throws Exception {
        Profile p = new Profile(List.of(new SampleType("samples", "count")), 0);
        String evil = "</script><img src=x onerror=alert(1)>\u2028\"'&";
        int root = p.child(Profile.ROOT, p.frame(p.function("java.lang.Thread.run", ""), 0, FrameKind.JAVA));
        p.add(p.child(root, p.frame(p.function(evil, ""), 0, FrameKind.JAVA)), 0, 5);
        p.add(p.child(root, p.frame(p.function(BURN, ""), 3, FrameKind.INLINED)), 0, 7);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        FlameGraphWriter.write(p, "title <b>&", b);
        String html = b.toString(StandardCharsets.UTF_8);
        assertSelfContained(html);
        assertFalse(html.contains("<img"), "a name must not become markup");
        assertEquals(1, html.split("</script>", -1).length - 1, "only our own script ends");
        assertTrue(html.contains("\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e\\u2028\\\"'\\u0026"), html);
        assertTrue(html.contains("<title>title &lt;b&gt;&amp;</title>"));
        assertTrue(html.contains(BURN));

        ByteArrayOutputStream real = new ByteArrayOutputStream();
        FlameGraphWriter.write(cpu(), "cpu", real);
        String page = real.toString(StandardCharsets.UTF_8);
        assertSelfContained(page);
        assertTrue(page.contains(BURN) && page.contains("search") && page.contains("click"));
    }

    static void assertSelfContained(String html) {
        Matcher m = Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?\\s*(https?:|//)").matcher(html);
        assertFalse(m.find(), () -> "external reference: " + m.group());
        assertFalse(html.contains("http://") || html.contains("https://"), "no URLs at all");
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("<script>") && html.contains("<style>"));
    }

    @Test
    void topTableCountsRecursionOnceAndPrintsShares() {
        Profile p = new Profile(List.of(new SampleType("samples", "count")), 0);
        int a = p.frame(p.function("a", ""), 0, FrameKind.JAVA);
        int b = p.frame(p.function("b", ""), 0, FrameKind.JAVA);
        int na = p.child(Profile.ROOT, a);
        int nab = p.child(na, b);
        int naba = p.child(nab, a);
        p.add(naba, 0, 3);
        p.add(nab, 0, 1);
        List<TopTable.Row> rows = TopTable.of(p).rows();
        assertEquals(List.of(new TopTable.Row("a", 3, 4), new TopTable.Row("b", 1, 4)), rows);
        StringWriter w = new StringWriter();
        TopTable.of(p).print(new PrintWriter(w), "t", 10);
        assertTrue(w.toString().contains("75.00%") && w.toString().contains("100.00%"), w::toString);
    }

    @Test
    void diffNormalizesSharesAndDrawsADifferentialFlameGraph() throws Exception {
        Profile before = new Profile(List.of(new SampleType("samples", "count")), 0);
        Profile after = new Profile(List.of(new SampleType("samples", "count")), 0);
        for (Profile p : List.of(before, after)) {
            int main = p.child(Profile.ROOT, p.frame(p.function("main", ""), 0, FrameKind.JAVA));
            boolean isAfter = p == after;
            p.add(p.child(main, p.frame(p.function("hot", ""), 0, FrameKind.JAVA)), 0, isAfter ? 800 : 10);
            p.add(p.child(main, p.frame(p.function("cold", ""), 0, FrameKind.JAVA)), 0, isAfter ? 200 : 90);
        }
        ProfileDiff d = ProfileDiff.of(before, after);
        assertEquals("hot", d.hotter().get(0).function());
        assertEquals(0.70, d.hotter().get(0).selfDelta(), 1e-9);
        assertEquals("cold", d.colder().get(0).function());
        assertEquals(-0.70, d.colder().get(0).selfDelta(), 1e-9);
        StringWriter w = new StringWriter();
        d.print(new PrintWriter(w), "a", "b", 5);
        assertTrue(w.toString().contains("HOTTER in B") && w.toString().contains("+70.00%") && w.toString().contains("-70.00%"), w::toString);
        ByteArrayOutputStream html = new ByteArrayOutputStream();
        d.writeFlameGraph("diff", html);
        String page = html.toString(StandardCharsets.UTF_8);
        assertSelfContained(page);
        assertTrue(page.contains("\"diff\":true"));

        Profile alloc = JfrReader.read(Recorded.jfr(), Kind.ALLOC, ProfileOptions.DEFAULT);
        assertThrows(IllegalArgumentException.class, () -> ProfileDiff.of(before, alloc));
    }

    @Test
    void writerChoosesByExtensionAndLeavesNoFileOnError() throws Exception {
        Path jfr = Recorded.jfr();
        for (String name : List.of("a.pb.gz", "a.pprof", "a.html", "a.collapsed", "a.txt", "a.jfr")) {
            Path out = tmp.resolve(name);
            ProfileOutput.write(jfr, Kind.CPU, ProfileOptions.DEFAULT, out, null);
            assertTrue(Files.size(out) > 0, name);
        }
        assertTrue(PprofReader.isGzip(Files.readAllBytes(tmp.resolve("a.pprof"))));
        assertTrue(Files.readString(tmp.resolve("a.txt")).contains(BURN));
        assertTrue(Files.readString(tmp.resolve("a.html")).startsWith("<!DOCTYPE html>"));
        assertEquals(Files.size(jfr), Files.size(tmp.resolve("a.jfr")));
        Path explicit = tmp.resolve("explicit.out");
        ProfileOutput.write(jfr, Kind.CPU, ProfileOptions.DEFAULT, explicit, OutputFormat.of("collapsed"));
        assertTrue(Files.readString(explicit).contains(BURN));
        assertThrows(IllegalArgumentException.class, () -> OutputFormat.forPath(Path.of("x.png")));

        Path bad = Files.writeString(tmp.resolve("bad.jfr"), "nope");
        Path dir = Files.createDirectory(tmp.resolve("out"));
        for (String name : List.of("x.pb.gz", "x.jfr", "x.html")) {
            assertThrows(ProfileException.class, () -> ProfileOutput.write(bad, Kind.CPU, ProfileOptions.DEFAULT, dir.resolve(name), null));
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "no output and no temporary file on error");
        }
        assertEquals(Kind.CPU, Kind.of("CPU"));
        assertThrows(IllegalArgumentException.class, () -> Kind.of("heap"));
        assertEquals(Recorded.count(jfr, "jdk.ExecutionSample"), ProfileOutput.read(jfr, Kind.CPU, ProfileOptions.DEFAULT).total(0));
        Path pb = tmp.resolve("a.pb.gz");
        assertEquals(cpu().total(0), ProfileOutput.read(pb, Kind.CPU, ProfileOptions.DEFAULT).total(0));
    }
}
