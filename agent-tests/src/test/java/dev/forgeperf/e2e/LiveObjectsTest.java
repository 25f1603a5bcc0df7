package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgeperf.e2e.fixture.LiveLeak;
import dev.forgeperf.profile.PprofReader;
import dev.forgeperf.profile.Profile;

/**
 * Live objects from JFR's {@code jdk.OldObjectSample} against {@code fixture.LiveLeak}, whose answer
 * is known: it keeps 16 KB arrays from {@code leakIntoStaticList} in a static list while
 * {@code churnGarbageElsewhere} allocates about 500 times more bytes that die at once. On each JDK:
 * <ul>
 *   <li>{@code profile live --gc --roots}: the header says it is a sample of live objects; the top
 *       table's first row and the first allocation site are the leaking method, the site with a GC
 *       root kind; the garbage site is absent or far below;</li>
 *   <li>{@code profile live --gc -o live.pb.gz}: every sampled object at the leaking site weighs
 *       exactly the array's size (16 + 16384 bytes: {@code objectSize} on JDK 25, estimated from the
 *       length on JDK 17), the garbage site has under 5 % of its inuse_space, and
 *       {@code go tool pprof -sample_index=inuse_space -top} ranks the leak first;</li>
 *   <li>{@code /debug/pprof/heap?gc=1} read by {@code go tool pprof -sample_index=inuse_space -top}
 *       ranks the leak first, and the answer still carries the alloc types;</li>
 *   <li>once the heap leak rule finds the rise (the fixture runs a full GC every 2 s), {@code health}
 *       names the leaking method as the first allocation site of the heap finding, and a
 *       {@code snapshot}'s report.txt names it under that finding.</li>
 * </ul>
 */
class LiveObjectsTest {
    private static final String LEAK = "dev.forgeperf.e2e.fixture.LiveLeak.leakIntoStaticList";
    private static final String GARBAGE = "dev.forgeperf.e2e.fixture.LiveLeak.churnGarbageElsewhere";
    private static final long ARRAY_BYTES = 16 + LiveLeak.LEAK_BYTES;

    static Stream<Path> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void liveObjectsNameTheLeakingSiteNotTheGarbage(Path jdk) throws Exception {
        try (Env env = new Env()) {
            Proc app = env.java(jdk, List.of("-Xmx1g", "-javaagent:" + Fixtures.agentJar() + "=http=0,metrics.interval=200ms", "-cp",
                    Fixtures.testClasses().toString()), "dev.forgeperf.e2e.fixture.LiveLeak", "gc");
            String pid = app.awaitOut("live-leak ready pid=(\\d+)", Duration.ofSeconds(60));
            String url = HttpServerTest.awaitUrl(env, pid);

            Cli.Result text = env.cli.run("profile", "live", pid, "-d", "3s", "--gc", "--roots");
            assertEquals(0, text.exit(), text::toString);
            assertTrue(text.out().contains("sampled objects still live when the recording ended"), text::toString);
            assertTrue(text.out().contains("not scaled"), text::toString);
            List<String> rows = text.out().lines().dropWhile(l -> !l.contains("FUNCTION")).skip(1).toList();
            assertTrue(!rows.isEmpty() && rows.get(0).endsWith(LEAK), () -> "the first row is not the leak:\n" + text.out());
            List<String> sites = text.out().lines().dropWhile(l -> !l.startsWith("allocation sites of the sampled live objects")).skip(1).toList();
            assertTrue(!sites.isEmpty() && sites.get(0).startsWith("  " + LEAK + ": "), () -> "the first site is not the leak:\n" + text.out());
            assertTrue(sites.get(0).contains("(byte[]") && sites.get(0).contains(", GC root "), () -> "no type or GC root for the leak:\n" + text.out());

            Cli.Result written = env.cli.run("profile", "live", pid, "-d", "2s", "--gc", "-o", env.work.resolve("live.pb.gz").toString());
            assertEquals(0, written.exit(), written::toString);
            Profile live = PprofReader.read(env.work.resolve("live.pb.gz"));
            int objects = live.typeIndex("inuse_objects");
            int space = live.typeIndex("inuse_space");
            Map<String, long[]> leaves = leaves(live, objects, space);
            long[] leak = leaves.getOrDefault(LEAK, new long[2]);
            long[] garbage = leaves.getOrDefault(GARBAGE, new long[2]);
            assertTrue(leak[0] >= 5, () -> "too few samples at the leak: " + leak[0] + " in " + leaves.keySet());
            assertEquals(leak[0] * ARRAY_BYTES, leak[1], "each sampled leaked array weighs " + ARRAY_BYTES + " B");
            assertTrue(garbage[1] < 0.05 * leak[1], () -> "garbage " + garbage[1] + " B vs leak " + leak[1] + " B");
            assertFirst(GoPprof.top(env, "live.pb.gz", List.of("-sample_index=inuse_space")), "live.pb.gz");

            String heap = url + "debug/pprof/heap?gc=1";
            assertFirst(GoPprof.top(env, heap, List.of("-sample_index=inuse_space")), heap);
            assertTrue(GoPprof.top(env, heap, List.of("-sample_index=alloc_space")).contains("Type: alloc_space"), heap);

            // the heap leak finding names the site
            long deadline = System.nanoTime() + FINDING_WAIT.toNanos();
            Map<String, Object> finding = null;
            String last = "";
            while (finding == null && System.nanoTime() < deadline) {
                Cli.Result h = env.cli.run("health", pid, "--json");
                last = h.toString();
                assertTrue(h.exit() >= 0 && h.exit() <= 2, h::toString);
                for (Object o : RuntimeTest.list(RuntimeTest.json(h), "findings")) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> f = (Map<String, Object>) o;
                    if ("heap".equals(f.get("kind"))) {
                        finding = f;
                    }
                }
                if (finding == null) {
                    Env.sleep(1000);
                }
            }
            String seen = last;
            assertTrue(finding != null, () -> "no heap finding after " + FINDING_WAIT.toSeconds() + " s: " + seen);
            List<Object> findingSites = RuntimeTest.list(finding, "allocationSites");
            Map<String, Object> f = finding;
            assertTrue(findingSites != null && !findingSites.isEmpty() && findingSites.size() <= 3 && findingSites.get(0).toString().startsWith("allocated in " + LEAK + ": "),
                    () -> "the heap finding does not name the leak first: " + f);
            // a snapshot's report (polled: near the rule's thresholds a finding may come and go between two reads)
            String report = "";
            List<String> after = List.of();
            for (int i = 0; after.isEmpty() && System.nanoTime() < deadline + FINDING_WAIT.toNanos(); i++) {
                Cli.Result snap = env.cli.run("snapshot", pid, "-o", "snap-" + i);
                assertEquals(0, snap.exit(), snap::toString);
                report = java.nio.file.Files.readString(env.work.resolve("snap-" + i).resolve("report.txt"));
                after = report.lines().dropWhile(l -> !l.contains("likely heap leak")).skip(1).limit(3).toList();
            }
            String reportText = report;
            List<String> details = after;
            assertTrue(details.stream().anyMatch(l -> l.contains("allocated in " + LEAK + ": ")), () -> "report.txt:\n" + reportText);
        }
    }

    private static final Duration FINDING_WAIT = Duration.ofSeconds(180);

    /** The first row of {@code go tool pprof -top}'s table is the leaking method. */
    private static void assertFirst(String top, String source) {
        assertTrue(top.contains("Type: inuse_space"), top);
        List<String> rows = top.lines().dropWhile(l -> !l.trim().startsWith("flat")).skip(1).toList();
        assertTrue(!rows.isEmpty() && rows.get(0).trim().endsWith(LEAK), () -> source + ": the leak is not first:\n" + top);
    }

    /** Per leaf function, the sum of two sample types. */
    private static Map<String, long[]> leaves(Profile p, int a, int b) {
        Map<String, long[]> m = new HashMap<>();
        for (int n = Profile.ROOT + 1; n < p.nodeCount(); n++) {
            long va = p.value(n, a);
            long vb = p.value(n, b);
            if (va == 0 && vb == 0) {
                continue;
            }
            long[] v = m.computeIfAbsent(p.frameName(p.nodeFrame(n)), k -> new long[2]);
            v[0] += va;
            v[1] += vb;
        }
        return m;
    }
}
