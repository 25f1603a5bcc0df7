package dev.forgeperf.report;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.SampleType;
import dev.forgeperf.profile.TopTable;
import dev.forgeperf.snapshot.SnapshotLayout;
import dev.forgeperf.util.Units;

/**
 * The hottest functions of one of a snapshot's profiles, in the sample type people read (CPU time,
 * bytes allocated, time blocked), with the self count of the profile's count type beside it
 * (samples, objects, contentions).
 *
 * @param file the profile's file name ({@code cpu.pb.gz})
 * @param title what it measures, for headings ({@code CPU})
 * @param type the sample type of {@code rows}
 * @param total the profile's total of {@code type}
 * @param durationNanos the time the profile covers (0 when unknown)
 * @param rows all functions, hottest (self) first
 * @param countType the count type ({@code samples}, {@code alloc_objects}, {@code contentions}), or null
 * @param selfCounts self value of {@code countType} per function name
 */
public record TopMethods(String file, String title, SampleType type, long total, long durationNanos, List<TopTable.Row> rows,
                         String countType, Map<String, Long> selfCounts) {

    /** The table of {@code profile} in the first of {@code preferred} sample types it has (else its primary). */
    static TopMethods of(String file, String title, Profile profile, String countTypeName, String... preferred) {
        int type = profile.primary();
        for (String p : preferred) {
            int i = profile.typeIndex(p);
            if (i >= 0) {
                type = i;
                break;
            }
        }
        TopTable table = TopTable.of(profile, type);
        Map<String, Long> counts = new HashMap<>();
        int ct = profile.typeIndex(countTypeName);
        if (ct >= 0 && ct != type) {
            for (TopTable.Row r : TopTable.of(profile, ct).rows()) {
                counts.put(r.function(), r.self());
            }
        }
        return new TopMethods(file, title, table.sampleType(), table.sum(), profile.durationNanos(), table.rows(),
                ct >= 0 && ct != type ? countTypeName : null, counts);
    }

    /** The snapshot's CPU, allocation and lock tables (those it has). */
    static List<TopMethods> of(Snapshot s) {
        List<TopMethods> out = new java.util.ArrayList<>();
        Profile cpu = s.profile(SnapshotLayout.CPU);
        if (cpu != null) {
            // a profile that could not be calibrated to the threads' CPU time says so in its comments: the heading says so too
            boolean estimate = cpu.comments().stream().anyMatch(c -> c.startsWith("estimate:") || c.startsWith("exit snapshot:"));
            out.add(of(SnapshotLayout.CPU, estimate ? "CPU (estimate, not calibrated)" : "CPU", cpu, "samples", "cpu"));
        }
        Profile alloc = s.profile(SnapshotLayout.ALLOC);
        if (alloc != null) {
            out.add(of(SnapshotLayout.ALLOC, "Allocation", alloc, "alloc_objects", "alloc_space"));
        }
        Profile lock = s.profile(SnapshotLayout.LOCK);
        if (lock != null) {
            out.add(of(SnapshotLayout.LOCK, "Lock contention", lock, "contentions", "delay"));
        }
        return out;
    }

    /** A row's share of the total, 0..1. */
    public double share(long v) {
        return total == 0 ? 0 : (double) v / total;
    }

    /** {@code v} in this table's unit. */
    public String format(double v) {
        return Units.value(v, type.unit());
    }

    /** What the values are, for column headings: {@code CPU time}, {@code bytes}, {@code time blocked}. */
    public String measure() {
        switch (type.type()) {
            case "cpu": return "CPU time";
            case "wall": return "wall time";
            case "alloc_space": return "allocated";
            case "delay": return "blocked";
            case "samples": return "samples";
            default: return type.type();
        }
    }

    /** The self count of {@code function} in the count type, or -1. */
    public long count(String function) {
        Long c = selfCounts.get(function);
        return c == null ? -1 : c;
    }

    public Map<String, Object> toMap(int n) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("file", file);
        m.put("sampleType", type.type());
        m.put("unit", type.unit());
        m.put("total", total);
        m.put("durationNanos", durationNanos);
        List<Object> list = new java.util.ArrayList<>();
        for (TopTable.Row r : rows.subList(0, Math.min(n, rows.size()))) {
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("function", r.function());
            row.put("self", r.self());
            row.put("selfShare", round(share(r.self())));
            row.put("total", r.total());
            row.put("totalShare", round(share(r.total())));
            if (countType != null) {
                row.put(countType, count(r.function()));
            }
            list.add(row);
        }
        m.put("rows", list);
        return m;
    }

    static double round(double d) {
        return Math.round(d * 10_000) / 10_000.0;
    }
}
