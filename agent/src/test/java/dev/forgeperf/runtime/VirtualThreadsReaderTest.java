package dev.forgeperf.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The reader of the JDK's JSON thread dump, on documents in the JDK 25 format (virtual threads
 * marked, carriers named) and the JDK 21 format (unmarked: virtual = unknown to ThreadMXBean),
 * with the bounds: distinct stacks past {@value VirtualThreads#MAX_GROUPS} counted not grouped,
 * stacks past {@value VirtualThreads#MAX_FRAMES} frames cut and marked. The JDK itself is driven in
 * the e2e VirtualThreadsTest.
 */
class VirtualThreadsReaderTest {
    private static VirtualThreads read(String json, Set<String> platformIds) throws IOException {
        VirtualThreadFolder folder = new VirtualThreadFolder(platformIds);
        new JsonThreadDumpReader(new StringReader(json), folder).document();
        return folder.result(0, 0);
    }

    private static String doc(String... containers) {
        return "{\n  \"threadDump\": {\n    \"processId\": \"1\",\n    \"time\": \"t\",\n    \"threadContainers\": [\n" + String.join(",\n", containers)
                + "\n    ]\n  }\n}\n";
    }

    private static String container(String name, List<String> threads) {
        return "      {\"container\": \"" + name + "\", \"parent\": null, \"owner\": null, \"threads\": [\n" + String.join(",\n", threads)
                + "\n      ], \"threadCount\": \"" + threads.size() + "\"}";
    }

    private static String thread25(String tid, String name, boolean virtual, String state, String carrier, String... frames) {
        StringBuilder b = new StringBuilder("{\"tid\": \"" + tid + "\", \"time\": \"t\"");
        if (virtual) {
            b.append(", \"virtual\": true");
        }
        b.append(", \"name\": \"").append(name).append("\", \"state\": \"").append(state).append("\", \"stack\": [");
        for (int i = 0; i < frames.length; i++) {
            b.append(i == 0 ? "" : ", ").append('"').append(frames[i].replace("/", "\\/")).append('"');
        }
        b.append("], \"monitorsOwned\": [{\"depth\": 0, \"locks\": [\"x@1\"]}]");
        if (carrier != null) {
            b.append(", \"carrier\": \"").append(carrier).append('"');
        }
        return b.append('}').toString();
    }

    @Test
    void jdk25FormatGroupsVirtualThreadsByStackWithStatesAndCarriers() throws IOException {
        String park = "java.base/java.lang.VirtualThread.park(VirtualThread.java:742)";
        String spot = "app/com.acme.Pool.await(Pool.java:31)";
        List<String> root = new ArrayList<>();
        root.add(thread25("1", "main", false, "RUNNABLE", null, "com.acme.Main.main(Main.java:3)"));
        for (int i = 0; i < 7; i++) {
            root.add(thread25(Integer.toString(100 + i), "w-" + i, true, "WAITING", null, park, spot));
        }
        root.add(thread25("200", "busy \\u00e9", true, "RUNNABLE", "24", "com.acme.Burn.spin(Burn.java:9)"));
        String carriers = container("ForkJoinPool-1/jdk.internal.vm.SharedThreadContainer@1",
                List.of(thread25("24", "ForkJoinPool-1-worker-1", false, "RUNNABLE", null, "java.base/jdk.internal.vm.Continuation.run(Continuation.java:251)")));
        VirtualThreads v = read(doc(container("<root>", root), carriers), Set.of());
        assertEquals(8, v.total());
        assertEquals(1, v.mounted());
        assertEquals(Map.of("RUNNABLE", 1, "WAITING", 7), v.states());
        assertEquals(2, v.groups().size());
        VirtualThreads.Group parked = v.groups().get(0);
        assertEquals(7, parked.count());
        assertEquals(List.of(park, spot), parked.stack());
        assertEquals(VirtualThreads.MAX_EXAMPLES, parked.examples().size());
        assertEquals("\"w-0\" #100", parked.examples().get(0));
        VirtualThreads.Group busy = v.groups().get(1);
        assertEquals(List.of("\"busy \u00e9\" #200"), busy.examples());
        assertEquals(List.of("\"ForkJoinPool-1-worker-1\" #24"), busy.carriers()); // named although listed after the thread
        String text = v.render();
        assertTrue(text.startsWith("Virtual threads: 8 in 2 distinct stacks, 1 mounted (RUNNABLE 1, WAITING 7)"), text);
        assertTrue(text.contains("\n7 virtual threads (WAITING 7): \"w-0\" #100, \"w-1\" #101, \"w-2\" #102, \"w-3\" #103, \"w-4\" #104, …\n\tat " + park + "\n\tat "
                + spot + "\n"), text);
        assertTrue(text.contains("   mounted: 1 on \"ForkJoinPool-1-worker-1\" #24\n"), text);
    }

    @Test
    void jdk21FormatTellsVirtualThreadsByIdsThreadMXBeanDoesNotKnow() throws IOException {
        String old = "{\"threadDump\": {\"processId\": \"1\", \"threadContainers\": [{\"container\": \"<root>\", \"threads\": ["
                + "{\"tid\": \"1\", \"name\": \"main\", \"stack\": [\"a.B.c(B.java:1)\"]},"
                + "{\"tid\": \"77\", \"name\": \"\", \"stack\": [\"a.V.park(V.java:2)\"]},"
                + "{\"tid\": \"78\", \"name\": \"\", \"stack\": [\"a.V.park(V.java:2)\"]}"
                + "], \"threadCount\": \"3\"}]}}";
        VirtualThreads v = read(old, Set.of("1"));
        assertEquals(2, v.total());
        assertEquals(1, v.groups().size());
        assertEquals(Map.of(), v.states());
        assertTrue(v.render().contains("\n2 virtual threads: \"\" #77, \"\" #78\n"), v.render());
    }

    @Test
    void stacksPastTheCapsAreCountedNotKept() throws IOException {
        List<String> threads = new ArrayList<>();
        int distinct = VirtualThreads.MAX_GROUPS + 100;
        for (int i = 0; i < distinct; i++) {
            threads.add(thread25(Integer.toString(1000 + i), "", true, "WAITING", null, "a.Deep.m" + i + "(Deep.java:1)"));
        }
        String[] deep = new String[VirtualThreads.MAX_FRAMES + 40];
        for (int i = 0; i < deep.length; i++) {
            deep[i] = "a.Rec.r(Rec.java:" + i + ")";
        }
        threads.add(thread25("5", "deep", true, "RUNNABLE", null, deep));
        threads.add(0, thread25("6", "deep2", true, "RUNNABLE", null, deep));
        VirtualThreads v = read(doc(container("<root>", threads)), Set.of());
        assertEquals(distinct + 2, v.total());
        assertEquals(VirtualThreads.MAX_GROUPS, v.groups().size());
        assertEquals(distinct + 2 - VirtualThreads.MAX_GROUPS - 1, v.ungroupedThreads()); // the two deep ones share the first group
        VirtualThreads.Group first = v.groups().get(0);
        assertEquals(2, first.count());
        assertTrue(first.truncated());
        assertEquals(VirtualThreads.MAX_FRAMES, first.stack().size());
        assertTrue(v.render().contains("(" + (distinct + 2 - VirtualThreads.MAX_GROUPS - 1) + " virtual threads on stacks past the first "
                + VirtualThreads.MAX_GROUPS + " distinct ones are counted above, not listed)"), v.render());
    }

    @Test
    void aSnapshotListsTheLargestGroupsAndCountsTheRest() throws IOException {
        // 25 distinct stacks: stack i has i + 1 threads, so the 20 listed are stacks 24 down to 5 and the 5 not listed hold 1+2+3+4+5
        List<String> threads = new ArrayList<>();
        int tid = 1000;
        for (int i = 0; i < 25; i++) {
            for (int k = 0; k <= i; k++) {
                threads.add(thread25(Integer.toString(tid++), "s" + i, true, "WAITING", null, "a.Spot.m" + i + "(Spot.java:1)"));
            }
        }
        VirtualThreads v = read(doc(container("<root>", threads)), Set.of());
        String text = v.render(VirtualThreads.SNAPSHOT_GROUPS);
        assertTrue(text.startsWith("Virtual threads: 325 in 25 distinct stacks"), text);
        for (int i = 0; i < 25; i++) {
            assertEquals(i >= 5, text.contains("\tat a.Spot.m" + i + "(Spot.java:1)\n"), "stack " + i + ":\n" + text);
        }
        assertTrue(text.contains("\n25 virtual threads (WAITING 25): "), text);
        assertTrue(text.endsWith("\n(5 more distinct stacks with 15 virtual threads not listed here; `forge-perf dump threads PID` lists up to "
                + VirtualThreads.MAX_GROUPS + " stacks)\n"), text);
        assertEquals(v.render(), v.render(25));
        assertTrue(v.render().contains("\tat a.Spot.m0(Spot.java:1)\n") && !v.render().contains("not listed here"), v.render());
    }

    @Test
    void aBrokenDocumentIsOneErrorNamingWhere() {
        IOException e = assertThrows(IOException.class, () -> read("{\"threadDump\": {\"threadContainers\": [{\"threads\": [{\"tid\": \"1\", ", Set.of()));
        assertTrue(e.getMessage().startsWith("unreadable JDK thread dump at character "), e.getMessage());
        assertThrows(IOException.class, () -> read("{\"a\": [1, 2}", Set.of()));
    }

    @Test
    void framesSplitIntoMethodFileAndLine() {
        assertEquals(new VirtualThreads.Frame("java.lang.VirtualThread.park", "VirtualThread.java", 742, false),
                VirtualThreads.parseFrame("java.base/java.lang.VirtualThread.park(VirtualThread.java:742)"));
        assertEquals(new VirtualThreads.Frame("com.acme.Foo.bar", "Foo.java", 12, false), VirtualThreads.parseFrame("app//com.acme.Foo.bar(Foo.java:12)"));
        assertEquals(new VirtualThreads.Frame("com.acme.Foo.bar", "Foo.java", 12, false),
                VirtualThreads.parseFrame("loader/mod@1.2/com.acme.Foo.bar(Foo.java:12)"));
        assertEquals(new VirtualThreads.Frame("com.acme.Foo$$Lambda/0x0000000801001000.run", "", 0, false),
                VirtualThreads.parseFrame("com.acme.Foo$$Lambda/0x0000000801001000.run(Unknown Source)"));
        assertEquals(new VirtualThreads.Frame("jdk.internal.misc.Unsafe.park", "", 0, true),
                VirtualThreads.parseFrame("java.base@25/jdk.internal.misc.Unsafe.park(Native Method)"));
        assertEquals(new VirtualThreads.Frame("a.B.c", "B.java", 0, false), VirtualThreads.parseFrame("a.B.c(B.java)"));
    }
}
