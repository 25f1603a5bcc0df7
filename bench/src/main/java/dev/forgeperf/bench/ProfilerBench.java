package dev.forgeperf.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


/**
 * The profiler half of {@code scripts/bench.sh peers}: {@link Burn} (2 busy threads) run with no
 * profiler, with forge-perf's {@code profile cpu} over most of the run, and with async-profiler's
 * {@code cpu} and {@code itimer} engines for the whole run. Cost: operations per second in a window
 * (forge-perf: the {@code profile} command's run) against no profiler. Accuracy: the profile's CPU total against the OS's CPU time of the process over the
 * same span ({@code /proc/PID/stat} read every 50 ms, interpolated to the profile's own start and
 * end for forge-perf; the
 * process's whole CPU time, which also holds the JVM's start, for async-profiler: samples ×
 * interval, counted with {@code jfr summary}).
 */
final class ProfilerBench {
    static final int THREADS = 2;

    /** One profiler's result. */
    record Outcome(String name, double opsPerSecond, double profileCpuSeconds, double osCpuSeconds, String span) {
    }

    private ProfilerBench() {
    }

    /** Alone: {@code ProfilerBench AGENT_JAR ASYNC_PROFILER_JAR OUT_DIR SECONDS}; prints the table. */
    public static void main(String[] args) throws IOException, InterruptedException {
        Path out = Path.of(args[2]).toAbsolutePath();
        Files.createDirectories(out);
        int seconds = Integer.parseInt(args[3]);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        System.out.print(table(run(java, System.getProperty("java.class.path"), args[0], args[1], out, seconds), seconds));
    }

    static List<Outcome> run(String java, String cp, String agentJar, String asyncProfilerJar, Path out, int seconds)
            throws IOException, InterruptedException {
        List<Outcome> r = new ArrayList<>();
        Run none = start(java, cp, List.of());
        Thread.sleep(2_000); // warm-up before the window, as for the others
        long[] a = none.mark();
        Thread.sleep(seconds * 1000L);
        long[] b = none.mark();
        none.finish();
        r.add(new Outcome("no profiler", rate(a, b), Double.NaN, none.cpuNanos / 1e9, ""));

        Run fp = start(java, cp, List.of("-javaagent:" + agentJar));
        Thread.sleep(2_000);
        Path pb = out.resolve("forge-perf-cpu.pb.gz");
        CpuTrace trace = new CpuTrace(fp.pid);
        a = fp.mark();
        exec(List.of(java, "-jar", agentJar, "profile", "cpu", Long.toString(fp.pid), "-d", seconds + "s", "-o", pb.toString(), "--force"));
        b = fp.mark();
        trace.stop();
        fp.finish();
        Object[] t = PprofTotal.total(pb, "cpu");
        long from = (Long) t[3];
        long to = from + (Long) t[4];
        r.add(new Outcome("forge-perf `profile cpu` (JFR, calibrated)", rate(a, b), cpuSeconds(t), trace.between(from, to),
                "the profile's own span (its time_nanos and duration_nanos), /proc read every 50 ms"));

        for (String engine : List.of("cpu", "itimer")) {
            Path jfr = out.resolve("ap-" + engine + ".jfr");
            Run ap = start(java, cp, List.of("-javaagent:" + asyncProfilerJar + "=start,event=" + engine + ",interval=10ms,file=" + jfr + ",jfr"));
            Thread.sleep(2_000);
            a = ap.mark();
            Thread.sleep(seconds * 1000L);
            b = ap.mark();
            ap.finish();
            long samples = executionSamples(java, jfr);
            r.add(new Outcome("async-profiler 4.6 `" + engine + "`, 10 ms", rate(a, b), samples * 0.010, ap.cpuNanos / 1e9,
                    "the whole process (its JVM start included)"));
        }
        return r;
    }

    private static double rate(long[] a, long[] b) {
        return (b[0] - a[0]) / ((b[1] - a[1]) / 1e9);
    }

    /** A running {@link Burn}. */
    private static final class Run {
        Process process;
        BufferedReader out;
        java.io.Writer in;
        long pid;
        long cpuNanos;

        /** Operations done so far and the workload's clock (ns). */
        long[] mark() throws IOException {
            in.write("mark\n");
            in.flush();
            String line;
            while ((line = out.readLine()) != null) {
                Matcher m = Pattern.compile("mark ops=(\\d+) nanos=(\\d+)").matcher(line);
                if (m.find()) {
                    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
                }
            }
            throw new IllegalStateException("the workload ended before answering a mark");
        }

        void finish() throws IOException, InterruptedException {
            in.close();
            String line;
            while ((line = out.readLine()) != null) {
                Matcher m = Pattern.compile("end processCpuNanos=(\\d+)").matcher(line);
                if (m.find()) {
                    cpuNanos = Long.parseLong(m.group(1));
                }
            }
            if (!process.waitFor(120, TimeUnit.SECONDS) || cpuNanos == 0) {
                process.destroyForcibly();
                throw new IllegalStateException("the workload did not finish cleanly");
            }
        }
    }

    private static Run start(String java, String cp, List<String> jvmArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", cp, Burn.class.getName(), Integer.toString(THREADS)));
        Run r = new Run();
        r.process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        r.out = new BufferedReader(new InputStreamReader(r.process.getInputStream(), StandardCharsets.UTF_8));
        r.in = new java.io.OutputStreamWriter(r.process.getOutputStream(), StandardCharsets.UTF_8);
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = r.out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = Pattern.compile("burn ready pid=(\\d+)").matcher(line);
            if (m.find()) {
                r.pid = Long.parseLong(m.group(1));
                return r;
            }
        }
        throw new IllegalStateException("the workload did not start: " + cmd + "\n" + seen);
    }

    /** Runs {@code cmd} to its end (300 s at most) and returns its output; throws with the output when it fails. */
    static String exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("failed: " + cmd + "\n" + text);
        }
        return text;
    }

    /** utime + stime of the process, from /proc (clock ticks of 1/100 s, as Linux reports them on x86-64). */
    private static double procCpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    /** The pprof's "cpu" total in seconds, read with {@link PprofTotal} (not forge-perf's reader). */
    private static double cpuSeconds(Object[] t) {
        long total = (Long) t[2];
        return switch ((String) t[1]) {
            case "nanoseconds" -> total / 1e9;
            case "microseconds" -> total / 1e6;
            case "milliseconds" -> total / 1e3;
            default -> throw new IllegalStateException("unexpected CPU unit in forge-perf's pprof: " + t[1]);
        };
    }

    /** The process's CPU time (/proc) read every 50 ms against the wall clock, to know it over any span. */
    private static final class CpuTrace {
        private final List<double[]> points = new ArrayList<>();
        private final Thread thread;
        private volatile boolean done;

        CpuTrace(long pid) {
            thread = new Thread(() -> {
                while (!done) {
                    try {
                        double cpu = procCpuSeconds(pid);
                        synchronized (points) {
                            points.add(new double[] {System.currentTimeMillis() * 1e6, cpu});
                        }
                        Thread.sleep(50);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            }, "cpu-trace");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            done = true;
            thread.join();
        }

        /** CPU seconds between two epoch-ns instants, linearly interpolated between reads. */
        double between(long fromEpochNanos, long toEpochNanos) {
            return at(toEpochNanos) - at(fromEpochNanos);
        }

        private double at(double epochNanos) {
            for (int i = 1; i < points.size(); i++) {
                double[] p = points.get(i - 1);
                double[] q = points.get(i);
                if (q[0] >= epochNanos) {
                    return q[0] == p[0] ? q[1] : p[1] + (q[1] - p[1]) * (epochNanos - p[0]) / (q[0] - p[0]);
                }
            }
            throw new IllegalStateException("the profile's span is outside the CPU trace");
        }
    }

    private static long executionSamples(String java, Path jfr) throws IOException, InterruptedException {
        String text = exec(List.of(Path.of(java).resolveSibling("jfr").toString(), "summary", jfr.toString()));
        Matcher m = Pattern.compile("jdk\\.ExecutionSample\\s+(\\d+)").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no jdk.ExecutionSample count in `jfr summary " + jfr + "`:\n" + text);
        }
        return Long.parseLong(m.group(1));
    }

    static String table(List<Outcome> rows, int seconds) {
        StringBuilder b = new StringBuilder();
        b.append("`dev.forgeperf.bench.Burn`: ").append(THREADS).append(" threads spinning, JDK 17, a ").append(seconds).append(" s window "
                + "after 2 s of warm-up. Cost: operations per second in the window against no profiler. Accuracy: the profile's CPU total against the OS's CPU time of the "
                + "process over the span it covers.\n\n");
        b.append("| profiler | ops/s | vs none | profile's CPU s | OS CPU s | error | span compared |\n|---|---:|---:|---:|---:|---:|---|\n");
        Outcome none = rows.get(0);
        for (Outcome o : rows) {
            boolean base = o == none;
            b.append(String.format(Locale.ROOT, "| %s | %.0f | %s | %s | %.2f | %s | %s |%n", o.name(), o.opsPerSecond(),
                    base ? "" : String.format(Locale.ROOT, "%+.1f%%", 100 * (o.opsPerSecond() / none.opsPerSecond() - 1)),
                    base ? "" : String.format(Locale.ROOT, "%.2f", o.profileCpuSeconds()), o.osCpuSeconds(),
                    base ? "" : String.format(Locale.ROOT, "%+.1f%%", 100 * (o.profileCpuSeconds() / o.osCpuSeconds() - 1)), o.span()));
        }
        return b.toString();
    }
}
