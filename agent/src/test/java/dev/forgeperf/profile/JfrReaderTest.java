package dev.forgeperf.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JFR → profile on a real recording made in this JVM; corrupt and truncated input. */
class JfrReaderTest {
    private static final String P = "dev.forgeperf.profile.Recorded.";

    @TempDir
    Path tmp;

    static String topSelf(Profile p) {
        return TopTable.of(p).rows().get(0).function();
    }

    static TopTable.Row row(Profile p, String function) {
        return TopTable.of(p).rows().stream().filter(r -> r.function().equals(function)).findFirst()
                .orElseThrow(() -> new AssertionError(function + " not in " + TopTable.of(p).rows()));
    }

    @Test
    void cpuProfileTopsTheBurningMethodAndCountsEverySample() throws Exception {
        Path jfr = Recorded.jfr();
        Profile p = JfrReader.read(jfr, Kind.CPU, ProfileOptions.DEFAULT);
        assertEquals(P + "burnCpuForForgePerfTest", topSelf(p));
        assertEquals(List.of(new SampleType("samples", "count"), new SampleType("cpu", "nanoseconds")), p.sampleTypes());
        long samples = Recorded.count(jfr, "jdk.ExecutionSample");
        assertTrue(samples > 20, "samples " + samples);
        assertEquals(samples, p.total(0));
        assertEquals(10_000_000L, p.period(), "period from jdk.ActiveSetting");
        assertEquals(samples * 10_000_000L, p.total(1));
        assertTrue(p.comments().get(0).contains("from jdk.ActiveSetting"), p.comments()::toString);
        assertTrue(p.startEpochNanos() > 0 && p.durationNanos() > 2_000_000_000L, () -> p.startEpochNanos() + " " + p.durationNanos());

        // frames carry a file and a line
        int frame = -1;
        for (int f = 0; f < p.frameCount(); f++) {
            if (p.frameName(f).equals(P + "burnCpuForForgePerfTest")) {
                frame = f;
            }
        }
        assertTrue(frame >= 0);
        assertEquals("dev/forgeperf/profile/Recorded.java", p.string(p.functionFile(p.frameFunction(frame))));
        assertTrue(p.frameLine(frame) > 0);

        Profile given = JfrReader.read(jfr, Kind.CPU, ProfileOptions.DEFAULT.withInterval(1_000_000));
        assertEquals(samples * 1_000_000L, given.total(1));
    }

    @Test
    void eachKindTopsItsMethod() throws Exception {
        Path jfr = Recorded.jfr();
        Profile alloc = JfrReader.read(jfr, Kind.ALLOC, ProfileOptions.DEFAULT);
        assertEquals(List.of(new SampleType("alloc_objects", "count"), new SampleType("alloc_space", "bytes")), alloc.sampleTypes());
        // by samples: a thread's first sample weighs all it allocated before (JFR's weight), so by bytes
        // a one-off in another thread of this JVM (JFR instrumenting its event classes) can come first
        assertEquals(P + "allocateForForgePerfTest", TopTable.of(alloc, 0).rows().get(0).function());
        assertEquals(Recorded.count(jfr, "jdk.ObjectAllocationSample"), alloc.total(0));

        Profile lock = JfrReader.read(jfr, Kind.LOCK, ProfileOptions.DEFAULT);
        assertEquals(List.of(new SampleType("contentions", "count"), new SampleType("delay", "nanoseconds")), lock.sampleTypes());
        assertEquals(P + "contendForForgePerfTest", topSelf(lock));
        assertEquals(Recorded.count(jfr, "jdk.JavaMonitorEnter"), lock.total(0));
        assertTrue(lock.total(1) > 100_000_000L, "delay " + lock.total(1));

        Profile park = JfrReader.read(jfr, Kind.PARK, ProfileOptions.DEFAULT);
        assertEquals(Recorded.count(jfr, "jdk.ThreadPark"), park.total(0));
        // by count: other threads of the test JVM may park rarely but long
        TopTable.Row parker = TopTable.of(park, 0).rows().stream().filter(r -> r.function().equals(P + "parkForForgePerfTest"))
                .findFirst().orElseThrow();
        assertTrue(parker.total() > park.total(0) / 2, () -> TopTable.of(park, 0).rows().subList(0, 5).toString());

        // wall: samples of running threads plus the time threads spent parked, blocked, waiting or sleeping
        Profile wall = JfrReader.read(jfr, Kind.WALL, ProfileOptions.DEFAULT);
        long sampled = Recorded.count(jfr, "jdk.ExecutionSample") + Recorded.count(jfr, "jdk.NativeMethodSample");
        JfrFile file = JfrFile.check(jfr);
        long[] span = {file.startEpochNanos(), file.endEpochNanos()};
        long offCpu = 0;
        long events = 0;
        for (String blocked : Kind.BLOCKED_EVENTS) {
            for (var e : Recorded.events(jfr, blocked)) {
                offCpu += JfrParserTest.clipped(e, span);
                events++;
            }
        }
        assertTrue(Math.abs(sampled * 10_000_000L + offCpu - wall.total(1)) <= events, wall.total(1) + " vs " + (sampled * 10_000_000L + offCpu));
        // a wait that began before the recording counts only from the recording's start
        long across = TopTable.of(wall, 1).rows().stream().filter(r -> r.function().equals(P + "waitAcrossTheStartForForgePerfTest"))
                .findFirst().orElseThrow().total();
        long whole = Recorded.events(jfr, "jdk.JavaMonitorWait").stream().filter(e -> e.getThread().getJavaName().equals("test-wait-across-start"))
                .mapToLong(e -> e.getDuration().toNanos()).sum();
        assertTrue(whole >= 1_400_000_000L && across < 900_000_000L && across > 100_000_000L, "whole " + whole + ", in the profile " + across);
        // and with --from, only its part after that (it began before the window, yet counts)
        Profile later = JfrReader.read(jfr, Kind.WALL, ProfileOptions.DEFAULT.withWindow("50ms", null));
        long acrossLater = TopTable.of(later, 1).rows().stream().filter(r -> r.function().equals(P + "waitAcrossTheStartForForgePerfTest"))
                .findFirst().orElseThrow().total();
        assertTrue(acrossLater > 0 && acrossLater < across && Math.abs(across - acrossLater - 50_000_000L) < 5_000_000L,
                "from the start " + across + ", from 50 ms " + acrossLater);
        assertTrue(wall.total(0) >= sampled, "off-CPU time adds samples");
        // every test thread ran or waited for about the whole recording
        for (String m : List.of("burnCpuForForgePerfTest", "parkForForgePerfTest", "contendForForgePerfTest", "allocateForForgePerfTest")) {
            long nanos = TopTable.of(wall, 1).rows().stream().filter(r -> r.function().equals(P + m)).findFirst().orElseThrow().total();
            assertTrue(nanos > 1_000_000_000L, m + " wall " + nanos);
        }
        assertTrue(wall.comments().stream().anyMatch(c -> c.contains("jdk.ThreadPark")), wall.comments()::toString);
    }

    /** Chunks are read by several threads; the profile is the same as when one thread reads them all. */
    @Test
    void chunksReadInParallelGiveTheSameProfile() throws Exception {
        byte[] one = Files.readAllBytes(Recorded.jfr());
        Path three = tmp.resolve("three-chunks.jfr"); // concatenated recordings are one recording of several chunks
        try (var out = Files.newOutputStream(three)) {
            for (int i = 0; i < 3; i++) {
                out.write(one);
            }
        }
        for (Kind kind : Kind.values()) {
            Profile single = JfrReader.read(Recorded.jfr(), kind, ProfileOptions.DEFAULT);
            Profile serial = new JfrReader(kind, ProfileOptions.DEFAULT.withThreads(true)).workers(1).read(three);
            Profile parallel = new JfrReader(kind, ProfileOptions.DEFAULT.withThreads(true)).workers(2).read(three);
            for (int t = 0; t < single.sampleTypes().size(); t++) {
                if (kind != Kind.WALL || t == 1) { // wall samples round off-CPU time per stack
                    assertEquals(3 * single.total(t), parallel.total(t), kind + " type " + t);
                }
                assertEquals(serial.total(t), parallel.total(t), kind + " type " + t);
            }
            assertEquals(ExportersTest.collapsed(serial), ExportersTest.collapsed(parallel), kind.toString());
            assertEquals(serial.period(), parallel.period());
            assertEquals(serial.comments(), parallel.comments());
        }
        // inside a host JVM: one thread, every chunk memory-mapped; the same profile
        for (Kind kind : Kind.values()) {
            Profile heap = new JfrReader(kind, ProfileOptions.DEFAULT.withThreads(true)).workers(1).read(three);
            Profile mapped = new JfrReader(kind, ProfileOptions.DEFAULT.withThreads(true)).hostSafe().read(three);
            for (int t = 0; t < heap.sampleTypes().size(); t++) {
                assertEquals(heap.total(t), mapped.total(t), kind + " type " + t);
            }
            assertEquals(ExportersTest.collapsed(heap), ExportersTest.collapsed(mapped), kind.toString());
            assertEquals(heap.comments(), mapped.comments());
        }
        // a damaged chunk is reported the same way whichever thread reads it
        byte[] bad = Files.readAllBytes(three);
        int at = 2 * one.length + one.length / 2;
        for (int i = 0; i < 64; i++) {
            bad[at + i] = (byte) 0xFF;
        }
        Path damaged = Files.write(tmp.resolve("damaged.jfr"), bad);
        String serialError = assertThrows(ProfileException.class, () -> new JfrReader(Kind.CPU, ProfileOptions.DEFAULT).workers(1).read(damaged)).getMessage();
        String parallelError = assertThrows(ProfileException.class, () -> new JfrReader(Kind.CPU, ProfileOptions.DEFAULT).workers(3).read(damaged)).getMessage();
        assertEquals(serialError, parallelError);
        assertEquals(serialError, assertThrows(ProfileException.class, () -> new JfrReader(Kind.CPU, ProfileOptions.DEFAULT).hostSafe().read(damaged)).getMessage());
    }

    @Test
    void theAgentsOwnThreadsAreLeftOut() throws Exception {
        Path jfr = Recorded.jfr();
        for (Kind kind : List.of(Kind.CPU, Kind.WALL)) {
            Profile p = JfrReader.read(jfr, kind, ProfileOptions.DEFAULT.withThreads(true));
            assertTrue(TopTable.of(p).rows().stream().noneMatch(r -> r.function().contains("agentNoiseForForgePerfTest")
                    || r.function().startsWith("[" + JfrReader.AGENT_THREAD_PREFIX)), kind::toString);
            assertTrue(p.comments().stream().anyMatch(c -> c.endsWith("events on forge-perf's own threads left out")), p.comments()::toString);
        }
    }

    @Test
    void threadsIncludeExcludeAndTimeWindow() throws Exception {
        Path jfr = Recorded.jfr();
        Profile threads = JfrReader.read(jfr, Kind.CPU, ProfileOptions.DEFAULT.withThreads(true));
        Set<String> roots = rootNames(threads);
        assertTrue(roots.contains("[test-cpu]"), roots::toString);
        assertTrue(roots.stream().allMatch(r -> r.startsWith("[") && r.endsWith("]")), roots::toString);
        Profile plain = JfrReader.read(jfr, Kind.CPU, ProfileOptions.DEFAULT);
        assertEquals(plain.total(0), threads.total(0));

        Profile only = JfrReader.read(jfr, Kind.CPU, ProfileOptions.DEFAULT.withInclude("burnCpu"));
        assertEquals(row(plain, P + "burnCpuForForgePerfTest").total(), only.total(0));
        Profile without = JfrReader.read(jfr, Kind.CPU, ProfileOptions.DEFAULT.withExclude("burnCpu"));
        assertEquals(plain.total(0) - only.total(0), without.total(0));
        assertTrue(TopTable.of(without).rows().stream().noneMatch(r -> r.function().contains("burnCpu")));

        Profile none = JfrReader.read(jfr, Kind.CPU, ProfileOptions.DEFAULT.withWindow("1h", null));
        assertEquals(0, none.total(0));
        Profile all = JfrReader.read(jfr, Kind.CPU, ProfileOptions.DEFAULT.withWindow("0s", "1h"));
        assertEquals(plain.total(0), all.total(0));
        Profile firstPart = JfrReader.read(jfr, Kind.CPU, ProfileOptions.DEFAULT.withWindow(null, "1200ms"));
        assertTrue(firstPart.total(0) > 0 && firstPart.total(0) < plain.total(0), firstPart.total(0) + " of " + plain.total(0));
        assertThrows(IllegalArgumentException.class, () -> JfrReader.read(jfr, Kind.CPU, ProfileOptions.DEFAULT.withWindow("yesterday", null)));
    }

    static Set<String> rootNames(Profile p) {
        return java.util.stream.IntStream.range(1, p.nodeCount()).filter(n -> p.parent(n) == Profile.ROOT)
                .mapToObj(n -> p.frameName(p.nodeFrame(n))).collect(Collectors.toSet());
    }

    @Test
    void notJfrTruncatedAndCorruptedInputGetPreciseMessages() throws Exception {
        Path jfr = Recorded.jfr();
        byte[] bytes = Files.readAllBytes(jfr);

        Path text = Files.writeString(tmp.resolve("notes.jfr"), "hello, not a recording\n");
        assertEquals(text + ": not a JFR file", message(() -> JfrReader.read(text, Kind.CPU, ProfileOptions.DEFAULT)));
        Path empty = Files.write(tmp.resolve("empty.jfr"), new byte[0]);
        assertEquals(empty + ": not a JFR file", message(() -> JfrReader.read(empty, Kind.CPU, ProfileOptions.DEFAULT)));

        long chunk = java.nio.ByteBuffer.wrap(bytes, 8, 8).getLong();
        Path cut = Files.write(tmp.resolve("cut.jfr"), java.util.Arrays.copyOf(bytes, 5000));
        assertEquals(cut + ": truncated at byte 5000 (chunk at byte 0 declares " + chunk + " bytes)",
                message(() -> JfrReader.read(cut, Kind.CPU, ProfileOptions.DEFAULT)));
        Path header = Files.write(tmp.resolve("header.jfr"), java.util.Arrays.copyOf(bytes, 30));
        assertEquals(header + ": truncated at byte 30 (chunk header at byte 0 is incomplete)",
                message(() -> JfrReader.read(header, Kind.CPU, ProfileOptions.DEFAULT)));

        byte[] zeroSize = bytes.clone();
        java.nio.ByteBuffer.wrap(zeroSize).putLong(8, 0);
        Path zero = Files.write(tmp.resolve("zero.jfr"), zeroSize);
        assertEquals(zero + ": corrupted JFR recording: chunk at byte 0 declares 0 bytes (a recording still being written?)",
                message(() -> JfrReader.read(zero, Kind.CPU, ProfileOptions.DEFAULT)));

        byte[] trailing = java.util.Arrays.copyOf(bytes, bytes.length + 100);
        Path junk = Files.write(tmp.resolve("junk.jfr"), trailing);
        assertEquals(junk + ": corrupted JFR recording: no chunk header at byte " + chunk,
                message(() -> JfrReader.read(junk, Kind.CPU, ProfileOptions.DEFAULT)));

        // the metadata offset points into the middle of nowhere: the JDK's parser fails, we say so in one line
        byte[] badMeta = bytes.clone();
        java.nio.ByteBuffer.wrap(badMeta).putLong(24, 70);
        Path meta = Files.write(tmp.resolve("meta.jfr"), badMeta);
        String m = message(() -> JfrReader.read(meta, Kind.CPU, ProfileOptions.DEFAULT));
        assertTrue(m.startsWith(meta + ": corrupted JFR recording: "), m);
        assertFalse(m.contains("\n"), m);
    }

    static String message(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(ProfileException.class, e).getMessage();
    }

    /** What the agent's focused recordings will use: the settings of a kind give events the reader turns into that kind. */
    @Test
    void kindSettingsRecordWhatTheReaderNeeds() throws Exception {
        java.util.Map<String, String> settings = new java.util.HashMap<>(Kind.CPU.settings(java.time.Duration.ofMillis(7)));
        settings.putAll(Kind.LOCK.settings(java.time.Duration.ofMillis(7)));
        assertEquals("7 ms", settings.get("jdk.ExecutionSample#period"));
        assertEquals("0 ms", settings.get("jdk.JavaMonitorEnter#threshold"));
        Path out = tmp.resolve("focused.jfr");
        Object lock = new Object();
        try (jdk.jfr.Recording r = new jdk.jfr.Recording()) {
            r.setSettings(settings);
            r.start();
            Thread holder = new Thread(() -> {
                synchronized (lock) {
                    long end = System.nanoTime() + 300_000_000L;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                }
            });
            holder.start();
            Thread.sleep(50);
            synchronized (lock) {
                holder.join();
            }
            r.stop();
            r.dump(out);
        }
        Profile cpu = JfrReader.read(out, Kind.CPU, ProfileOptions.DEFAULT);
        assertTrue(cpu.total(0) > 0);
        assertEquals(7_000_000L, cpu.period());
        Profile lockProfile = JfrReader.read(out, Kind.LOCK, ProfileOptions.DEFAULT);
        assertTrue(lockProfile.total(0) >= 1 && lockProfile.total(1) > 100_000_000L, () -> ProfileOutput.summary(lockProfile));
        assertEquals("dev.forgeperf.profile.JfrReaderTest.kindSettingsRecordWhatTheReaderNeeds", topSelf(lockProfile));
    }

    @Test
    void periodSettingsAndSourceFiles() {
        assertEquals(20_000_000L, JfrReader.parsePeriod("20 ms"));
        assertEquals(1_000_000_000L, JfrReader.parsePeriod("1 s"));
        assertEquals(500_000L, JfrReader.parsePeriod("500 us"));
        assertEquals(0, JfrReader.parsePeriod("off"));
        assertEquals("a/b/C.java", JfrReader.sourceFile("a.b.C$Inner"));
        assertEquals("a/b/C.java", JfrReader.sourceFile("a.b.C$$Lambda$14/0x0000000800c03000"));
        assertEquals("", JfrReader.sourceFile("[B"));
    }
}
