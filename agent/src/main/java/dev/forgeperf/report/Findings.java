package dev.forgeperf.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.forgeperf.jfr.LiveSamples;
import dev.forgeperf.profile.TopTable;
import dev.forgeperf.report.Finding.Severity;
import dev.forgeperf.util.Units;

/**
 * What a report puts at its top, worst first:
 * <ul>
 *   <li>deadlocks (critical), from {@code metrics.json} and the locks spelled out in {@code threads.txt};</li>
 *   <li>health checks that are not healthy (heap after GC, threads, GC pauses, % of time in GC), with
 *       the thresholds the agent ran with: unhealthy is critical, degraded a warning;</li>
 *   <li>likely leaks (heap after old-generation GCs, threads, classes, metaspace rising), as the
 *       agent's leak analysis found them over the sampler history when the snapshot was taken, and
 *       (info) that the heap could not be judged for want of old-generation collections;</li>
 *   <li>GC pressure below the health thresholds but worth a look ({@value #GC_NOTABLE_PERCENT}% of
 *       the time in pauses, or a pause p99 of {@value #GC_NOTABLE_PAUSE_MILLIS} ms);</li>
 *   <li>lock hot spots from {@code lock.pb.gz}: a warning when threads spent on average
 *       {@value #LOCK_BLOCKED_WARNING} or more threads' worth of the profiled time blocked;</li>
 *   <li>the CPU and allocation hot spot when one function has {@value #HOT_SPOT_SHARE_PERCENT}%
 *       or more of the profile (self);</li>
 *   <li>the slowest timed methods by p99 and timed methods that throw;</li>
 *   <li>parts of the snapshot that are missing or unreadable.</li>
 * </ul>
 */
public final class Findings {
    static final double GC_NOTABLE_PERCENT = 2;
    static final long GC_NOTABLE_PAUSE_MILLIS = 100;
    static final double LOCK_BLOCKED_WARNING = 0.1;
    static final long LOCK_MIN_NANOS = 10_000_000;
    static final double HOT_SPOT_SHARE_PERCENT = 20;

    private Findings() {
    }

    /** The findings of {@code s}, worst first. */
    public static List<Finding> of(Snapshot s, List<TopMethods> tops) {
        List<Finding> out = new ArrayList<>();
        deadlock(s, out);
        health(s, out);
        leaks(s, out);
        gcPressure(s, out);
        for (TopMethods t : tops) {
            profile(t, out);
        }
        timings(s, out);
        parts(s, out);
        out.sort(Comparator.comparingInt(f -> f.severity().ordinal()));
        return out;
    }

    private static void deadlock(Snapshot s, List<Finding> out) {
        List<Object> names = Snapshot.list(s.current(), "threads", "deadlockedThreads");
        String dump = s.threadsText();
        List<String> details = dump == null ? List.of() : deadlockLines(dump);
        if ((names == null || names.isEmpty()) && details.isEmpty()) {
            return;
        }
        List<String> quoted = new ArrayList<>();
        if (names != null) {
            names.forEach(n -> quoted.add("\"" + n + "\""));
        }
        String who = quoted.isEmpty() ? "threads are deadlocked" : quoted.size() + " threads are deadlocked (" + String.join(", ", quoted) + ")";
        out.add(new Finding(Severity.critical, "deadlock", "deadlock: " + who + " and will never continue; threads.txt shows their stacks",
                details));
    }

    /**
     * The deadlock section of a thread dump as one line per waiting thread
     * ({@code "a" #17 is waiting to lock monitor <…> (a X), which is held by "b" #18}) and the
     * top frame of each deadlocked thread.
     */
    static List<String> deadlockLines(String dump) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        boolean stacks = false;
        String thread = null;
        for (String raw : dump.split("\n")) {
            String line = raw.strip();
            if (raw.startsWith("Found Java-level deadlock")) {
                in = true;
                stacks = false;
                continue;
            }
            if (!in || line.isEmpty()) {
                continue;
            }
            if (raw.startsWith("Stacks of the threads")) {
                stacks = true;
                continue;
            }
            if (!stacks) {
                if (line.startsWith("which ") && !out.isEmpty()) {
                    out.set(out.size() - 1, out.get(out.size() - 1) + " " + line);
                } else {
                    out.add(line);
                }
            } else if (line.startsWith("\"") && line.endsWith(":")) {
                thread = line.substring(0, line.length() - 1);
            } else if (line.startsWith("at ") && thread != null) {
                out.add(thread + " " + line);
                thread = null;
            } else if (!raw.startsWith(" ") && !raw.startsWith("\t")) {
                in = false;
            }
        }
        return out;
    }

    private static void health(Snapshot s, List<Finding> out) {
        List<Object> checks = Snapshot.list(s.health(), "checks");
        if (checks == null) {
            if (s.current() == null) {
                out.add(Finding.of(Severity.info, "missing", "no metrics.json: heap, GC, thread and leak findings are not available"));
            }
            return;
        }
        for (Object o : checks) {
            Map<String, Object> c = Snapshot.asMap(o);
            String status = Snapshot.str(c, "status");
            String name = Snapshot.str(c, "check");
            if (c == null || name == null || "healthy".equals(status) || "deadlock".equals(name)) {
                continue;
            }
            Severity sev = "unhealthy".equals(status) ? Severity.critical : Severity.warning;
            String prefix;
            String kind;
            switch (name) {
                case "heapAfterGc": prefix = "heap pressure: "; kind = "heap"; break;
                case "threads": prefix = "too many threads: "; kind = "threads"; break;
                case "gcPause": prefix = "GC pressure: "; kind = "gc-pause"; break;
                case "gcCpu": prefix = "GC pressure: "; kind = "gc-cpu"; break;
                default: prefix = name + ": "; kind = name; break;
            }
            out.add(Finding.of(sev, kind, prefix + Snapshot.str(c, "message") + " (" + status + ")"));
        }
    }

    private static void leaks(Snapshot s, List<Finding> out) {
        if ("not enough data".equals(Snapshot.str(s.current(), "heapLeakCheck", "status"))) {
            out.add(Finding.of(Severity.info, "leak-heap-unknown", Snapshot.str(s.current(), "heapLeakCheck", "message")));
        }
        List<Object> findings = Snapshot.list(s.current(), "findings");
        if (findings == null) {
            return;
        }
        for (Object o : findings) {
            String kind = Snapshot.str(o, "kind");
            String message = Snapshot.str(o, "message");
            if (message != null) {
                // a heap finding names the allocation sites of the sampled live objects (metrics.json, LiveSamples)
                List<Object> sites = Snapshot.list(o, "allocationSites");
                List<String> details = new ArrayList<>();
                if (sites != null) {
                    sites.stream().limit(LiveSamples.FINDING_SITES).forEach(x -> details.add(String.valueOf(x)));
                }
                out.add(new Finding(Severity.warning, "leak-" + (kind == null ? "unknown" : kind), message, details));
            }
        }
    }

    private static void gcPressure(Snapshot s, List<Finding> out) {
        Map<String, Object> cur = s.current();
        if (cur == null || out.stream().anyMatch(f -> f.kind().startsWith("gc-"))) {
            return;
        }
        double cpu = Snapshot.num(cur, "gc", "cpuFraction");
        double window = Snapshot.num(cur, "gc", "cpuFractionWindowMillis");
        double p99 = Snapshot.num(cur, "gc", "pauses", "p99Millis");
        double max = Snapshot.num(cur, "gc", "pauses", "maxMillis");
        double count = Snapshot.num(cur, "gc", "pauses", "count");
        double pauseWindow = Snapshot.num(cur, "gc", "pauses", "windowMillis");
        boolean busy = cpu * 100 >= GC_NOTABLE_PERCENT;
        boolean slow = p99 >= GC_NOTABLE_PAUSE_MILLIS;
        if (!busy && !slow) {
            return;
        }
        out.add(Finding.of(Severity.info, "gc", String.format(Locale.ROOT,
                "GC: %s of the time in GC pauses over the last %s; %s pauses in the last %s, p99 %s, longest %s",
                Units.percent(cpu), Units.span((long) window), Units.count(count), Units.span((long) pauseWindow), Units.millis(p99), Units.millis(max))));
    }

    private static void profile(TopMethods t, List<Finding> out) {
        if (t.rows().isEmpty() || t.total() == 0) {
            return;
        }
        TopTable.Row top = t.rows().get(0);
        switch (t.type().type()) {
            case "delay": {
                if (t.total() < LOCK_MIN_NANOS) {
                    return;
                }
                double blocked = t.durationNanos() > 0 ? (double) t.total() / t.durationNanos() : Double.NaN;
                Severity sev = blocked >= LOCK_BLOCKED_WARNING ? Severity.warning : Severity.info;
                List<String> details = new ArrayList<>();
                for (TopTable.Row r : t.rows().subList(0, Math.min(3, t.rows().size()))) {
                    if (r.self() == 0) {
                        break;
                    }
                    long n = t.count(r.function());
                    details.add(String.format(Locale.ROOT, "%s: %s blocked (%s)%s", r.function(), Units.nanos(r.self()), Units.percent(t.share(r.self())),
                            n < 0 ? "" : ", " + Units.count(n) + " contentions"));
                }
                out.add(new Finding(sev, "lock", String.format(Locale.ROOT,
                        "lock contention: threads waited %s to enter monitors%s; hottest: %s (%s)", Units.nanos(t.total()),
                        Double.isNaN(blocked) ? "" : String.format(Locale.ROOT, " over %s (%.2f threads blocked on average)",
                                Units.nanos(t.durationNanos()), blocked),
                        top.function(), Units.percent(t.share(top.self()))), details));
                return;
            }
            case "cpu":
            case "samples":
                if (t.share(top.self()) * 100 >= HOT_SPOT_SHARE_PERCENT) {
                    out.add(Finding.of(Severity.info, "cpu", String.format(Locale.ROOT, "CPU hot spot: %s has %s of the CPU samples (self, %s of %s)",
                            top.function(), Units.percent(t.share(top.self())), t.format(top.self()), t.format(t.total()))));
                }
                return;
            case "alloc_space":
                if (t.share(top.self()) * 100 >= HOT_SPOT_SHARE_PERCENT) {
                    out.add(Finding.of(Severity.info, "alloc", String.format(Locale.ROOT,
                            "allocation hot spot: %s allocates %s of the sampled bytes (%s of %s%s)", top.function(),
                            Units.percent(t.share(top.self())), t.format(top.self()), t.format(t.total()),
                            t.durationNanos() > 0 ? " over " + Units.nanos(t.durationNanos()) : "")));
                }
                return;
            default:
        }
    }

    private static void timings(Snapshot s, List<Finding> out) {
        List<Snapshot.Timing> timed = new ArrayList<>();
        for (Snapshot.Timing t : s.timings()) {
            if (t.timedCount() > 0) {
                timed.add(t);
            }
        }
        timed.sort(Comparator.comparingLong(Snapshot.Timing::p99Nanos).reversed());
        if (!timed.isEmpty()) {
            Snapshot.Timing top = timed.get(0);
            List<String> details = new ArrayList<>();
            for (Snapshot.Timing t : timed.subList(1, Math.min(3, timed.size()))) {
                details.add(describe(t));
            }
            out.add(new Finding(Severity.info, "slow-method", "slowest timed method: " + describe(top), details));
        }
        for (Snapshot.Timing t : s.timings()) {
            if (t.errors() > 0 && t.count() > 0) {
                out.add(Finding.of(Severity.info, "errors", String.format(Locale.ROOT, "%s threw in %s of its calls (%s of %s)", t.method(),
                        Units.percent((double) t.errors() / t.count()), Units.count(t.errors()), Units.count(t.count()))));
            }
        }
    }

    private static String describe(Snapshot.Timing t) {
        return String.format(Locale.ROOT, "%s p99 %s (p50 %s, mean %s, max %s, %s %s)", t.method(), Units.nanos(t.p99Nanos()),
                Units.nanos(t.p50Nanos()), Units.nanos(t.meanNanos()), Units.nanos(t.maxNanos()), Units.count(t.count()), t.count() == 1 ? "call" : "calls");
    }

    private static void parts(Snapshot s, List<Finding> out) {
        s.parts().forEach((part, outcome) -> {
            if (!outcome.equals("ok")) {
                out.add(Finding.of(Severity.info, "missing", "snapshot part '" + part + "' is missing: " + outcome));
            }
        });
        for (String p : s.problems()) {
            out.add(Finding.of(Severity.warning, "unreadable", "cannot read " + p));
        }
    }
}
