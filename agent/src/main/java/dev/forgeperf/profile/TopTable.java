package dev.forgeperf.profile;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import dev.forgeperf.util.Units;

/**
 * The hottest functions of a profile: self (samples whose leaf is the function) and total (samples
 * with the function anywhere on the stack, counted once per sample even under recursion), with their
 * share of the profile's total, sorted by self then total.
 */
public final class TopTable {
    /** One function's row. */
    public record Row(String function, long self, long total) {
    }

    private final Profile profile;
    private final int type;
    private final long sum;
    private final List<Row> rows;

    private TopTable(Profile profile, int type) {
        this.profile = profile;
        this.type = type;
        this.rows = compute(profile, type);
        this.sum = profile.total(type);
    }

    /** The table of {@code profile}'s primary sample type. */
    public static TopTable of(Profile profile) {
        return new TopTable(profile, profile.primary());
    }

    public static TopTable of(Profile profile, int type) {
        return new TopTable(profile, type);
    }

    /**
     * The table people read first: for a profile with CPU time ({@code cpu}/nanoseconds) its CPU
     * time, sorted by it; else the primary sample type. A calibrated CPU profile's CPU time is the
     * threads' measured CPU time, including the nodes of CPU time no sample accounts for
     * ({@code [CPU time without samples]}, the JVM's own threads), which then compete for the top
     * rows like any function; the rows' self values add up to the header's total.
     */
    public static TopTable leading(Profile profile) {
        return new TopTable(profile, leadingType(profile));
    }

    /** The sample type people read first (see {@link #leading}): {@code cpu/nanoseconds} when there is one, else the primary. */
    public static int leadingType(Profile profile) {
        int cpu = profile.typeIndex("cpu");
        return cpu >= 0 && profile.sampleTypes().get(cpu).unit().equals("nanoseconds") ? cpu : profile.primary();
    }

    /** All functions, hottest first. */
    public List<Row> rows() {
        return rows;
    }

    /** The profile's total of the sample type shown. */
    public long sum() {
        return sum;
    }

    public SampleType sampleType() {
        return profile.sampleTypes().get(type);
    }

    static List<Row> compute(Profile p, int type) {
        int functions = p.functionCount();
        long[] self = new long[functions];
        long[] total = new long[functions];
        int[] stamp = new int[functions];
        int mark = 0;
        for (int n = 1; n < p.nodeCount(); n++) {
            long v = p.value(n, type);
            if (v == 0) {
                continue;
            }
            self[p.frameFunction(p.nodeFrame(n))] += v;
            mark++;
            for (int x = n; x > Profile.ROOT; x = p.parent(x)) {
                int fn = p.frameFunction(p.nodeFrame(x));
                if (stamp[fn] != mark) {
                    stamp[fn] = mark;
                    total[fn] += v;
                }
            }
        }
        // functions of the same name (different files) are one row
        java.util.Map<String, long[]> byName = new java.util.HashMap<>();
        for (int fn = 0; fn < functions; fn++) {
            if (self[fn] == 0 && total[fn] == 0) {
                continue;
            }
            long[] acc = byName.computeIfAbsent(p.string(p.functionName(fn)), k -> new long[2]);
            acc[0] += self[fn];
            acc[1] += total[fn];
        }
        List<Row> rows = new ArrayList<>(byName.size());
        byName.forEach((name, acc) -> rows.add(new Row(name, acc[0], acc[1])));
        rows.sort(Comparator.comparingLong((Row r) -> -Math.abs(r.self())).thenComparingLong(r -> -Math.abs(r.total()))
                .thenComparing(Row::function));
        return rows;
    }

    /** Prints a header line and the top {@code n} rows. */
    public void print(PrintWriter out, String title, int n) {
        SampleType st = sampleType();
        String unit = st.unit();
        StringBuilder header = new StringBuilder();
        header.append(title).append(": ").append(st).append(", total ").append(Units.value(sum, unit));
        for (int t = 0; t < profile.sampleTypes().size(); t++) {
            if (t != type) {
                SampleType other = profile.sampleTypes().get(t);
                header.append(", ").append(other.type()).append(' ').append(Units.value(profile.total(t), other.unit()));
            }
        }
        if (profile.durationNanos() > 0) {
            header.append(", over ").append(Units.value(profile.durationNanos(), "nanoseconds"));
        }
        out.println(header);
        for (String c : profile.comments()) {
            out.println("  " + c);
        }
        out.printf(Locale.ROOT, "%12s %8s %12s %8s  %s%n", "SELF", "SELF%", "TOTAL", "TOTAL%", "FUNCTION");
        int shown = 0;
        for (Row r : rows) {
            if (shown++ == n) {
                break;
            }
            out.printf(Locale.ROOT, "%12s %8s %12s %8s  %s%n", Units.value(r.self(), unit), Units.percent(share(r.self()), 2),
                    Units.value(r.total(), unit), Units.percent(share(r.total()), 2), r.function());
        }
        if (rows.isEmpty()) {
            out.println("(no samples)");
        }
        out.flush();
    }

    private double share(long v) {
        return sum == 0 ? 0 : (double) v / sum;
    }

    /** The first {@code n} rows as JSON: sample type, unit, total, and per function self/total with shares. */
    public java.util.Map<String, Object> toMap(int n) {
        java.util.List<Object> list = new java.util.ArrayList<>();
        for (Row r : rows().subList(0, Math.min(n, rows().size()))) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("function", r.function());
            m.put("self", r.self());
            m.put("total", r.total());
            m.put("selfShare", sum() == 0 ? 0.0 : (double) r.self() / sum());
            m.put("totalShare", sum() == 0 ? 0.0 : (double) r.total() / sum());
            list.add(m);
        }
        java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("sampleType", sampleType().type());
        doc.put("unit", sampleType().unit());
        doc.put("total", sum());
        doc.put("startEpochNanos", profile.startEpochNanos());
        doc.put("durationNanos", profile.durationNanos());
        doc.put("comments", List.copyOf(profile.comments()));
        doc.put("rows", list);
        return doc;
    }
}
