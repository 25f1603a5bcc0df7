package dev.forgeperf.http;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadInfo;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.forgeperf.bootstrap.TimingSnapshot;
import dev.forgeperf.command.StatusCommand;
import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.context.AgentContext;
import dev.forgeperf.runtime.ClassHistogram;
import dev.forgeperf.runtime.FullGc;
import dev.forgeperf.runtime.GcMonitor;
import dev.forgeperf.runtime.Health;
import dev.forgeperf.runtime.HeapDump;
import dev.forgeperf.runtime.HeapGuard;
import dev.forgeperf.runtime.History;
import dev.forgeperf.runtime.RuntimeMetrics;
import dev.forgeperf.runtime.RuntimeService;
import dev.forgeperf.runtime.ThreadActivity;
import dev.forgeperf.runtime.ThreadDump;
import dev.forgeperf.timing.TimingHistory;
import dev.forgeperf.timing.TimingService;
import dev.forgeperf.timing.TimingTable;
import dev.forgeperf.util.AgentInfo;
import dev.forgeperf.util.Json;

/**
 * {@code /metrics}, {@code /health} and the {@code /api/...} JSON endpoints. Each answers what the
 * matching CLI command prints ({@code /api/metrics} is {@code metrics --json}, {@code /health} is
 * {@code health}, …), made by the same code; {@code /api/memory}, {@code GET /api/gc},
 * {@code /api/threads}, {@code /api/runtime} and {@code /api/heap-dump} are the seeds' API in the
 * JVM's words. Thread-safe; no state apart from the agent it reads and the one-heap-dump-at-a-time permit.
 */
final class ApiEndpoints {
    private final AgentContext agent;
    private final long[] buckets;

    /** @param buckets the timing histograms' bounds on {@code /metrics}, from {@link MetricsExposition#parseBuckets(String)} */
    ApiEndpoints(AgentContext agent, long[] buckets) {
        this.agent = agent;
        this.buckets = buckets.clone();
    }

    /**
     * {@code /metrics}: OpenMetrics text when the {@code Accept} header prefers it, Prometheus text
     * format 0.0.4 otherwise; gzipped when {@code Accept-Encoding} names gzip (Prometheus' does).
     */
    Reply prometheus(Request r) throws java.io.IOException, HttpFailure {
        boolean openMetrics = PrometheusText.prefersOpenMetrics(r.header("Accept"));
        RuntimeMetrics m = RuntimeMetrics.collect();
        Health h = Health.evaluate(m, RuntimeService.get().settings());
        List<TimingSnapshot> timings = TimingService.snapshots();
        long need = MetricsExposition.heapNeed(timings, buckets.length);
        if (need > MetricsExposition.LIGHT_SCRAPE_BYTES) { // a light scrape always runs: it is what monitors a full heap
            try {
                HeapGuard.require("the /metrics text of " + timings.size() + " timed methods", need,
                        "retry when the heap is less full, or time fewer methods (timed.maxMethods)");
            } catch (HeapGuard.Refused e) {
                throw HttpFailure.heapRefused(e);
            }
        }
        String text = MetricsExposition.render(m, h, timings, buckets, openMetrics);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        String encoding = r.header("Accept-Encoding");
        boolean gzip = encoding != null && java.util.Arrays.stream(encoding.split(","))
                .map(e -> e.trim().toLowerCase(Locale.ROOT)).anyMatch(e -> e.equals("gzip") || e.startsWith("gzip;") && !e.matches("gzip;\\s*q=0(\\.0*)?"));
        if (gzip) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length / 8 + 64);
            try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out, 8192)) {
                z.write(body);
            }
            body = out.toByteArray();
        }
        Reply reply = new Reply(200, openMetrics ? PrometheusText.OPENMETRICS_CONTENT_TYPE : PrometheusText.CONTENT_TYPE, body)
                .header("Vary", "Accept, Accept-Encoding");
        return gzip ? reply.header("Content-Encoding", "gzip") : reply;
    }

    /**
     * {@code /health}: 200 healthy, 202 degraded (a probe keeps passing while the warning is
     * reported), 503 unhealthy; the text of {@code health}, or its JSON.
     */
    Reply health(Request r) throws HttpFailure {
        Health h = Health.evaluate();
        int status = healthStatus(h.status());
        return (r.wantsJson() ? Reply.json(status, h.toMap()) : Reply.text(status, h.render()))
                .header("X-Forge-Perf-Health", h.status().name());
    }

    /** The HTTP status {@code /health} answers for a verdict. */
    static int healthStatus(Health.Status s) {
        switch (s) {
            case healthy: return 200;
            case degraded: return 202;
            default: return 503;
        }
    }

    /** {@code /api/health}: {@code health --json}, always 200 (the verdict is in the body). */
    Reply healthJson() {
        return Reply.json(200, Health.evaluate().toMap());
    }

    /** {@code /api/metrics}: {@code metrics --json}. */
    Reply metrics() {
        return Reply.json(200, RuntimeMetrics.current());
    }

    /** {@code /api/history[?count=N]}: {@code history --json [--count N]}. */
    Reply history(Request r) throws HttpFailure {
        Integer count = r.intParam("count", 0, 1, Integer.MAX_VALUE);
        RuntimeService service = RuntimeService.get();
        if (!service.sampling()) {
            throw new HttpFailure(503, "no history: " + service.samplerProblem() + " (see the JVM's [forge-perf] log lines)");
        }
        return Reply.json(200, History.toMap(service.history(count), service));
    }

    /** {@code /api/timings[?sort=KEY][&all=true]}: {@code timings --json}. */
    Reply timings(Request r) throws HttpFailure {
        String sortName = r.param("sort");
        TimingTable.Sort sort = TimingTable.Sort.total;
        if (sortName != null) {
            try {
                sort = TimingTable.Sort.valueOf(sortName.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw HttpFailure.badRequest("?sort=" + sortName + " is not valid: expected total, count, p99, max, mean or name");
            }
        }
        boolean all = r.flag("all");
        List<TimingSnapshot> every = TimingService.snapshots();
        List<TimingSnapshot> rows = TimingTable.sorted(all ? every : every.stream().filter(s -> s.count() > 0).toList(), sort);
        TimingService timing = agent.timing();
        Set<String> active = timing == null ? Set.of() : timing.activeMethods();
        return Reply.json(200, TimingTable.rows(rows, active));
    }

    /**
     * {@code /api/timings/history?method=NAME[&count=N]}: the method's calls, calls per second and
     * percentiles in each sampler interval ({@link TimingHistory}), the last N points (all kept
     * without {@code count}); without {@code method}, the methods that have points. A method with
     * no points answers 404 with one line of JSON ({@code {"error": ...}}).
     */
    Reply timingHistory(Request r) throws HttpFailure {
        Integer count = r.intParam("count", 0, 1, Integer.MAX_VALUE);
        String method = r.param("method");
        TimingHistory history = agent.timingHistory();
        if (history == null) {
            RuntimeService service = RuntimeService.get();
            throw new HttpFailure(503, "no timing history: " + (service.sampling() ? "it was not started" : service.samplerProblem())
                    + " (see the JVM's [forge-perf] log lines)");
        }
        if (method == null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("intervalMillis", RuntimeService.get().settings().intervalMillis);
            m.put("capacity", history.capacity());
            m.put("topPerSample", TimingHistory.TOP);
            m.put("maxMethods", TimingHistory.MAX_METHODS);
            m.put("maxBytes", history.maxBytes());
            m.put("countsBytes", history.countsBytes());
            m.put("samplesRead", history.samplesRead());
            m.put("skippedSamples", history.skipped());
            m.put("methods", history.methods());
            return Reply.json(200, m);
        }
        Map<String, Object> points = history.toMap(method, count);
        if (points == null) {
            String error = Json.writeLine(Map.of("error", "no timing history for method " + method
                    + ": it is not timed, or has not been among the " + TimingHistory.TOP + " most called in a sample interval yet; "
                    + "GET api/timings/history lists the methods that have one"));
            return new Reply(404, Reply.JSON, (error + "\n").getBytes(StandardCharsets.UTF_8));
        }
        points.put("intervalMillis", RuntimeService.get().settings().intervalMillis);
        return Reply.json(200, points);
    }

    /** {@code /api/status}: {@code status --json}. */
    Reply status() {
        return Reply.json(200, StatusCommand.describe(agent));
    }

    /** Recent collections {@code /api/gc} lists. */
    static final int RECENT_GCS = 50;

    /**
     * {@code /api/memory}: heap, non-heap and every memory pool (used, committed, max; used after
     * the last collection), as {@code metrics --json} has them.
     */
    Reply memory() {
        Map<String, Object> all = RuntimeMetrics.collect().toMap();
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : List.of("pid", "timeMillis", "uptimeMillis", "heap", "nonHeap", "pools")) {
            m.put(key, all.get(key));
        }
        return Reply.json(200, m);
    }

    /**
     * {@code GET /api/gc}: each collector's count and time, the pauses of the sampler window
     * (count, percentiles), the share of time in GC pauses, and the last {@value #RECENT_GCS}
     * collections with their causes, newest first.
     */
    @SuppressWarnings("unchecked")
    Reply gcStats() {
        RuntimeMetrics metrics = RuntimeMetrics.collect();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", metrics.pid);
        m.put("uptimeMillis", metrics.uptimeMillis);
        m.putAll((Map<String, Object>) metrics.toMap().get("gc"));
        List<Object> recent = new ArrayList<>();
        GcMonitor monitor = RuntimeService.get().gc();
        if (monitor != null) {
            for (GcMonitor.Event e : monitor.recent(RECENT_GCS)) {
                Map<String, Object> em = new LinkedHashMap<>();
                em.put("collector", e.collector());
                em.put("pause", e.pause());
                em.put("cause", e.cause());
                em.put("durationMillis", e.durationMillis());
                em.put("endUptimeMillis", e.endUptimeMillis());
                em.put("heapBefore", Double.isNaN(e.heapBefore()) ? null : (long) e.heapBefore());
                em.put("heapAfter", Double.isNaN(e.heapAfter()) ? null : (long) e.heapAfter());
                recent.add(em);
            }
        }
        m.put("recent", monitor == null ? null : recent);
        return Reply.json(200, m);
    }

    /**
     * {@code /api/threads}: the live threads counted by state, every deadlock (each thread, what
     * it waits for and who holds it), then the threads grouped by identical stack, groups with a
     * deadlocked thread first, then the largest.
     */
    Reply threads() {
        ThreadDump dump = ThreadDump.take();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", ProcessHandle.current().pid());
        m.put("count", dump.threads().size());
        Map<String, Object> states = new LinkedHashMap<>();
        for (Thread.State st : Thread.State.values()) {
            states.put(st.name(), 0L);
        }
        for (ThreadInfo t : dump.threads()) {
            states.merge(t.getThreadState().name(), 1L, (a, b) -> (Long) a + (Long) b);
        }
        m.put("states", states);
        Set<Long> deadlocked = new HashSet<>();
        List<Object> cycles = new ArrayList<>();
        for (List<ThreadInfo> cycle : dump.deadlocks()) {
            List<Object> c = new ArrayList<>();
            for (ThreadInfo t : cycle) {
                deadlocked.add(t.getThreadId());
                Map<String, Object> tm = new LinkedHashMap<>();
                tm.put("name", t.getThreadName());
                tm.put("state", t.getThreadState().name());
                tm.put("waitingFor", t.getLockName());
                tm.put("heldBy", t.getLockOwnerName());
                c.add(tm);
            }
            cycles.add(c);
        }
        m.put("deadlocks", cycles);
        Map<List<StackTraceElement>, List<ThreadInfo>> groups = new LinkedHashMap<>();
        for (ThreadInfo t : dump.threads()) {
            groups.computeIfAbsent(Arrays.asList(t.getStackTrace()), k -> new ArrayList<>()).add(t);
        }
        List<List<ThreadInfo>> sorted = new ArrayList<>(groups.values());
        sorted.sort(Comparator.<List<ThreadInfo>>comparingInt(g -> g.stream().anyMatch(t -> deadlocked.contains(t.getThreadId())) ? 0 : 1)
                .thenComparing(Comparator.<List<ThreadInfo>>comparingInt(List::size).reversed()));
        List<Object> gl = new ArrayList<>();
        for (List<ThreadInfo> g : sorted) {
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("count", g.size());
            gm.put("deadlocked", g.stream().anyMatch(t -> deadlocked.contains(t.getThreadId())));
            List<Object> names = new ArrayList<>();
            for (ThreadInfo t : g) {
                Map<String, Object> tm = new LinkedHashMap<>();
                tm.put("name", t.getThreadName());
                tm.put("state", t.getThreadState().name());
                names.add(tm);
            }
            gm.put("threads", names);
            List<Object> frames = new ArrayList<>();
            for (StackTraceElement e : g.get(0).getStackTrace()) {
                frames.add(e.toString());
            }
            gm.put("stack", frames);
            gl.add(gm);
        }
        m.put("groups", gl);
        return Reply.json(200, m);
    }

    /** {@code /api/runtime}: the JVM, its uptime, CPUs and input arguments, and the agent with its options in force. */
    Reply runtime() {
        RuntimeMXBean rt = ManagementFactory.getRuntimeMXBean();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", agent.pid());
        m.put("mainClass", AgentInfo.mainClass());
        Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("name", rt.getVmName());
        jvm.put("vendor", rt.getVmVendor());
        jvm.put("version", System.getProperty("java.runtime.version"));
        jvm.put("specVersion", rt.getSpecVersion());
        jvm.put("home", System.getProperty("java.home"));
        m.put("jvm", jvm);
        m.put("startTimeMillis", rt.getStartTime());
        m.put("uptimeMillis", rt.getUptime());
        m.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        List<Object> args = new ArrayList<>();
        for (String a : rt.getInputArguments()) {
            args.add(AgentOptions.withoutSecrets(a));
        }
        m.put("inputArguments", args);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("version", AgentInfo.VERSION);
        a.put("loadedAt", agent.loadedAtStartup() ? "startup" : "attach");
        a.put("jar", agent.jar());
        a.put("options", agent.options().displayMap());
        a.put("features", agent.features());
        m.put("agent", a);
        return Reply.json(200, m);
    }

    private final java.util.concurrent.Semaphore heapDumps = new java.util.concurrent.Semaphore(1);

    /**
     * {@code GET /api/heap-dump[?live=true]}: an HPROF dump written by {@link HeapDump} (the same
     * checks as {@code dump heap}: free disk at least the heap in use) into a private folder of the
     * temporary directory, unlinked once opened and streamed from the open file: nothing stays on
     * disk after the answer, whatever happens to it. One dump is written at a time (more get 429);
     * its file's space is held until the answer is sent or abandoned.
     */
    Reply heapDump(Request r) throws HttpFailure, IOException {
        boolean live = r.flag("live");
        if (!heapDumps.tryAcquire()) {
            throw new HttpFailure(429, "a heap dump is being written already; try again when it is done").header("Retry-After", "10");
        }
        try {
            Path dir = Files.createTempDirectory("forge-perf-heapdump-");
            Path file = dir.resolve(agent.pid() + ".hprof");
            try {
                HeapDump.Result written;
                try {
                    written = HeapDump.write(file, live, false, null);
                } catch (IOException e) {
                    throw new HttpFailure(503, e.getMessage() == null ? "heap dump failed: " + e : e.getMessage());
                }
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                Files.delete(file);
                return Reply.stream(200, Reply.BINARY, channel, written.bytes())
                        .header("Content-Disposition", "attachment; filename=\"pid-" + agent.pid() + (live ? "-live" : "") + ".hprof\"")
                        .header("X-Forge-Perf-Heap-Used", String.valueOf(written.heapUsed()));
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } finally {
            heapDumps.release();
        }
    }

    /** The longest {@code /api/threads/cpu} interval, in seconds. */
    static final int MAX_THREAD_CPU_SECONDS = 60;
    /** {@code /api/threads/cpu} measurements at once (each holds an HTTP worker for its interval); more get 429. */
    static final int MAX_THREAD_CPU_RUNNING = 2;
    private final java.util.concurrent.Semaphore threadCpuRuns = new java.util.concurrent.Semaphore(MAX_THREAD_CPU_RUNNING);

    /**
     * {@code /api/threads/cpu?seconds=N&top=N}: the threads that used the most CPU over the next N
     * seconds (default 1, at most {@value #MAX_THREAD_CPU_SECONDS}), with stacks sampled during
     * it: the JSON of {@code threads --json}, measured by the same {@link ThreadActivity}. A
     * client that hangs up ends the measurement within a quarter second. At most
     * {@value #MAX_THREAD_CPU_RUNNING} run at once (more get 429); a {@code HEAD} measures nothing.
     */
    Reply threadCpu(Request r) throws HttpFailure {
        int seconds = r.intParam("seconds", 1, 1, MAX_THREAD_CPU_SECONDS);
        int top = r.intParam("top", 10, 1, ThreadActivity.MAX_THREADS);
        String unsupported = ThreadActivity.unsupported();
        if (unsupported != null) {
            throw new HttpFailure(503, unsupported);
        }
        if (r.method.equals("HEAD")) {
            return Reply.json(200, java.util.Map.of()); // the headers a GET gets: no measurement, no slot (a probe or link checker)
        }
        if (!threadCpuRuns.tryAcquire()) {
            throw new HttpFailure(429, MAX_THREAD_CPU_RUNNING + " thread CPU measurements are running already; retry when one of them ends")
                    .header("Retry-After", "5");
        }
        try {
            return measureThreadCpu(r, seconds, top);
        } finally {
            threadCpuRuns.release();
        }
    }

    private static Reply measureThreadCpu(Request r, int seconds, int top) throws HttpFailure {
        long nanos = seconds * 1_000_000_000L;
        long period = Math.max(10_000_000L, Math.min(100_000_000L, nanos / 20));
        ThreadActivity activity = ThreadActivity.measure(nanos, period, wait -> {
            long end = System.nanoTime() + wait;
            try {
                for (long left; (left = end - System.nanoTime()) > 0; ) {
                    if (r.clientGone()) {
                        return false;
                    }
                    java.util.concurrent.TimeUnit.NANOSECONDS.sleep(Math.min(left, 250_000_000L));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return true;
        });
        if (r.clientGone()) {
            throw new HttpFailure(499, "the client closed the connection; the measurement was discarded");
        }
        return Reply.json(200, activity.toMap(top));
    }

    /**
     * {@code /api/histogram?top=N}: instances and bytes per class, largest first (the JSON of
     * {@code dump histogram --all --json --top N}, default 30): every object on the heap, reachable
     * or not, without forcing a GC (a collection is {@code POST /api/gc}, behind the token).
     * Refused with 503 when the heap is too full to build it.
     */
    Reply histogram(Request r) throws HttpFailure {
        int top = r.intParam("top", 30, 1, Integer.MAX_VALUE);
        try {
            HeapGuard.require("the class histogram", HeapGuard.HISTOGRAM_BYTES,
                    "retry when the heap is less full, or run `jcmd " + agent.pid() + " GC.class_histogram`, which builds it outside the Java heap");
            return Reply.json(200, ClassHistogram.toMap(ClassHistogram.take(true), top));
        } catch (HeapGuard.Refused e) {
            throw HttpFailure.heapRefused(e);
        } catch (IllegalStateException e) {
            throw new HttpFailure(503, e.getMessage());
        }
    }

    /** {@code POST /api/gc}: {@code gc --json}. */
    Reply gc() {
        return Reply.json(200, FullGc.run().toMap());
    }
}
