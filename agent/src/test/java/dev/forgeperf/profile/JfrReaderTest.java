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
    private static volatile long sink;

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
        List<jdk.jfr.consumer.RecordedEvent> acrossEvents = Recorded.events(jfr, "jdk.JavaMonitorWait").stream()
                .filter(e -> e.getThread().getJavaName().equals("test-wait-across-start")).toList();
        long whole = acrossEvents.stream().mapToLong(e -> e.getDuration().toNanos()).sum();
        long inside = acrossEvents.stream().mapToLong(e -> JfrParserTest.clipped(e, span)).sum();
        // the wait began >= 1 s before the recording and ended >= 0.5 s into it (ordered by handshakes in Recorded)
        assertTrue(whole - inside >= 990_000_000L && inside >= 490_000_000L, "whole " + whole + ", inside the recording " + inside);
        long running = Recorded.events(jfr, "jdk.ExecutionSample").stream()
                .filter(e -> e.getThread("sampledThread").getJavaName().equals("test-wait-across-start")).count() * 10_000_000L;
        assertTrue(Math.abs(across - inside - running) <= acrossEvents.size(),
                "in the profile " + across + ", inside the recording " + inside + " + running " + running);
        // and with --from, only its part after that (it began before the window, yet counts)
        Profile later = JfrReader.read(jfr, Kind.WALL, ProfileOptions.DEFAULT.withWindow("50ms", null));
        long acrossLater = TopTable.of(later, 1).rows().stream().filter(r -> r.function().equals(P + "waitAcrossTheStartForForgePerfTest"))
                .findFirst().orElseThrow().total();
        assertTrue(acrossLater > 0 && acrossLater < across && Math.abs(across - acrossLater - 50_000_000L) < 5_000_000L,
                "from the start " + across + ", from 50 ms " + acrossLater);
        assertTrue(wall.total(0) >= sampled, "off-CPU time adds samples");
        // every waiting test thread waited for about the whole recording (event durations: real time, whatever the load)
        for (String m : List.of("parkForForgePerfTest", "contendForForgePerfTest", "allocateForForgePerfTest")) {
            long nanos = TopTable.of(wall, 1).rows().stream().filter(r -> r.function().equals(P + m)).findFirst().orElseThrow().total();
            assertTrue(nanos > 1_000_000_000L, m + " wall " + nanos);
        }
        // the running one is known only through its samples, which a busy machine thins out: its wall time is
        // exactly what JFR sampled of its thread (one sample may land in Thread.run before or after the method)
        long burn = TopTable.of(wall, 1).rows().stream().filter(r -> r.function().equals(P + "burnCpuForForgePerfTest")).findFirst().orElseThrow().total();
        long burnSamples = Recorded.events(jfr, "jdk.ExecutionSample").stream()
                .filter(e -> e.getThread("sampledThread").getJavaName().equals("test-cpu")).count();
        assertTrue(burnSamples > 0 && Math.abs(burn - burnSamples * 10_000_000L) <= 20_000_000L, "burn wall " + burn + ", samples " + burnSamples);
        assertTrue(wall.comments().stream().anyMatch(c -> c.contains("jdk.ThreadPark")), wall.comments()::toString);
    }

    /** Thread starts read by several threads count what one thread counts: every reader reads {@code jdk.ThreadStart}. */
    @Test
    void threadStartsReadInParallelCountEveryChunk() throws Exception {
        byte[] one = Files.readAllBytes(Recorded.jfr());
        Path three = tmp.resolve("three-chunks-starts.jfr");
        try (var out = Files.newOutputStream(three)) {
            for (int i = 0; i < 3; i++) {
                out.write(one);
            }
        }
        long started = Recorded.events(Recorded.jfr(), "jdk.ThreadStart").size();
        assertTrue(started >= 4, "the recording saw its test threads start: " + started);
        Profile single = JfrReader.readThreadStarts(Recorded.jfr(), ProfileOptions.DEFAULT);
        assertEquals(started, single.total(0));
        Profile serial = JfrReader.threadStarts(JfrReader.threadStartsReader(ProfileOptions.DEFAULT).workers(1), three);
        Profile parallel = JfrReader.threadStarts(JfrReader.threadStartsReader(ProfileOptions.DEFAULT).workers(2), three);
        assertEquals(3 * started, serial.total(0));
        assertEquals(3 * started, parallel.total(0), "every chunk's thread starts, whichever thread read it");
        assertEquals(ExportersTest.collapsed(serial), ExportersTest.collapsed(parallel));
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
        for (Kind kind : JfrReaderTest.streamed()) {
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
        for (Kind kind : JfrReaderTest.streamed()) {
            Profile heap = new JfrReader(kind, ProfileOptions.DEFAULT.withThreads(true)).workers(1).read(three);
            Profile mapped = new JfrReader(kind, ProfileOptions.DEFAULT.withThreads(true)).hostSafe().read(three);
            for (int t = 0; t < heap.sampleTypes().size(); t++) {
                assertEquals(heap.total(t), mapped.total(t), kind + " type " + t);
            }
            assertEquals(ExportersTest.collapsed(heap), ExportersTest.collapsed(mapped), kind.toString());
            assertEquals(heap.comments(), mapped.comments());
        }
        // a damaged chunk is reported the same way whichever thread reads it: the damage is the
        // metadata event of the third copy's first chunk (where its header says it is), which no
        // reader can do without, not bytes at a fixed offset whose meaning depends on what was recorded
        byte[] bad = Files.readAllBytes(three);
        int chunk = 2 * one.length;
        assertEquals("FLR\0", new String(bad, chunk, 4, java.nio.charset.StandardCharsets.ISO_8859_1));
        long metadataOffset = java.nio.ByteBuffer.wrap(bad, chunk + 24, 8).getLong(); // magic, version, size, constant pool offset
        long chunkSize = java.nio.ByteBuffer.wrap(bad, chunk + 8, 8).getLong();
        assertTrue(metadataOffset >= 68 && metadataOffset + 64 <= chunkSize, metadataOffset + " in a chunk of " + chunkSize);
        int at = chunk + (int) metadataOffset;
        for (int i = 0; i < 64; i++) {
            bad[at + i] = (byte) 0xFF;
        }
        Path damaged = Files.write(tmp.resolve("damaged.jfr"), bad);
        String serialError = assertThrows(ProfileException.class, () -> new JfrReader(Kind.CPU, ProfileOptions.DEFAULT).workers(1).read(damaged)).getMessage();
        String parallelError = assertThrows(ProfileException.class, () -> new JfrReader(Kind.CPU, ProfileOptions.DEFAULT).workers(3).read(damaged)).getMessage();
        assertTrue(serialError.startsWith(damaged + ": corrupted JFR recording: "), serialError);
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
            // the comment counts what was left out: on a saturated machine the noise thread may have no
            // event of this kind at all (the JDK's reader says), and then there is nothing to say
            List<String> types = kind == Kind.CPU ? List.of("jdk.ExecutionSample") : List.of("jdk.ExecutionSample", "jdk.ThreadSleep");
            long own = 0;
            for (String type : types) {
                own += Recorded.events(jfr, type).stream().filter(e -> {
                    jdk.jfr.consumer.RecordedThread t = e.getThread(type.equals("jdk.ExecutionSample") ? "sampledThread" : "eventThread");
                    return t != null && t.getJavaName() != null && t.getJavaName().startsWith(JfrReader.AGENT_THREAD_PREFIX);
                }).count();
            }
            if (own > 0) {
                assertTrue(p.comments().stream().anyMatch(c -> c.endsWith("events on forge-perf's own threads left out")), p.comments()::toString);
            }
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
        // --to at a gap between samples near the middle: exactly the samples before it (wherever a busy machine put them)
        long[] at = Recorded.events(jfr, "jdk.ExecutionSample").stream()
                .mapToLong(e -> e.getStartTime().getEpochSecond() * 1_000_000_000L + e.getStartTime().getNano()).sorted().toArray();
        int k = at.length / 2;
        while (k + 1 < at.length && at[k + 1] - at[k] < 3_000_000L) {
            k++;
        }
        assertTrue(k + 1 < at.length, "a gap of 3 ms between samples");
        long toMillis = (at[k] - plain.startEpochNanos()) / 1_000_000L + 1; // after sample k, before sample k + 1
        Profile firstPart = JfrReader.read(jfr, Kind.CPU, ProfileOptions.DEFAULT.withWindow(null, toMillis + "ms"));
        assertEquals(k + 1, firstPart.total(0), "samples in the first " + toMillis + " ms of " + plain.total(0));
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
        assertEquals(junk + ": corrupted JFR recording: no chunk header at byte " + bytes.length, // after the last chunk
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
            // the holder takes the lock first, waits until this thread is blocked on it, then keeps it 300 ms
            Thread me = Thread.currentThread();
            java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
            Thread holder = new Thread(() -> {
                synchronized (lock) {
                    held.countDown();
                    long deadline = System.nanoTime() + 60_000_000_000L; // a hang bound
                    while (me.getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    long end = System.nanoTime() + 300_000_000L;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                }
            });
            holder.start();
            assertTrue(held.await(60, java.util.concurrent.TimeUnit.SECONDS), "holder started");
            synchronized (lock) {
                // contended: entered only after the holder let go, at least 300 ms after blocking here
                Thread.onSpinWait();
            }
            holder.join();
            // burn CPU here until the sampler caught some (a busy machine samples sparsely; 60 s bound)
            long deadline = System.nanoTime() + 60_000_000_000L;
            Path probe = tmp.resolve("probe.jfr");
            long h = 1;
            do {
                long end = System.nanoTime() + 100_000_000L;
                while (System.nanoTime() < end) {
                    h = h * 31 + end;
                }
                r.dump(probe);
            } while (Recorded.count(probe, "jdk.ExecutionSample") == 0 && System.nanoTime() < deadline);
            sink = h; // keeps the loop's work
            r.stop();
            r.dump(out);
        }
        Profile cpu = JfrReader.read(out, Kind.CPU, ProfileOptions.DEFAULT);
        assertTrue(cpu.total(0) > 0);
        assertEquals(Recorded.count(out, "jdk.ExecutionSample"), cpu.total(0));
        assertEquals(7_000_000L, cpu.period());
        Profile lockProfile = JfrReader.read(out, Kind.LOCK, ProfileOptions.DEFAULT);
        assertTrue(lockProfile.total(0) >= 1 && lockProfile.total(1) > 100_000_000L, () -> ProfileOutput.summary(lockProfile));
        assertEquals("dev.forgeperf.profile.JfrReaderTest.kindSettingsRecordWhatTheReaderNeeds", topSelf(lockProfile));
    }

    /**
     * With measured CPU times, each thread's samples add up to its own CPU time, a thread without
     * samples shows as such, and the rest of the process's CPU time has a node of its own, so the
     * total is the process's. The thread ids come from the JDK's parser.
     */
    @Test
    void calibrationScalesEachThreadToItsMeasuredCpuTime() throws Exception {
        Path jfr = Recorded.jfr();
        java.util.Map<String, Long> ids = new java.util.HashMap<>();
        for (jdk.jfr.consumer.RecordedEvent e : Recorded.events(jfr, "jdk.ExecutionSample")) {
            jdk.jfr.consumer.RecordedThread t = e.getThread("sampledThread");
            ids.put(t.getJavaName(), t.getJavaThreadId());
        }
        long cpuTid = ids.get("test-cpu"); // Recorded runs until test-cpu has 100 samples
        // a second sampled thread: test-alloc runs in short bursts and may go unsampled on a busy
        // machine, then another one (the recording's main thread always parses probes)
        String second = ids.containsKey("test-alloc") ? "test-alloc"
                : ids.keySet().stream().filter(n -> !n.equals("test-cpu") && !n.startsWith(JfrReader.AGENT_THREAD_PREFIX)).sorted().findFirst()
                        .orElseThrow(() -> new AssertionError("only test-cpu was sampled: " + ids));
        long allocTid = ids.get(second);
        CpuCalibration cal = new CpuCalibration(1, 2, 50_000_000_000L, java.util.Map.of(
                cpuTid, new CpuCalibration.ThreadCpu("test-cpu", 2_000_000_000L),
                allocTid, new CpuCalibration.ThreadCpu(second, 1_000_000_000L),
                Long.MAX_VALUE - 1, new CpuCalibration.ThreadCpu("never-sampled", 300_000_000L),
                Long.MAX_VALUE - 2, new CpuCalibration.ThreadCpu(JfrReader.AGENT_THREAD_PREFIX + "x", 100_000_000L)));
        Profile threads = JfrReader.read(jfr, Kind.CPU, ProfileOptions.DEFAULT.withThreads(true).withCalibration(cal));
        TopTable table = TopTable.of(threads, 1);
        java.util.function.ToLongFunction<String> total = f -> table.rows().stream().filter(r -> r.function().equals(f)).findFirst()
                .orElseThrow(() -> new AssertionError(f + " not in " + table.rows())).total();
        assertEquals(2_000_000_000L, total.applyAsLong("[test-cpu]"), 1_000);
        assertEquals(1_000_000_000L, total.applyAsLong("[" + second + "]"), 1_000);
        assertEquals(300_000_000L, total.applyAsLong("[never-sampled]"));
        assertEquals(300_000_000L, total.applyAsLong(CpuCalibrator.UNSAMPLED));
        assertEquals(50_000_000_000L, threads.total(1), 1_000);
        assertTrue(total.applyAsLong(CpuCalibrator.OTHER_CPU) > 40_000_000_000L, table.rows()::toString);
        assertEquals(1, threads.startEpochNanos());
        assertEquals(1, threads.durationNanos());
        assertTrue(threads.comments().stream().anyMatch(c -> c.startsWith("calibrated: each thread's samples scaled")), threads.comments()::toString);

        // without thread roots: the burning method carries its thread's CPU time, in the share of the thread's samples
        // that were in it (on a busy machine one may land in Thread.run before or after the method)
        java.util.List<jdk.jfr.consumer.RecordedEvent> cpuSamples = Recorded.events(jfr, "jdk.ExecutionSample").stream()
                .filter(e -> e.getThread("sampledThread").getJavaName().equals("test-cpu")).toList();
        long inBurn = cpuSamples.stream().filter(e -> e.getStackTrace().getFrames().stream()
                .anyMatch(f -> f.getMethod().getName().equals("burnCpuForForgePerfTest"))).count();
        Profile plain = JfrReader.read(jfr, Kind.CPU, ProfileOptions.DEFAULT.withCalibration(cal));
        assertEquals(2_000_000_000.0 * inBurn / cpuSamples.size(), TopTable.of(plain, 1).rows().stream()
                .filter(r -> r.function().equals(P + "burnCpuForForgePerfTest")).findFirst().orElseThrow().total(), 1_000);
        assertFalse(TopTable.of(plain, 1).rows().stream().anyMatch(r -> r.function().startsWith("[test-")), "no thread roots unless asked");
        Profile filtered = JfrReader.read(jfr, Kind.CPU, ProfileOptions.DEFAULT.withCalibration(cal).withInclude("burnCpuForForgePerfTest"));
        assertEquals(2_000_000_000.0 * inBurn / cpuSamples.size(), filtered.total(1), 1_000);
    }

    /**
     * A 10 ms recording inside a 20 ms one (the continuous recording and a focused profile): each
     * sample weighs the period in force when it was taken, not the smallest period of the file. The
     * truth: the JDK's own parser's sample times, against when the inner recording ran.
     */
    @Test
    void eachSampleWeighsThePeriodInForceWhenTaken() throws Exception {
        Path out = tmp.resolve("nested.jfr");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread burner = new Thread(() -> {
            long h = 1;
            while (!stop.get()) {
                for (int i = 0; i < 100_000; i++) {
                    h = h * 0x9E3779B97F4A7C15L + i;
                }
                nestedSink = h;
            }
        }, "test-nested-cpu");
        long[] switches = new long[4]; // before and after the inner recording's start, before and after its stop
        // Each phase lasts until the JVM has taken enough samples in it (read back from the disk
        // repository as they are flushed, without a recording of our own that would change the
        // period), not a fixed time: on a saturated machine 1.5 s held 10 samples.
        java.util.List<Long> taken = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (jdk.jfr.consumer.EventStream samples = jdk.jfr.consumer.EventStream.openRepository();
                jdk.jfr.Recording outer = new jdk.jfr.Recording(); jdk.jfr.Recording inner = new jdk.jfr.Recording()) {
            samples.onEvent("jdk.ExecutionSample", e -> taken.add(e.getStartTime().getEpochSecond() * 1_000_000_000L + e.getStartTime().getNano()));
            samples.startAsync();
            outer.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(20));
            outer.enable("jdk.ActiveSetting");
            outer.setToDisk(true);
            inner.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(10));
            inner.enable("jdk.ActiveSetting");
            inner.setToDisk(true);
            burner.start();
            long begin = epochNanos();
            outer.start();
            awaitSamples(taken, begin, Long.MAX_VALUE, "before the inner recording");
            switches[0] = epochNanos();
            inner.start();
            switches[1] = epochNanos();
            awaitSamples(taken, switches[1], Long.MAX_VALUE, "while the inner recording ran");
            switches[2] = epochNanos();
            inner.stop();
            switches[3] = epochNanos();
            awaitSamples(taken, switches[3], Long.MAX_VALUE, "after the inner recording");
            outer.stop();
            outer.dump(out);
        } finally {
            stop.set(true);
            burner.join();
        }
        long in = 0;
        long outside = 0;
        long unsure = 0;
        for (jdk.jfr.consumer.RecordedEvent e : jdk.jfr.consumer.RecordingFile.readAllEvents(out)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            long t = e.getStartTime().getEpochSecond() * 1_000_000_000L + e.getStartTime().getNano();
            if (t > switches[1] && t < switches[2]) {
                in++;
            } else if (t < switches[0] || t > switches[3]) {
                outside++;
            } else {
                unsure++; // while the inner recording started or stopped: either period
            }
        }
        assertTrue(in > 20 && outside > 20, in + " samples inside, " + outside + " outside");
        Profile p = JfrReader.read(out, Kind.CPU, ProfileOptions.DEFAULT);
        assertEquals(in + outside + unsure, p.total(0));
        long low = in * 10_000_000L + outside * 20_000_000L + unsure * 10_000_000L;
        long high = in * 10_000_000L + outside * 20_000_000L + unsure * 20_000_000L;
        assertTrue(p.total(1) >= low && p.total(1) <= high, p.total(1) + " not in [" + low + ", " + high + "]; " + p.comments());
        assertTrue(p.comments().get(0).contains("10.00ms") && p.comments().get(0).contains("20.00ms"), p.comments()::toString);
        assertTrue(p.comments().stream().anyMatch(c -> c.startsWith("estimate: not calibrated")), p.comments()::toString);
    }

    private static volatile long nestedSink;

    /** Waits (up to 2 minutes) until 30 samples taken in {@code (from, to)} have been read back. */
    private static void awaitSamples(java.util.List<Long> taken, long from, long to, String phase) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            long n;
            synchronized (taken) {
                n = taken.stream().filter(t -> t > from && t < to).count();
            }
            if (n >= 30) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + n + " samples " + phase + " within 2 minutes");
            }
            Thread.sleep(50);
        }
    }

    private static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Test
    void periodSettingsAndSourceFiles() {
        assertEquals(20_000_000L, JfrReader.parsePeriod("20 ms"));
        assertEquals(1_000_000_000L, JfrReader.parsePeriod("1 s"));
        assertEquals(500_000L, JfrReader.parsePeriod("500 us"));
        assertEquals(0, JfrReader.parsePeriod("off"));
        assertEquals("a/b/C.java", StackInterner.sourceFile("a.b.C$Inner"));
        assertEquals("a/b/C.java", StackInterner.sourceFile("a.b.C$$Lambda$14/0x0000000800c03000"));
        assertEquals("", StackInterner.sourceFile("[B"));
    }

    /** The kinds {@link JfrReader} streams itself (live objects are read by {@link LiveObjects}). */
    static List<Kind> streamed() {
        return java.util.Arrays.stream(Kind.values()).filter(k -> k != Kind.LIVE).toList();
    }
}
