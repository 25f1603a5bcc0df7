package dev.forgeperf.snapshot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.forgeperf.profile.Kind;

/**
 * The files of a snapshot folder: the one place their names are written down, for the code that
 * writes a snapshot ({@link SnapshotWriter}, {@link SnapshotParts}, the agent's parts) and the code
 * that reads one ({@code report.Snapshot}, the reports, {@code diff}).
 */
public final class SnapshotLayout {
    /** The file every snapshot has; {@code diff} and {@code report} recognise snapshots by it. */
    public static final String MANIFEST = "manifest.json";
    public static final String RECORDING = "recording.jfr";
    public static final String CPU = "cpu.pb.gz";
    public static final String ALLOC = "alloc.pb.gz";
    public static final String LOCK = "lock.pb.gz";
    public static final String THREADS = "threads.txt";
    public static final String METRICS = "metrics.json";
    public static final String TIMINGS_JSON = "timings.json";
    public static final String TIMINGS_TXT = "timings.txt";
    public static final String HISTOGRAM = "histogram.txt";
    public static final String HEAP = "heap.hprof";
    public static final String REPORT_TXT = "report.txt";
    public static final String REPORT_MD = "report.md";
    public static final String REPORT_HTML = "report.html";

    /** The pprof profiles a snapshot holds, in report order. */
    public static final List<String> PROFILE_FILES = List.of(CPU, ALLOC, LOCK);
    /** The profile kind of each profile file, in report order. */
    public static final Map<String, Kind> PROFILES = profiles();
    /** The report files a snapshot holds. */
    public static final List<String> REPORTS = List.of(REPORT_TXT, REPORT_MD, REPORT_HTML);
    /** The data files the HTML report links to, in the order it lists them. */
    public static final List<String> DATA_FILES = List.of(THREADS, HISTOGRAM, TIMINGS_TXT, METRICS, RECORDING, CPU, ALLOC, LOCK, HEAP);

    private SnapshotLayout() {
    }

    private static Map<String, Kind> profiles() {
        Map<String, Kind> m = new LinkedHashMap<>();
        m.put(CPU, Kind.CPU);
        m.put(ALLOC, Kind.ALLOC);
        m.put(LOCK, Kind.LOCK);
        return java.util.Collections.unmodifiableMap(m);
    }
}
