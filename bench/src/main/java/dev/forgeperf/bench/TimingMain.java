package dev.forgeperf.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code scripts/bench.sh timing}: runs {@link TimingBench} (exact mode) and
 * {@link SampledTimingBench} (sampled mode) with {@code -prof gc}, each in forks started with the
 * real agent and its own startup spec, then prints the summary: ns/op ± error, B/op, and the
 * added cost of timing as a multiple of the floor (two {@code System.nanoTime()} reads). Then
 * runs the exact-mode floor/untimed/timed benchmarks again with {@code -XX:ActiveProcessorCount=64}
 * (the JVM, and so {@code MethodStats.MAX_STRIPES}, sized for 64 CPUs), and prints the bytes the
 * timed method held at the end of each exact-mode trial, 1 and 2 threads, at both CPU counts.
 *
 * <p>Usage: {@code TimingMain --agent /abs/forge-perf.jar [--out DIR] [JMH options…]}, e.g.
 * {@code -f 1 -wi 1 -i 2} for a quick look, {@code -jvm /path/to/java} for another JDK.
 */
public final class TimingMain {
    private static final String GC_NORM = "gc.alloc.rate.norm";

    private TimingMain() {
    }

    public static void main(String[] args) throws IOException, RunnerException {
        String agent = null;
        Path out = Path.of("bench", "target", "jmh");
        List<String> jmhArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--agent") && i + 1 < args.length) {
                agent = args[++i];
            } else if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else {
                jmhArgs.add(args[i]);
            }
        }
        if (agent == null || !Files.isRegularFile(Path.of(agent))) {
            System.err.println("usage: TimingMain --agent /path/to/forge-perf.jar [--out DIR] [JMH options]; no agent jar at " + agent);
            System.exit(2);
        }
        agent = Path.of(agent).toAbsolutePath().normalize().toString();
        CommandLineOptions cli;
        try {
            cli = new CommandLineOptions(jmhArgs.toArray(new String[0]));
        } catch (CommandLineOptionException e) {
            System.err.println("bad JMH option: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (!cli.getIncludes().isEmpty()) {
            System.err.println("benchmark selection is fixed (TimingBench, SampledTimingBench); pass JMH options only, got "
                    + cli.getIncludes());
            System.exit(2);
        }
        Files.createDirectories(out);

        String startLoad = loadavg();
        Path memory = out.resolve("timing-memory.tsv");
        Files.deleteIfExists(memory);
        String exact = "-javaagent:" + agent + "=timed=" + TimedTargets.SPEC;
        String memoryProperty = "-Dforgeperf.bench.memory=" + memory.toAbsolutePath();
        List<RunResult> results = new ArrayList<>();
        results.addAll(run(cli, TimingBench.class, "", List.of(memoryProperty, exact), out.resolve("timing.json")));
        results.addAll(run(cli, SampledTimingBench.class, "", List.of(
                "-javaagent:" + agent + "=timed=" + SampledTargets.SPEC + ",timed.sample=" + SampledTargets.SAMPLE),
                out.resolve("timing-sampled.json")));
        // the same exact-mode calls in JVMs that believe they have 64 CPUs (stripes may grow to 16)
        List<RunResult> wide = run(cli, TimingBench.class, "(floor|untimed|timed)(_2threads)?$",
                List.of("-XX:ActiveProcessorCount=" + WIDE_CPUS, memoryProperty, exact), out.resolve("timing-64cpus.json"));

        String summary = summary(results, agent, startLoad) + "\n" + wideSummary(wide) + "\n" + memorySummary(memory);
        System.out.println();
        System.out.print(summary);
        Path file = out.resolve("timing-summary.md");
        Files.writeString(file, summary);
        System.out.println("\n(summary also in " + file + "; raw JMH results in " + out.resolve("timing*.json") + ")");
    }

    /** CPUs the second exact-mode run makes its JVMs believe they have ({@code -XX:ActiveProcessorCount}). */
    static final int WIDE_CPUS = 64;

    private static List<RunResult> run(Options cli, Class<?> bench, String methods, List<String> jvmArgs, Path json) throws RunnerException {
        Options o = new OptionsBuilder()
                .parent(cli)
                .include("^" + bench.getName().replace(".", "\\.") + "\\." + methods)
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .jvmArgsAppend(jvmArgs.toArray(new String[0]))
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString())
                .build();
        System.out.println("# forks of " + bench.getSimpleName() + (methods.isEmpty() ? "" : " " + methods) + " run with " + String.join(" ", jvmArgs));
        return new ArrayList<>(new Runner(o).run());
    }

    /** The exact-mode ratios again, from the forks that saw {@value #WIDE_CPUS} CPUs. */
    static String wideSummary(List<RunResult> results) {
        Map<String, Row> rows = rows(results);
        StringBuilder b = new StringBuilder();
        b.append("With -XX:ActiveProcessorCount=").append(WIDE_CPUS).append(" (the JVM sizes itself for ").append(WIDE_CPUS)
                .append(" CPUs; the same ").append(Runtime.getRuntime().availableProcessors()).append(" run the code):\n\n");
        b.append("| benchmark | threads | ns/op | ± | median ns/op | B/op (median) |\n|---|---:|---:|---:|---:|---:|\n");
        for (Row r : rows.values()) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %s |%n", r.name, r.threads, r.ns, r.nsErr, r.median,
                    bytes(r.bytesMedian)));
        }
        b.append("\n| added cost (" + WIDE_CPUS + " CPUs) | ns/call | ± | × floor | ± | × floor (medians) | goal | |\n|---|---:|---:|---:|---:|---:|---|---|\n");
        ratio(b, "timed − untimed (1 thread)", rows.get("timed"), rows.get("untimed"), rows.get("floor"), 1.15);
        ratio(b, "timed − untimed (2 threads, same method) vs 2-thread floor", rows.get("timed_2threads"),
                rows.get("untimed_2threads"), rows.get("floor_2threads"), 1.15);
        return b.toString();
    }

    /**
     * Bytes the timed method held at the end of each exact-mode trial, as {@code MethodStats.bytes()}
     * reported it inside the fork (see {@link AgentCheck#recordMemory}): one line per fork.
     */
    static String memorySummary(Path tsv) throws IOException {
        StringBuilder b = new StringBuilder("Memory of the timed method at the end of each trial (MethodStats.bytes(): stripes and the bucket"
                + " groups its calls touched; one line per fork):\n\n| benchmark | CPUs seen | threads | stripes (max) | bytes | KiB |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        if (!Files.isRegularFile(tsv)) {
            return b.append("(no trial wrote ").append(tsv).append(")\n").toString();
        }
        for (String line : Files.readAllLines(tsv)) {
            String[] f = line.split("\t");
            if (f.length < 6) {
                continue;
            }
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s (%s) | %s | %.1f |%n", f[0], f[1], f[2], f[3], f[5], f[4],
                    Long.parseLong(f[4]) / 1024.0));
        }
        return b.toString();
    }

    static Map<String, Row> rows(List<RunResult> results) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (RunResult r : results) {
            String full = r.getParams().getBenchmark();
            String name = full.substring(full.lastIndexOf('.') + 1);
            Result<?> p = r.getPrimaryResult();
            Result<?> gc = r.getSecondaryResults().get(GC_NORM);
            rows.put(name, new Row(name, r.getParams().getThreads(), p.getScore(), p.getScoreError(), median(r, null),
                    gc == null ? Double.NaN : gc.getScore(), median(r, GC_NORM), (int) p.getSampleCount()));
        }
        return rows;
    }

    /** One measured benchmark: score and 99.9% CI half-width, in ns/op and B/op. */
    record Row(String name, int threads, double ns, double nsErr, double median, double bytes, double bytesMedian, int samples) {
    }

    /** Median of the measurement iterations over all forks: robust to an iteration disturbed by other load. */
    static double median(RunResult r, String secondary) {
        List<Double> v = new ArrayList<>();
        for (BenchmarkResult b : r.getBenchmarkResults()) {
            for (IterationResult i : b.getIterationResults()) {
                Result<?> x = secondary == null ? i.getPrimaryResult() : i.getSecondaryResults().get(secondary);
                if (x != null) {
                    v.add(x.getScore());
                }
            }
        }
        if (v.isEmpty()) {
            return Double.NaN;
        }
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    static String summary(List<RunResult> results, String agent, String startLoad) {
        Map<String, Row> rows = rows(results);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "JVM %s %s, %d CPUs; agent %s%n", System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), agent));
        b.append("load average at start ").append(startLoad).append(", at end ").append(loadavg())
                .append(" (2-thread results suffer most from other load on the machine)\n");
        b.append("ns/op: mean ± JMH's 99.9% confidence half-width; differences add errors in quadrature;"
                + " median: of all measurement iterations.\n"
                + "B/op (gc.alloc.rate.norm): median of iterations, and mean; the mean includes the last iteration, which also"
                + " runs the trial teardown's check (a snapshot and a println)\n\n");
        b.append("| benchmark | threads | ns/op | ± | median ns/op | B/op (median) | B/op (mean) |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows.values()) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %s | %s |%n", r.name, r.threads, r.ns, r.nsErr, r.median,
                    bytes(r.bytesMedian), bytes(r.bytes)));
        }
        b.append("\n| added cost | ns/call | ± | × floor | ± | × floor (medians) | goal | |\n|---|---:|---:|---:|---:|---:|---|---|\n");
        ratio(b, "timed − untimed (1 thread)", rows.get("timed"), rows.get("untimed"), rows.get("floor"), 1.15);
        ratio(b, "timed − untimed (2 threads, same method) vs 2-thread floor", rows.get("timed_2threads"),
                rows.get("untimed_2threads"), rows.get("floor_2threads"), 1.15);
        ratio(b, "timed − untimed (2 threads, same method) vs 1-thread floor", rows.get("timed_2threads"),
                rows.get("untimed_2threads"), rows.get("floor"), 1.15);
        ratio(b, "sampled N=" + SampledTargets.SAMPLE + " − untimed (1 thread)", rows.get("sampled"), rows.get("untimed"),
                rows.get("floor"), 0.2);
        Row in = rows.get("untimedInTimedClass");
        Row un = rows.get("untimed");
        if (in != null && un != null) {
            double d = in.ns - un.ns;
            double e = Math.hypot(in.nsErr, un.nsErr);
            b.append(String.format(Locale.ROOT, "| untimedInTimedClass − untimed | %.2f | %.2f | | | | ≤ 0.5 ns | %s |%n", d, e,
                    d <= 0.5 ? "met" : "missed"));
        }
        for (String n : new String[] {"timed", "timed_2threads", "sampled"}) {
            Row r = rows.get(n);
            if (r != null) {
                b.append(String.format(Locale.ROOT, "| B/op of %s (median) | | | | | | 0 B/op | %s (%s) |%n", n,
                        r.bytesMedian < 0.01 ? "met" : "missed", bytes(r.bytesMedian)));
            }
        }
        return b.toString();
    }

    private static String bytes(double b) {
        return Double.isNaN(b) ? "n/a" : String.format(Locale.ROOT, "%.4f", b);
    }

    private static void ratio(StringBuilder b, String label, Row timed, Row base, Row floor, double goal) {
        if (timed == null || base == null || floor == null) {
            return;
        }
        double d = timed.ns - base.ns;
        double e = Math.hypot(timed.nsErr, base.nsErr);
        double x = d / floor.ns;
        double xe = Math.abs(x) * Math.hypot(e / d, floor.nsErr / floor.ns);
        double xm = (timed.median - base.median) / floor.median;
        b.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.3f | %.3f | %.3f | ≤ %.2f× floor (%.1f ns) | %s |%n", label, d, e, x,
                xe, xm, goal, floor.ns, x <= goal ? "met" : "missed"));
    }
}
