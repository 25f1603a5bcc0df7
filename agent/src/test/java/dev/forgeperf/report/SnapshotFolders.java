package dev.forgeperf.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.forgeperf.profile.FrameKind;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.PprofWriter;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.util.Json;

/** Synthesized snapshot folders, written file by file the way the agent writes them. */
final class SnapshotFolders {
    static final double MB = 1024 * 1024;

    private SnapshotFolders() {
    }

    static Builder snapshot() {
        return new Builder();
    }

    /** A snapshot's contents; every setter returns the builder. Defaults: a healthy, quiet JVM. */
    static final class Builder {
        long pid = 4242;
        Instant takenAt = Instant.parse("2026-01-31T10:15:00Z");
        long uptime = 600_000;
        double heapUsed = 120 * MB;
        double heapMax = 1024 * MB;
        double heapAfterGc = 80 * MB;
        /** NaN: no old-generation collection yet (no {@code usedAfterLastOldGc}, heap leak check "not enough data"). */
        double heapAfterOldGc = 70 * MB;
        double gcCpu = 0.004;
        long pauseP99 = 12;
        long pauseMax = 15;
        int threads = 40;
        List<String> deadlocked = new ArrayList<>();
        String threadsText = "Full thread dump\n40 threads\n\nNo deadlocks found.\n";
        String health = "healthy";
        List<Map<String, Object>> checks = new ArrayList<>();
        List<Map<String, Object>> findings = new ArrayList<>();
        List<Map<String, Object>> timings = new ArrayList<>();
        Map<String, long[]> histogram = new LinkedHashMap<>();
        Map<String, Long> cpu = new LinkedHashMap<>();
        Map<String, Long> alloc = new LinkedHashMap<>();
        Map<String, Long> lock = new LinkedHashMap<>();
        Map<String, String> parts = new LinkedHashMap<>();
        int historySamples = 30;
        double leakMbPerSample = 0;
        boolean manifest = true;
        String name;
        String metricsJson;

        Builder() {
            for (String p : List.of("timings", "metrics", "threads", "histogram", "recording", "profiles")) {
                parts.put(p, "ok");
            }
            histogram.put("byte[]", new long[] {50_000, 40_000_000});
            histogram.put("java.lang.String", new long[] {40_000, 960_000});
            cpu.put("com.acme.Work.compute;com.acme.Work.hot", 80L);
            cpu.put("com.acme.Work.compute;com.acme.Work.cold", 20L);
            alloc.put("com.acme.Work.compute;com.acme.Buffers.fill", 300L << 20);
            alloc.put("com.acme.Work.compute;com.acme.Work.<init>", 100L << 20);
        }

        Builder timing(String method, long count, long meanNanos, long p50, long p99) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", method);
            m.put("count", count);
            m.put("errors", 0);
            m.put("totalNanos", count * meanNanos);
            m.put("minNanos", p50 / 2);
            m.put("meanNanos", meanNanos);
            m.put("p50Nanos", p50);
            m.put("p90Nanos", (p50 + p99) / 2);
            m.put("p99Nanos", p99);
            m.put("p999Nanos", p99 * 2);
            m.put("maxNanos", p99 * 3);
            m.put("timedCount", count);
            m.put("sampled", false);
            m.put("active", true);
            timings.add(m);
            return this;
        }

        Builder errors(long errors) {
            timings.get(timings.size() - 1).put("errors", errors);
            return this;
        }

        Builder check(String name, String status, String message) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("check", name);
            c.put("status", status);
            c.put("value", 0);
            c.put("message", message);
            checks.add(c);
            if (!status.equals("healthy") && !health.equals("unhealthy")) {
                health = status;
            }
            return this;
        }

        Builder finding(String kind, String message) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("kind", kind);
            f.put("message", message);
            findings.add(f);
            return this;
        }

        Builder deadlock(String a, String b) {
            deadlocked = List.of(a, b);
            threadsText = "Full thread dump\n2 threads\nDEADLOCK: 2 threads in 1 deadlock (\"" + a + "\", \"" + b + "\"), spelled out at the end\n\n"
                    + "\"" + a + "\" #17 prio=5\n   java.lang.Thread.State: BLOCKED\n\tat com.acme.Ledger.transfer(Ledger.java:59)\n\n"
                    + "Found Java-level deadlock (2 threads):\n"
                    + "  \"" + a + "\" #17 is waiting to lock monitor <0x34ad5fb5> (a com.acme.Audit),\n      which is held by \"" + b + "\" #18\n"
                    + "  \"" + b + "\" #18 is waiting to lock monitor <0x5e9a55ad> (a com.acme.Ledger),\n      which is held by \"" + a + "\" #17\n"
                    + "Stacks of the threads in this deadlock:\n  \"" + a + "\":\n\tat com.acme.Ledger.transfer(Ledger.java:59)\n"
                    + "\tat java.lang.Thread.run(java.base/Thread.java:840)\n  \"" + b + "\":\n\tat com.acme.Audit.check(Audit.java:68)\n";
            return this;
        }

        Builder histogram(String className, long instances, long bytes) {
            histogram.put(className, new long[] {instances, bytes});
            return this;
        }

        Builder lock(String stack, long nanos) {
            lock.put(stack, nanos);
            return this;
        }

        Builder part(String name, String outcome) {
            parts.put(name, outcome);
            return this;
        }

        Builder set(java.util.function.Consumer<Builder> c) {
            c.accept(this);
            return this;
        }

        Path write(Path dir) throws IOException {
            Files.createDirectories(dir);
            if (manifest) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("forgePerfSnapshot", 1);
                m.put("pid", pid);
                m.put("mainClass", "com.acme.Main");
                m.put("agentVersion", "test");
                m.put("jvm", "OpenJDK 64-Bit Server VM 17.0.15");
                m.put("takenAt", takenAt.toString());
                m.put("uptimeMillis", uptime);
                m.put("parts", parts);
                if (name != null) {
                    m.put("name", name);
                }
                Files.writeString(dir.resolve("manifest.json"), Json.write(m));
            }
            Files.writeString(dir.resolve("metrics.json"), metricsJson != null ? metricsJson : Json.write(metrics()));
            Files.writeString(dir.resolve("timings.json"), Json.write(timings));
            Files.writeString(dir.resolve("threads.txt"), threadsText);
            List<Object> h = new ArrayList<>();
            int rank = 1;
            for (Map.Entry<String, long[]> e : histogram.entrySet()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("rank", rank++);
                r.put("className", e.getKey());
                r.put("instances", e.getValue()[0]);
                r.put("bytes", e.getValue()[1]);
                r.put("module", null);
                h.add(r);
            }
            Files.writeString(dir.resolve("histogram.json"), Json.write(h));
            profile(dir.resolve("cpu.pb.gz"), Kind.CPU, cpu, 0, 1, 20_000_000L);
            profile(dir.resolve("alloc.pb.gz"), Kind.ALLOC, alloc, 1, 0, 0);
            profile(dir.resolve("lock.pb.gz"), Kind.LOCK, lock, 1, 0, 0);
            return dir;
        }

        /** A pprof file: each stack ("a;b;c", root first) with {@code value} in type {@code main}; {@code other} gets 1 per stack (or value × scale). */
        private static void profile(Path file, Kind kind, Map<String, Long> stacks, int main, int other, long scale) throws IOException {
            Profile p = Profile.of(kind);
            for (Map.Entry<String, Long> e : stacks.entrySet()) {
                String[] names = e.getKey().split(";");
                int[] frames = new int[names.length];
                for (int i = 0; i < names.length; i++) {
                    frames[i] = p.frame(p.function(names[i], names[i].replace('.', '/') + ".java"), 10 + i, FrameKind.JAVA);
                }
                int node = p.node(frames, frames.length);
                p.add(node, main, e.getValue());
                p.add(node, other, scale > 0 ? e.getValue() * scale : 1);
            }
            p.setTime(1_700_000_000_000_000_000L, 60_000_000_000L);
            try (OutputStream o = Files.newOutputStream(file)) {
                PprofWriter.write(p, o);
            }
        }

        private Map<String, Object> metrics() {
            Map<String, Object> cur = new LinkedHashMap<>();
            cur.put("pid", pid);
            cur.put("uptimeMillis", uptime);
            Map<String, Object> heap = new LinkedHashMap<>();
            heap.put("used", (long) heapUsed);
            heap.put("committed", (long) (heapUsed * 1.5));
            heap.put("max", (long) heapMax);
            heap.put("fractionOfMax", heapUsed / heapMax);
            heap.put("usedAfterLastGc", (long) heapAfterGc);
            heap.put("afterLastGcFractionOfMax", heapAfterGc / heapMax);
            heap.put("usedAfterLastOldGc", Double.isNaN(heapAfterOldGc) ? null : (long) heapAfterOldGc);
            cur.put("heapLeakCheck", Double.isNaN(heapAfterOldGc)
                    ? Map.of("status", "not enough data", "message", "heap leak check: not enough data: 0 old-generation collections in the last 10m")
                    : Map.of("status", "steady", "message", "heap leak check: no sustained rise of the heap after 5 old-generation collections"));
            cur.put("heap", heap);
            cur.put("nonHeap", Map.of("used", 60L << 20, "committed", 64L << 20));
            Map<String, Object> gc = new LinkedHashMap<>();
            Map<String, Object> young = new LinkedHashMap<>();
            young.put("name", "G1 Young Generation");
            young.put("kind", "pause");
            young.put("count", 120);
            young.put("timeMillis", 900);
            young.put("lastDurationMillis", 7);
            young.put("lastCause", "G1 Evacuation Pause");
            gc.put("collectors", List.of(young));
            Map<String, Object> pauses = new LinkedHashMap<>();
            pauses.put("windowMillis", 60_000);
            pauses.put("count", 30);
            pauses.put("totalMillis", 240);
            pauses.put("p50Millis", 6);
            pauses.put("p90Millis", 10);
            pauses.put("p99Millis", pauseP99);
            pauses.put("maxMillis", pauseMax);
            gc.put("pauses", pauses);
            gc.put("cpuFraction", gcCpu);
            gc.put("cpuFractionWindowMillis", 60_000);
            gc.put("allocationRateBytesPerSecond", 12_000_000);
            gc.put("allocatedBytes", 9_000_000_000L);
            cur.put("gc", gc);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("live", threads);
            t.put("daemon", threads - 5);
            t.put("peak", threads + 2);
            t.put("totalStarted", threads + 10);
            Map<String, Object> states = new LinkedHashMap<>();
            states.put("NEW", 0);
            states.put("RUNNABLE", threads - 20 - deadlocked.size());
            states.put("BLOCKED", deadlocked.size());
            states.put("WAITING", 12);
            states.put("TIMED_WAITING", 8);
            t.put("states", states);
            t.put("deadlocked", deadlocked.size());
            t.put("deadlockedThreads", deadlocked);
            cur.put("threads", t);
            cur.put("cpu", Map.of("process", 0.35, "system", 0.5, "availableProcessors", 2));
            cur.put("classes", Map.of("loaded", 5000, "totalLoaded", 5010, "unloaded", 10));
            cur.put("findings", findings);

            Map<String, Object> hist = new LinkedHashMap<>();
            hist.put("intervalMillis", 2000);
            List<Object> samples = new ArrayList<>();
            long t0 = takenAt.toEpochMilli() - historySamples * 2000L;
            for (int i = 0; i < historySamples; i++) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("timeMillis", t0 + i * 2000L);
                s.put("uptimeMillis", uptime - (historySamples - i) * 2000L);
                s.put("heapUsed", (long) (heapAfterGc + (i % 4) * 10 * MB + i * leakMbPerSample * MB));
                s.put("heapMax", (long) heapMax);
                s.put("heapAfterGc", i < 2 ? null : (long) (heapAfterGc - (historySamples - i) * leakMbPerSample * MB));
                s.put("threads", threads);
                s.put("daemonThreads", threads - 5);
                s.put("processCpu", 0.3 + (i % 3) * 0.05);
                s.put("systemCpu", 0.5);
                s.put("gcCpu", (i % 5) * 0.002);
                s.put("allocationRate", 12_000_000);
                s.put("metaspaceUsed", 40L << 20);
                samples.add(s);
            }
            hist.put("samples", samples);
            Map<String, Object> healthMap = new LinkedHashMap<>();
            healthMap.put("status", health);
            healthMap.put("checks", checks);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("current", cur);
            m.put("history", hist);
            m.put("health", healthMap);
            return m;
        }
    }
}
