package dev.forgeperf.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.forgeperf.profile.PprofReader;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.runtime.ClassHistogram;
import dev.forgeperf.util.JsonReader;
import dev.forgeperf.snapshot.SnapshotLayout;

/**
 * A snapshot folder read back: the manifest (required: it is what makes a folder a snapshot),
 * and whichever of {@code metrics.json}, {@code timings.json}, {@code histogram.json},
 * {@code threads.txt} and the pprof profiles it holds. A part that is missing is simply absent
 * (its accessor answers null or empty); a file that is present but unreadable is noted in
 * {@link #problems()}, so one bad file never hides the rest.
 *
 * <p>Not thread-safe (profiles are read on first use); one instance per reader.
 */
public final class Snapshot {
    private final Path dir;
    private final Map<String, Object> manifest;
    private final Map<String, Object> metrics;
    private final List<Timing> timings;
    private final List<ClassHistogram.Row> histogram;
    private final String threads;
    private final Map<String, Profile> profiles = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    /** One timed method as {@code timings.json} holds it; times in nanoseconds. */
    public record Timing(String method, long count, long errors, long totalNanos, long meanNanos, long p50Nanos, long p90Nanos,
                         long p99Nanos, long p999Nanos, long maxNanos, long timedCount, boolean sampled) {
    }

    /** The sampler's history: sample times and one column per series key (NaN where unknown). */
    public record History(long intervalMillis, long[] timeMillis, Map<String, double[]> series) {
        /** A column, or an all-NaN one when the key is unknown. */
        public double[] get(String key) {
            double[] v = series.get(key);
            if (v == null) {
                v = new double[timeMillis.length];
                java.util.Arrays.fill(v, Double.NaN);
            }
            return v;
        }

        public int size() {
            return timeMillis.length;
        }
    }

    private Snapshot(Path dir, Map<String, Object> manifest) {
        this.dir = dir;
        this.manifest = manifest;
        this.metrics = asMap(readJson(SnapshotLayout.METRICS));
        this.timings = readTimings();
        this.histogram = readHistogram();
        this.threads = readText(SnapshotLayout.THREADS);
    }

    /**
     * Reads the snapshot in {@code dir}.
     *
     * @throws SnapshotException when {@code dir} is not a snapshot folder (one line saying why)
     */
    public static Snapshot load(Path dir) {
        if (!Files.exists(dir)) {
            throw new SnapshotException(dir + ": no such folder");
        }
        if (!Files.isDirectory(dir)) {
            throw new SnapshotException(dir + " is not a forge-perf snapshot (not a folder)");
        }
        Path m = dir.resolve(SnapshotLayout.MANIFEST);
        if (!Files.isRegularFile(m)) {
            throw new SnapshotException(dir + " is not a forge-perf snapshot (no " + SnapshotLayout.MANIFEST + ")");
        }
        Object parsed;
        try {
            parsed = JsonReader.parse(Files.readString(m, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new SnapshotException(dir + " is not a forge-perf snapshot (" + SnapshotLayout.MANIFEST + ": " + e.getMessage() + ")");
        }
        Map<String, Object> manifest = asMap(parsed);
        if (manifest == null || !manifest.containsKey("forgePerfSnapshot")) {
            throw new SnapshotException(dir + " is not a forge-perf snapshot (" + SnapshotLayout.MANIFEST + " is not a snapshot manifest)");
        }
        return new Snapshot(dir, manifest);
    }

    public Path dir() {
        return dir;
    }

    /**
     * The folder's name, for titles; while the agent still builds the snapshot in a hidden
     * temporary folder, the name it will have (from the manifest).
     */
    public String name() {
        Path n = dir.toAbsolutePath().normalize().getFileName();
        String named = str(manifest, "name");
        if (n == null || n.toString().startsWith(".") && named != null) {
            return named != null ? named : dir.toString();
        }
        return n.toString();
    }

    public Map<String, Object> manifest() {
        return manifest;
    }

    public long pid() {
        return (long) num(manifest, "pid");
    }

    public String mainClass() {
        return str(manifest, "mainClass");
    }

    public String jvm() {
        return str(manifest, "jvm");
    }

    public String agentVersion() {
        return str(manifest, "agentVersion");
    }

    /** When the snapshot was taken, or null when the manifest does not say. */
    public Instant takenAt() {
        String s = str(manifest, "takenAt");
        try {
            return s == null ? null : Instant.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    public long uptimeMillis() {
        double u = num(manifest, "uptimeMillis");
        return Double.isNaN(u) ? -1 : (long) u;
    }

    /** Each part's outcome: "ok" or why it is missing. */
    public Map<String, String> parts() {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, Object> p = asMap(manifest.get("parts"));
        if (p != null) {
            p.forEach((k, v) -> out.put(k, String.valueOf(v)));
        }
        return out;
    }

    /** How long each part took to write (ms), as far as the manifest says. */
    public Map<String, Long> partMillis() {
        Map<String, Long> out = new LinkedHashMap<>();
        Map<String, Object> p = asMap(manifest.get("partMillis"));
        if (p != null) {
            p.forEach((k, v) -> {
                if (v instanceof Number) {
                    out.put(k, ((Number) v).longValue());
                }
            });
        }
        return out;
    }

    /** {@code metrics.json}'s {@code current} (what {@code metrics --json} prints), or null. */
    public Map<String, Object> current() {
        return metrics == null ? null : asMap(metrics.get("current"));
    }

    /** {@code metrics.json}'s {@code health} (what {@code health --json} prints), or null. */
    public Map<String, Object> health() {
        return metrics == null ? null : asMap(metrics.get("health"));
    }

    /** The sampler's history, or null without one. */
    public History history() {
        Map<String, Object> h = metrics == null ? null : asMap(metrics.get("history"));
        List<Object> samples = h == null ? null : list(h, "samples");
        if (samples == null) {
            return null;
        }
        int n = samples.size();
        long[] t = new long[n];
        Map<String, double[]> cols = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> s = asMap(samples.get(i));
            if (s == null) {
                continue;
            }
            for (Map.Entry<String, Object> e : s.entrySet()) {
                if (e.getKey().equals("timeMillis")) {
                    t[i] = e.getValue() instanceof Number ? ((Number) e.getValue()).longValue() : 0;
                    continue;
                }
                double[] col = cols.computeIfAbsent(e.getKey(), k -> {
                    double[] c = new double[n];
                    java.util.Arrays.fill(c, Double.NaN);
                    return c;
                });
                col[i] = e.getValue() instanceof Number ? ((Number) e.getValue()).doubleValue() : Double.NaN;
            }
        }
        double interval = num(h, "intervalMillis");
        return new History(Double.isNaN(interval) ? 0 : (long) interval, t, cols);
    }

    /** The timed methods, in the file's order (by total time); empty without timings. */
    public List<Timing> timings() {
        return timings;
    }

    /** The class histogram (live objects), or null without one. */
    public List<ClassHistogram.Row> histogram() {
        return histogram;
    }

    /** {@code threads.txt}, or null. */
    public String threadsText() {
        return threads;
    }

    /** A profile of the folder ({@code cpu.pb.gz}, …), or null when absent or unreadable (then noted in {@link #problems()}). */
    public Profile profile(String file) {
        if (profiles.containsKey(file)) {
            return profiles.get(file);
        }
        Profile p = null;
        Path f = dir.resolve(file);
        if (Files.isRegularFile(f)) {
            try {
                p = PprofReader.read(f);
            } catch (IOException | RuntimeException e) {
                problems.add(file + ": " + e.getMessage());
            }
        }
        profiles.put(file, p);
        return p;
    }

    /** Files that are present but could not be read, one line each. */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** Whether {@code file} exists in the folder. */
    public boolean has(String file) {
        return Files.isRegularFile(dir.resolve(file));
    }

    private Object readJson(String file) {
        String text = readText(file);
        if (text == null) {
            return null;
        }
        try {
            return JsonReader.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(file + ": " + e.getMessage());
            return null;
        }
    }

    private String readText(String file) {
        Path f = dir.resolve(file);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            problems.add(file + ": " + e.getMessage());
            return null;
        }
    }

    private List<Timing> readTimings() {
        Object json = readJson(SnapshotLayout.TIMINGS_JSON);
        List<Timing> out = new ArrayList<>();
        if (!(json instanceof List)) {
            return out;
        }
        for (Object o : (List<?>) json) {
            Map<String, Object> m = asMap(o);
            if (m == null || str(m, "method") == null) {
                continue;
            }
            out.add(new Timing(str(m, "method"), lng(m, "count"), lng(m, "errors"), lng(m, "totalNanos"), lng(m, "meanNanos"),
                    lng(m, "p50Nanos"), lng(m, "p90Nanos"), lng(m, "p99Nanos"), lng(m, "p999Nanos"), lng(m, "maxNanos"),
                    m.containsKey("timedCount") ? lng(m, "timedCount") : lng(m, "count"), Boolean.TRUE.equals(m.get("sampled"))));
        }
        return out;
    }

    private List<ClassHistogram.Row> readHistogram() {
        Object json = readJson("histogram.json");
        if (json instanceof List) {
            List<ClassHistogram.Row> rows = new ArrayList<>();
            for (Object o : (List<?>) json) {
                Map<String, Object> m = asMap(o);
                if (m != null && str(m, "className") != null) {
                    rows.add(new ClassHistogram.Row((int) lng(m, "rank"), lng(m, "instances"), lng(m, "bytes"), str(m, "className"),
                            str(m, "module")));
                }
            }
            return rows;
        }
        String text = readText(SnapshotLayout.HISTOGRAM);
        return text == null ? null : ClassHistogram.parse(text);
    }

    // --- reading parsed JSON -------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : null;
    }

    /** The value at {@code path} under {@code root} (maps only), or null. */
    static Object at(Object root, String... path) {
        Object o = root;
        for (String key : path) {
            Map<String, Object> m = asMap(o);
            if (m == null) {
                return null;
            }
            o = m.get(key);
        }
        return o;
    }

    /** A number at {@code path}, NaN when absent or not a number. */
    static double num(Object root, String... path) {
        Object o = at(root, path);
        return o instanceof Number ? ((Number) o).doubleValue() : Double.NaN;
    }

    static String str(Object root, String... path) {
        Object o = at(root, path);
        return o == null ? null : o.toString();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object root, String... path) {
        Object o = at(root, path);
        return o instanceof List ? (List<Object>) o : null;
    }

    private static long lng(Map<String, Object> m, String key) {
        Object o = m.get(key);
        return o instanceof Number ? ((Number) o).longValue() : 0;
    }
}
