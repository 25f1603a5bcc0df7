package dev.forgeperf.profile;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.forgeperf.util.Units;

/**
 * Compares two profiles of the same sample type: for every function its self and total share of
 * its profile's total in A (before) and B (after). Shares, not raw values, so that profiles of
 * different lengths compare. Hotter: share grew; colder: share shrank.
 */
public final class ProfileDiff {
    /** One function in both profiles; shares are fractions of each profile's total. */
    public record Row(String function, double selfA, double selfB, double totalA, double totalB) {
        /** As JSON: the function and its self and total shares in A and B (fractions, 4 decimals). */
        public java.util.Map<String, Object> toMap() {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("function", function);
            m.put("selfShareA", round(selfA));
            m.put("selfShareB", round(selfB));
            m.put("totalShareA", round(totalA));
            m.put("totalShareB", round(totalB));
            return m;
        }

        private static double round(double share) {
            return Math.round(share * 10_000) / 10_000.0;
        }

        public double selfDelta() {
            return selfB - selfA;
        }

        public double totalDelta() {
            return totalB - totalA;
        }
    }

    private final Profile a;
    private final Profile b;
    private final int typeA;
    private final int typeB;
    private final List<Row> rows;

    private ProfileDiff(Profile a, int typeA, Profile b, int typeB) {
        this.a = a;
        this.b = b;
        this.typeA = typeA;
        this.typeB = typeB;
        this.rows = compute();
    }

    /**
     * Compares the sample types people read first ({@link TopTable#leadingType}: CPU time when there is
     * one, else the primary) of {@code a} and {@code b}; when B's is absent
     * from A (or the reverse), the first type they share is used.
     *
     * @throws IllegalArgumentException when they share no sample type
     */
    public static ProfileDiff of(Profile a, Profile b) {
        int ib = TopTable.leadingType(b);
        int ia = a.sampleTypes().indexOf(b.sampleTypes().get(ib));
        if (ia >= 0) {
            return new ProfileDiff(a, ia, b, ib);
        }
        for (int i = 0; i < b.sampleTypes().size(); i++) {
            ia = a.sampleTypes().indexOf(b.sampleTypes().get(i));
            if (ia >= 0) {
                return new ProfileDiff(a, ia, b, i);
            }
        }
        throw new IllegalArgumentException("the profiles measure different things (" + a.sampleTypes() + " vs " + b.sampleTypes()
                + "); compare two profiles of the same kind");
    }

    public SampleType sampleType() {
        return b.sampleTypes().get(typeB);
    }

    public List<Row> rows() {
        return rows;
    }

    /** Functions whose self share grew, most first. */
    public List<Row> hotter() {
        return rows.stream().filter(r -> r.selfDelta() > 0 || r.selfDelta() == 0 && r.totalDelta() > 0)
                .sorted(Comparator.comparingDouble((Row r) -> -r.selfDelta()).thenComparingDouble(r -> -r.totalDelta())).toList();
    }

    /** Functions whose self share shrank, most first. */
    public List<Row> colder() {
        return rows.stream().filter(r -> r.selfDelta() < 0 || r.selfDelta() == 0 && r.totalDelta() < 0)
                .sorted(Comparator.comparingDouble((Row r) -> r.selfDelta()).thenComparingDouble(r -> r.totalDelta())).toList();
    }

    private List<Row> compute() {
        long sumA = a.total(typeA);
        long sumB = b.total(typeB);
        Map<String, double[]> byName = new HashMap<>();
        for (TopTable.Row r : TopTable.compute(a, typeA)) {
            double[] v = byName.computeIfAbsent(r.function(), k -> new double[4]);
            v[0] = share(r.self(), sumA);
            v[2] = share(r.total(), sumA);
        }
        for (TopTable.Row r : TopTable.compute(b, typeB)) {
            double[] v = byName.computeIfAbsent(r.function(), k -> new double[4]);
            v[1] = share(r.self(), sumB);
            v[3] = share(r.total(), sumB);
        }
        List<Row> out = new ArrayList<>(byName.size());
        byName.forEach((name, v) -> out.add(new Row(name, v[0], v[1], v[2], v[3])));
        out.sort(Comparator.comparing(Row::function));
        return out;
    }

    private static double share(long v, long sum) {
        return sum == 0 ? 0 : (double) v / sum;
    }

    /** Prints both totals, then the top {@code n} hotter and colder functions. */
    public void print(PrintWriter out, String nameA, String nameB, int n) {
        SampleType st = sampleType();
        out.printf(Locale.ROOT, "A: %s: %s total %s%n", nameA, a.sampleTypes().get(typeA), Units.value(a.total(typeA), st.unit()));
        out.printf(Locale.ROOT, "B: %s: %s total %s%n", nameB, st, Units.value(b.total(typeB), st.unit()));
        out.println("Shares of each profile's total; DELTA = B - A.");
        section(out, "HOTTER in B", hotter(), n);
        section(out, "COLDER in B", colder(), n);
        out.flush();
    }

    private static void section(PrintWriter out, String title, List<Row> rows, int n) {
        out.println();
        out.println(title);
        if (rows.isEmpty()) {
            out.println("  (none)");
            return;
        }
        out.printf(Locale.ROOT, "%8s %8s %9s %9s %9s %9s  %s%n", "SELF A", "SELF B", "DELTA", "TOTAL A", "TOTAL B", "DELTA", "FUNCTION");
        int shown = 0;
        for (Row r : rows) {
            if (shown++ == n) {
                break;
            }
            out.printf(Locale.ROOT, "%8s %8s %9s %9s %9s %9s  %s%n", Units.percent(r.selfA(), 2), Units.percent(r.selfB(), 2), Units.signedPercent(r.selfDelta(), 2),
                    Units.percent(r.totalA(), 2), Units.percent(r.totalB(), 2), Units.signedPercent(r.totalDelta(), 2), r.function());
        }
    }

    /** A differential flame graph: widths from B, red where the share grew, blue where it shrank. */
    public void writeFlameGraph(String title, OutputStream out) throws IOException {
        FlameGraphWriter.writeDiff(a, typeA, b, typeB, title, out);
    }
}
