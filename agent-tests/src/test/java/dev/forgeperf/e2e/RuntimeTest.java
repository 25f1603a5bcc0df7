package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgeperf.util.JsonReader;

/**
 * Runtime diagnostics end to end on the sample-app: metrics, history, health, gc, thread and heap
 * dumps and class histogram, read back through the real CLI on each JDK (leak findings:
 * {@link HeapLeakTest}).
 */
class RuntimeTest {
    static Stream<Path> jdks() {
        return Jdks.all();
    }

    /** The sample-app with the agent sampling every 200 ms; returns its pid once it is ready. */
    static String sampleApp(Env env, Proc[] started, Path jdk, List<String> extraJvm, String... appArgs) {
        List<String> jvm = new ArrayList<>(List.of("-Xmx256m", "-javaagent:" + Fixtures.agentJar() + "=metrics.interval=200ms"));
        jvm.addAll(extraJvm);
        jvm.add("-jar");
        jvm.add(Fixtures.sampleApp().toString());
        List<String> all = new ArrayList<>(jvm);
        all.addAll(List.of(appArgs));
        Proc app = env.java(jdk, all.subList(0, all.size() - appArgs.length), appArgs);
        started[0] = app;
        String pid = app.awaitOut("sample-app ready pid=(\\d+)", Duration.ofSeconds(60));
        env.awaitSocket(Long.parseLong(pid));
        return pid;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(Cli.Result r) {
        return (Map<String, Object>) JsonReader.parse(r.out());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertNotNull(v, () -> key + " missing in " + m);
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertNotNull(v, () -> key + " missing in " + m);
        return (List<Object>) v;
    }

    static long num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertNotNull(v, () -> key + " missing in " + m);
        return ((Number) v).longValue();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void deadlockedAppShowsTheDeadlockIsUnhealthyAndAnswersEveryRuntimeCommand(Path jdk) throws IOException {
        try (Env env = new Env()) {
            Proc[] app = new Proc[1];
            String pid = sampleApp(env, app, jdk, List.of("-XX:+DisableExplicitGC"), "--deadlock", "--quiet");

            // dump threads: the deadlock spelled out, full stacks, the locks
            Cli.Result threads = env.cli.run("dump", "threads", pid);
            assertEquals(0, threads.exit(), threads::toString);
            String dump = threads.out();
            assertTrue(dump.contains("DEADLOCK: 2 threads in 1 deadlock"), dump);
            assertTrue(dump.contains("Found Java-level deadlock (2 threads):"), dump);
            assertTrue(dump.contains("\"deadlock-a\" #") && dump.contains("\"deadlock-b\" #"), dump);
            assertTrue(dump.matches("(?s).*\"deadlock-a\" #\\d+ is waiting to lock monitor <0x[0-9a-f]+> \\(a dev\\.forgeperf\\.sample\\.DeadlockDemo\\$AuditLock\\),"
                    + "\\s+which is held by \"deadlock-b\" #\\d+.*"), dump);
            assertTrue(dump.matches("(?s).*\"deadlock-b\" #\\d+ is waiting to lock monitor <0x[0-9a-f]+> \\(a dev\\.forgeperf\\.sample\\.DeadlockDemo\\$LedgerLock\\),"
                    + "\\s+which is held by \"deadlock-a\" #\\d+.*"), dump);
            assertTrue(dump.contains("at dev.forgeperf.sample.DeadlockDemo.ledgerThenAudit(DeadlockDemo.java:"), dump);
            assertTrue(dump.contains("- locked <0x") && dump.contains("(a dev.forgeperf.sample.DeadlockDemo$LedgerLock)"), dump);
            assertTrue(dump.contains("Locked ownable synchronizers:"), dump);
            assertTrue(dump.lines().filter(l -> l.startsWith("\tat ")).count() > 8 * 5, "full stacks, not 8 frames");
            Cli.Result toFile = env.cli.run("dump", "threads", pid, "-o", "threads.txt");
            assertEquals(0, toFile.exit(), toFile::toString);
            assertTrue(toFile.out().contains("DEADLOCK: 2 threads"), toFile::toString);
            assertTrue(Files.readString(env.work.resolve("threads.txt")).contains("Found Java-level deadlock"));

            // health: unhealthy, exit 2, the deadlock as the reason
            Cli.Result health = env.cli.run("health", pid);
            assertEquals(2, health.exit(), health::toString);
            assertTrue(health.out().startsWith("unhealthy\n"), health::toString);
            assertTrue(health.out().contains("unhealthy: deadlock: 2 threads deadlocked (\"deadlock-a\", \"deadlock-b\")")
                    || health.out().contains("unhealthy: deadlock: 2 threads deadlocked (\"deadlock-b\", \"deadlock-a\")"), health::toString);
            Cli.Result healthJson = env.cli.run("health", pid, "--json");
            assertEquals(2, healthJson.exit(), healthJson::toString);
            Map<String, Object> h = json(healthJson);
            assertEquals("unhealthy", h.get("status"));
            assertTrue(list(h, "reasons").stream().anyMatch(r -> r.toString().startsWith("unhealthy: deadlock")), h::toString);
            assertEquals(90L, num(map(map(h, "thresholds"), "heapAfterGcPercent"), "unhealthy"));

            // metrics: parses, sane numbers
            Cli.Result metrics = env.cli.run("metrics", pid, "--json");
            assertEquals(0, metrics.exit(), metrics::toString);
            Map<String, Object> m = json(metrics);
            assertEquals(Long.parseLong(pid), num(m, "pid"));
            assertTrue(num(m, "uptimeMillis") > 0);
            Map<String, Object> heap = map(m, "heap");
            assertTrue(num(heap, "used") > 0 && num(heap, "used") <= num(heap, "committed"), heap::toString);
            assertEquals(256L * 1024 * 1024, num(heap, "max"), heap::toString);
            assertTrue(list(m, "pools").size() >= 3, m::toString);
            Map<String, Object> gc = map(m, "gc");
            assertFalse(list(gc, "collectors").isEmpty(), gc::toString);
            double cpuFraction = ((Number) gc.get("cpuFraction")).doubleValue();
            assertTrue(cpuFraction >= 0 && cpuFraction <= 1, gc::toString);
            assertTrue(num(gc, "allocatedBytes") > 0, gc::toString);
            Map<String, Object> t = map(m, "threads");
            assertTrue(num(t, "live") >= 8 && num(t, "daemon") <= num(t, "live") && num(t, "peak") >= num(t, "live"), t::toString);
            assertEquals(2, num(t, "deadlocked"), t::toString);
            assertTrue(num(map(t, "states"), "BLOCKED") >= 2, t::toString);
            Map<String, Object> cpu = map(m, "cpu");
            assertTrue(num(cpu, "availableProcessors") >= 1, cpu::toString);
            assertTrue(num(map(m, "classes"), "loaded") > 1000, m::toString);
            Map<String, Object> sampler = map(m, "sampler");
            assertEquals(Boolean.TRUE, sampler.get("running"));
            assertEquals(200, num(sampler, "intervalMillis"));
            Cli.Result text = env.cli.run("metrics", pid);
            assertEquals(0, text.exit(), text::toString);
            assertTrue(text.out().contains("heap       used") && text.out().contains("deadlocked 2"), text::toString);
            Cli.Result watch = env.cli.run("metrics", pid, "--watch", "300ms", "--count", "2");
            assertEquals(0, watch.exit(), watch::toString);
            assertEquals(2, watch.out().lines().filter(l -> l.startsWith("pid " + pid)).count(), watch::toString);

            // history: samples keep coming
            Cli.Result h1 = env.cli.run("history", pid, "--json");
            assertEquals(0, h1.exit(), h1::toString);
            Map<String, Object> first = json(h1);
            long historyDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // polled: a busy machine samples late
            Map<String, Object> later = json(env.cli.run("history", pid, "--json"));
            while ((num(later, "samplesTaken") <= num(first, "samplesTaken") || list(later, "samples").size() < 5)
                    && System.nanoTime() < historyDeadline) {
                Env.sleep(200);
                later = json(env.cli.run("history", pid, "--json"));
            }
            Map<String, Object> second = later;
            assertTrue(num(second, "samplesTaken") > num(first, "samplesTaken"), () -> first + "\n" + second);
            List<Object> samples = list(second, "samples");
            assertTrue(samples.size() >= 5, second::toString);
            @SuppressWarnings("unchecked")
            Map<String, Object> last = (Map<String, Object>) samples.get(samples.size() - 1);
            assertTrue(num(last, "heapUsed") > 0 && num(last, "threads") >= 8, last::toString);
            assertEquals(3, list(json(env.cli.run("history", pid, "--json", "--count", "3")), "samples").size());
            Cli.Result table = env.cli.run("history", pid, "--count", "4");
            assertEquals(0, table.exit(), table::toString);
            assertEquals(1 + 4 + 1, table.out().lines().count(), table::toString);

            // gc: a full GC under -XX:+DisableExplicitGC
            Cli.Result gcRun = env.cli.run("gc", pid, "--json");
            assertEquals(0, gcRun.exit(), gcRun::toString);
            Map<String, Object> g = json(gcRun);
            assertEquals("GC.run", g.get("method"));
            assertFalse(list(g, "collectors").isEmpty(), g::toString);
            assertTrue(num(g, "heapBeforeBytes") > 0 && num(g, "heapAfterBytes") < num(g, "heapBeforeBytes"), g::toString);
            assertEquals(num(g, "heapBeforeBytes") - num(g, "heapAfterBytes"), num(g, "freedBytes"));
            Cli.Result gcText = env.cli.run("gc", pid);
            assertEquals(0, gcText.exit(), gcText::toString);
            assertTrue(gcText.out().matches("(?s)full GC \\(GC\\.run\\) took \\S+: heap \\S+ \\S+ -> \\S+ \\S+, freed .*"), gcText::toString);

            // dump histogram: Java source names
            Cli.Result histo = env.cli.run("dump", "histogram", pid, "--top", "15");
            assertEquals(0, histo.exit(), histo::toString);
            assertTrue(histo.out().contains(" byte[] "), histo::toString);
            assertFalse(histo.out().contains(" [B "), histo::toString);
            assertTrue(histo.out().contains("java.lang.String "), histo::toString);
            Map<String, Object> hj = json(env.cli.run("dump", "histogram", pid, "--json", "--top", "0"));
            assertTrue(list(hj, "rows").stream().anyMatch(r -> "byte[]".equals(((Map<?, ?>) r).get("className"))), hj::toString);
            assertTrue(list(hj, "rows").stream().anyMatch(r -> "java.lang.Object[]".equals(((Map<?, ?>) r).get("className"))), hj::toString);

            // dump heap: a complete HPROF under the final name, nothing else left behind
            Cli.Result heapDump = env.cli.run("dump", "heap", pid, "-o", "app.hprof");
            assertEquals(0, heapDump.exit(), heapDump::toString);
            Path hprof = env.work.resolve("app.hprof");
            assertTrue(heapDump.out().startsWith("wrote " + hprof), heapDump::toString);
            assertCompleteHprof(hprof);
            try (Stream<Path> files = Files.list(env.work)) {
                assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp")).toList());
            }
            Cli.Result live = env.cli.run("dump", "heap", pid, "-o", "live.hprof", "--live", "--json");
            assertEquals(0, live.exit(), live::toString);
            assertEquals(Boolean.TRUE, json(live).get("live"));
            assertCompleteHprof(env.work.resolve("live.hprof"));

            // bad paths: one clear line, exit 1 (2 for a usage error), no file
            Cli.Result noDir = env.cli.run("dump", "heap", pid, "-o", "no/such/dir/heap.hprof");
            assertEquals(1, noDir.exit(), noDir::toString);
            assertEquals(1, noDir.err().lines().count(), noDir::toString);
            assertTrue(noDir.err().contains("cannot write") && noDir.err().contains("does not exist"), noDir::toString);
            Cli.Result unwritable = env.cli.run("dump", "heap", pid, "-o", "/proc/forge-perf-test.hprof");
            assertEquals(1, unwritable.exit(), unwritable::toString);
            assertEquals(1, unwritable.err().lines().count(), unwritable::toString);
            assertTrue(unwritable.err().startsWith("forge-perf: cannot write /proc/forge-perf-test.hprof: directory /proc is not writable"), unwritable::toString);
            assertFalse(Files.exists(Path.of("/proc/forge-perf-test.hprof")));
            Cli.Result badName = env.cli.run("dump", "heap", pid, "-o", "heap.bin");
            assertEquals(2, badName.exit(), badName::toString);
            assertTrue(badName.err().contains("must end with .hprof"), badName::toString);
            assertFalse(Files.exists(env.work.resolve("heap.bin")));

            assertTrue(app[0].stderrLines(l -> l.startsWith("[forge-perf]")).isEmpty(), app[0]::stderr);
        }
    }

    /** HPROF: "JAVA PROFILE 1.0.2\0" header, and a HEAP DUMP END record (tag 0x2C, time, length 0) as the last 9 bytes. */
    static void assertCompleteHprof(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] head = new byte[19];
            f.readFully(head);
            assertEquals("JAVA PROFILE 1.0.2\0", new String(head, StandardCharsets.US_ASCII), file::toString);
            long length = f.length();
            assertTrue(length > 1_000_000, () -> file + " is only " + length + " bytes");
            byte[] tail = new byte[9];
            f.seek(length - 9);
            f.readFully(tail);
            assertEquals(0x2C, tail[0] & 0xff, () -> file + " does not end with a HEAP DUMP END record");
            assertEquals(0, tail[5] | tail[6] | tail[7] | tail[8], () -> file + ": HEAP DUMP END record with a non-zero length");
        }
    }
}
