package dev.forgeperf.timing;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.forgeperf.bootstrap.TimingSnapshot;
import dev.forgeperf.util.MethodNames;
import dev.forgeperf.util.Units;

/** Timing snapshots as the user sees them: a sorted table, or JSON rows. */
public final class TimingTable {
    /** Sort orders of {@code timings --sort}. */
    public enum Sort {
        total(Comparator.comparingLong(TimingSnapshot::totalNanos)),
        count(Comparator.comparingLong(TimingSnapshot::count)),
        p99(Comparator.comparingLong(TimingSnapshot::p99)),
        max(Comparator.comparingLong(TimingSnapshot::maxNanos)),
        mean(Comparator.comparingDouble(TimingSnapshot::meanNanos)),
        name(Comparator.comparing(TimingSnapshot::name));

        final Comparator<TimingSnapshot> order;

        Sort(Comparator<TimingSnapshot> order) {
            this.order = order;
        }
    }

    private TimingTable() {
    }

    /** Sorted, largest first (names: alphabetical). */
    public static List<TimingSnapshot> sorted(List<TimingSnapshot> rows, Sort sort) {
        List<TimingSnapshot> out = new ArrayList<>(rows);
        out.sort(sort == Sort.name ? sort.order : sort.order.reversed().thenComparing(TimingSnapshot::name));
        return out;
    }

    /** One row as JSON-ready map with the documented keys. */
    public static Map<String, Object> row(TimingSnapshot s, boolean active) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", s.name());
        m.put("count", s.count());
        m.put("errors", s.errors());
        m.put("totalNanos", s.totalNanos());
        m.put("minNanos", s.count() == 0 ? 0 : s.minNanos());
        m.put("meanNanos", Math.round(s.meanNanos()));
        m.put("p50Nanos", s.p50());
        m.put("p90Nanos", s.p90());
        m.put("p99Nanos", s.p99());
        m.put("p999Nanos", s.p999());
        m.put("maxNanos", s.maxNanos());
        m.put("timedCount", s.timedCount());
        m.put("sampled", s.sampled());
        m.put("active", active);
        m.put("unbucketed", s.unbucketed());
        m.put("bytes", s.bytes());
        m.put("clockReadNanos", ClockCost.readNanos());
        m.put("nearClock", nearClock(s));
        return m;
    }

    public static List<Map<String, Object>> rows(List<TimingSnapshot> rows, Set<String> active) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TimingSnapshot s : rows) {
            out.add(row(s, active.contains(s.name()) || s.name().startsWith("track:")));
        }
        return out;
    }

    /** Whether the row's median call takes under {@value ClockCost#NEAR_CLOCK_READS} reads of the timer's clock. */
    static boolean nearClock(TimingSnapshot s) {
        return s.histogramCount() > 0 && ClockCost.nearClock(s.p50());
    }

    /** Widest METHOD column of the text table before names are shortened (see {@link MethodNames}). */
    public static final int NAME_WIDTH = 80;

    /** Prints the table with names shortened to {@value #NAME_WIDTH} columns where they stay distinct. */
    public static void print(PrintWriter out, List<TimingSnapshot> rows, Set<String> active) {
        print(out, rows, active, false);
    }

    /**
     * Prints the table; methods no longer instrumented are marked with a trailing '*'. Names are
     * shortened ({@link MethodNames}) unless {@code wide}.
     */
    public static void print(PrintWriter out, List<TimingSnapshot> rows, Set<String> active, boolean wide) {
        if (rows.isEmpty()) {
            out.println("No timed methods yet. Time some with `forge-perf instrument PID 'com.acme.*Service#handle*'`"
                    + " or -javaagent:forge-perf.jar=timed=SPEC.");
            return;
        }
        List<String> names = new ArrayList<>();
        for (TimingSnapshot r : rows) {
            names.add(r.name());
        }
        List<String> shown = wide ? names : MethodNames.shorten(names, NAME_WIDTH - 1);
        int width = Math.max(6, shown.stream().mapToInt(n -> n.length() + 1).max().orElse(6));
        String fmt = "%-" + width + "s %10s %7s %9s %9s %9s %9s %9s %9s %9s %9s%n";
        out.printf(Locale.ROOT, fmt, "METHOD", "COUNT", "ERRORS", "TOTAL", "MIN", "MEAN", "P50", "P90", "P99", "P99.9", "MAX");
        boolean anyInactive = false;
        boolean anySampled = false;
        boolean anyNearClock = false;
        for (int i = 0; i < rows.size(); i++) {
            TimingSnapshot s = rows.get(i);
            boolean live = active.contains(s.name()) || s.name().startsWith("track:");
            anyInactive |= !live;
            anySampled |= s.sampled();
            String name = shown.get(i) + (live ? "" : "*");
            boolean none = s.timedCount() == 0;
            boolean noPercentiles = s.histogramCount() == 0; // also when every call was counted past timed.maxMemory
            boolean near = nearClock(s);
            anyNearClock |= near;
            String partial = (s.unbucketed() > 0 ? "!" : "") + (near ? "^" : "");
            out.printf(Locale.ROOT, fmt, name, s.count(), s.errors(), Units.nanos(s.totalNanos()) + (s.sampled() ? "~" : ""),
                    none ? "-" : Units.nanos(s.minNanos()), none ? "-" : Units.nanos(Math.round(s.meanNanos())),
                    noPercentiles ? "-" + partial : Units.nanos(s.p50()) + partial, noPercentiles ? "-" : Units.nanos(s.p90()),
                    noPercentiles ? "-" : Units.nanos(s.p99()), noPercentiles ? "-" : Units.nanos(s.p999()),
                    none ? "-" : Units.nanos(s.maxNanos()));
        }
        if (anyInactive) {
            out.println("* no longer instrumented (counts stopped)");
        }
        if (anySampled) {
            out.println("~ sampled mode: counts exact, times from one call in N, total estimated");
        }
        if (anyNearClock) {
            long read = ClockCost.readNanos();
            out.printf(Locale.ROOT, "^ median under %d clock reads (a read takes %s here): about %s of each such call is the timer's own,"
                    + " and timing it costs about %s a call; timed.sample=16 or a narrower spec costs less%n",
                    ClockCost.NEAR_CLOCK_READS, Units.nanos(read), Units.nanos(read), Units.nanos(2 * read));
        }
        long unbucketed = rows.stream().mapToLong(TimingSnapshot::unbucketed).sum();
        if (unbucketed > 0) {
            out.printf(Locale.ROOT, "! timed.maxMemory spent: %d calls of %d methods counted without percentiles (count, errors, total, min,"
                    + " max exact; percentiles of the other calls)%n", unbucketed, rows.stream().filter(r -> r.unbucketed() > 0).count());
        }
    }
}
