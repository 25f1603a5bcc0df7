package dev.forgeperf.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jdk.jfr.Recording;

import dev.forgeperf.livetest.KnownAllocations;

/**
 * {@link LiveObjects} on a recording of this JVM whose answer is known: arrays of a known length kept
 * from one method, garbage from another; and its size estimates, names and the heap profile's
 * types against the JVM's layout rules.
 */
class LiveObjectsReadTest {
    @TempDir
    Path tmp;

    @Test
    void sampledLiveObjectsAreAtTheirAllocationSiteWithTheirSize() throws Exception {
        Path jfr = tmp.resolve("live.jfr");
        try (Recording r = new Recording()) {
            r.enable("jdk.OldObjectSample").withStackTrace().with("cutoff", "0 ns");
            r.start();
            for (int i = 0; i < 20_000; i++) {
                KnownAllocations.keepKnownArrays();
                for (int j = 0; j < 20; j++) {
                    KnownAllocations.dropGarbage();
                }
            }
            System.gc();
            r.stop();
            r.dump(jfr);
        } finally {
            KnownAllocations.KEPT.clear();
        }
        LiveObjects.Summary s = LiveObjects.summarize(jfr, ProfileOptions.DEFAULT);
        assertTrue(s.objects() > 0, "no samples");
        LiveObjects.Site top = s.sites().get(0);
        assertEquals(KnownAllocations.class.getName() + ".keepKnownArrays", top.function(), s.sites().toString());
        // the site also holds the list's backing array (allocated in ArrayList.grow, called from it)
        assertEquals("int[]", top.types().keySet().iterator().next(), top.toString());
        Profile leaves = s.profile();
        long arrays = 0;
        for (int n = Profile.ROOT + 1; n < leaves.nodeCount(); n++) {
            if (leaves.frameName(leaves.nodeFrame(n)).equals(KnownAllocations.class.getName() + ".keepKnownArrays") && leaves.value(n, 0) > 0) {
                arrays += leaves.value(n, 0);
                assertEquals(leaves.value(n, 0) * (16 + 4000), leaves.value(n, 1), "int[1000]: a 16-byte header and 4,000 bytes each");
            }
        }
        assertEquals(top.types().get("int[]").longValue(), arrays, "the site's int[] are the objects allocated in it");
        assertTrue(s.sites().stream().noneMatch(x -> x.function().endsWith(".dropGarbage") && x.bytes() > top.bytes() / 10), s.sites().toString());
        Profile p = s.profile();
        assertEquals(List.of(new SampleType("inuse_objects", "count"), new SampleType("inuse_space", "bytes")), p.sampleTypes());
        assertEquals(s.objects(), p.total(0));
        assertTrue(p.comments().get(0).contains(s.objects() + " sampled objects still live"), p.comments().toString());
        assertTrue(p.comments().stream().anyMatch(c -> c.contains("not scaled")), p.comments().toString());
        // --threads: the same objects under one root per allocating thread
        Profile threads = LiveObjects.read(jfr, ProfileOptions.DEFAULT.withThreads(true));
        assertEquals(p.total(1), threads.total(1));
        String thread = "[" + Thread.currentThread().getName() + "]";
        int root = -1;
        for (int n = Profile.ROOT + 1; n < threads.nodeCount(); n++) {
            if (threads.parent(n) == Profile.ROOT && threads.frameName(threads.nodeFrame(n)).equals(thread)) {
                root = n;
            }
        }
        assertTrue(root > 0, "no root for " + thread);
    }

    @Test
    void arraySizesNamesAndOwnClasses() {
        assertEquals(16 + 16384, LiveObjects.estimatedArraySize("[B", 16384));
        assertEquals(24, LiveObjects.estimatedArraySize("[B", 1)); // aligned to 8
        assertEquals(16 + 8 * 3, LiveObjects.estimatedArraySize("[J", 3));
        assertEquals(16 + 4 * 5 + 4, LiveObjects.estimatedArraySize("[Ljava/lang/String;", 5));
        assertEquals(-1, LiveObjects.estimatedArraySize("java/lang/String", Integer.MIN_VALUE));
        assertEquals("byte[]", LiveObjects.javaName("[B"));
        assertEquals("java.lang.String[][]", LiveObjects.javaName("[[Ljava/lang/String;"));
        assertEquals("java.util.HashMap$Node", LiveObjects.javaName("java.util.HashMap$Node"));
        assertTrue(LiveObjects.agentClass("dev.forgeperf.jfr.ContinuousRecording"));
        assertTrue(LiveObjects.agentClass("dev.forgeperf.ForgePerf"));
        assertTrue(LiveObjects.agentClass("dev.forgeperf.shaded.picocli.CommandLine"));
        assertFalse(LiveObjects.agentClass("dev.forgeperf.e2e.fixture.LiveLeak"));
        assertFalse(LiveObjects.agentClass("dev.forgeperf.sample.OrderService"));
        assertFalse(LiveObjects.agentClass("com.acme.Cache"));
    }

    @Test
    void theHeapProfileHasGosFourTypesAndShowsInuseSpace() {
        Profile alloc = Profile.of(Kind.ALLOC);
        int a = alloc.node(new int[] {alloc.frame(alloc.function("a.A.alloc", "a/A.java"), 1, FrameKind.JAVA)}, 1);
        alloc.add(a, 0, 3);
        alloc.add(a, 1, 300);
        Profile live = Profile.of(Kind.LIVE);
        int l = live.node(new int[] {live.frame(live.function("b.B.keep", "b/B.java"), 2, FrameKind.JAVA)}, 1);
        live.add(l, 0, 2);
        live.add(l, 1, 4096);
        live.addComment("live comment");
        Profile heap = LiveObjects.heap(alloc, live);
        assertEquals(LiveObjects.HEAP_TYPES, heap.sampleTypes());
        assertEquals(3, heap.primary());
        assertEquals(3, heap.total(0));
        assertEquals(300, heap.total(1));
        assertEquals(2, heap.total(2));
        assertEquals(4096, heap.total(3));
        assertTrue(heap.comments().contains("live comment"));
    }
}
