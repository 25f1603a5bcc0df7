package dev.forgeperf.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code scripts/bench.sh peers}: the cost of timing one trivial method ({@link PeerTarget#work})
 * with forge-perf and with what users would pick instead, in one run, as ratios to the floor (two
 * {@code System.nanoTime()} reads) measured in the same run on the same JDK; then the start-up
 * cost of each agent on a short program ({@link Hello}). Writes the results as Markdown.
 *
 * <p>Every peer runs {@link PeerBench} in its own forks, started with the peer's JVM options:
 * no agent (the baseline, on each JDK), forge-perf exact and sampled, the OpenTelemetry Java
 * agent's method spans (exporters off), Arthas {@code monitor} (attached by the fork itself), and
 * on JDK 25 JFR's method timing (JEP 520) beside forge-perf on the same JDK. Each peer is checked
 * to have really timed the method: forge-perf's registry ({@link AgentCheck}), Arthas's
 * "Affect(… method count: 1)" line, JFR's {@code jdk.MethodTiming} events read back with
 * {@code jfr}; OpenTelemetry gives no in-process evidence, so an added cost under 2 ns is flagged.
 *
 * <p>Usage: {@code PeersMain --agent JAR --otel JAR --arthas-home DIR --async-profiler JAR
 * [--jdk25 JAVA] --out DIR --doc FILE [--startup-runs N] [--service-seconds N] [JMH options…]}.
 */
public final class PeersMain {
    private static final String GC_NORM = "gc.alloc.rate.norm";
    private static final String TARGET = PeerTarget.class.getName();

    /** One column of the comparison: how the forks are started. */
    record Peer(String name, String jdk, String java, List<String> jvmArgs, boolean baseline) {
    }

    /** A measured benchmark of one peer. */
    record Score(double ns, double err, double bytes) {
    }

    private PeersMain() {
    }

    public static void main(String[] args) throws IOException, RunnerException, InterruptedException {
        Map<String, String> opt = new LinkedHashMap<>();
        List<String> jmhArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--") && i + 1 < args.length
                    && List.of("--agent", "--otel", "--arthas-home", "--async-profiler", "--jdk25", "--out", "--doc", "--startup-runs", "--service-seconds")
                            .contains(args[i])) {
                opt.put(args[i].substring(2), args[++i]);
            } else {
                jmhArgs.add(args[i]);
            }
        }
        for (String need : List.of("agent", "otel", "arthas-home", "async-profiler", "out", "doc")) {
            if (!opt.containsKey(need)) {
                System.err.println("usage: PeersMain --agent JAR --otel JAR --arthas-home DIR --async-profiler JAR [--jdk25 JAVA] "
                        + "--out DIR --doc FILE [--startup-runs N] [JMH options]; missing --" + need);
                System.exit(2);
            }
        }
        CommandLineOptions cli;
        try {
            cli = new CommandLineOptions(jmhArgs.toArray(new String[0]));
        } catch (CommandLineOptionException e) {
            System.err.println("bad JMH option: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path out = Path.of(opt.get("out")).toAbsolutePath();
        Files.createDirectories(out);
        String java17 = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String java25 = opt.get("jdk25");
        String agent = Path.of(opt.get("agent")).toAbsolutePath().toString();
        String forgeSpec = "=timed=" + TARGET + "#work";

        List<Peer> peers = new ArrayList<>();
        peers.add(new Peer("no agent", "17", java17, List.of(), true));
        peers.add(new Peer("forge-perf exact", "17", java17, List.of("-javaagent:" + agent + forgeSpec), false));
        peers.add(new Peer("forge-perf sampled 1/16", "17", java17, List.of("-javaagent:" + agent + forgeSpec + ",timed.sample=16"), false));
        peers.add(new Peer("OpenTelemetry 2.33.0 method spans", "17", java17, List.of("-javaagent:" + opt.get("otel"),
                "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none",
                "-Dotel.instrumentation.methods.include=" + TARGET + "[work]"), false));
        peers.add(new Peer("Arthas 4.1.5 monitor", "17", java17, List.of("-Dpeer.arthas.home=" + opt.get("arthas-home")), false));
        if (java25 != null) {
            peers.add(new Peer("no agent", "25", java25, List.of(), true));
            peers.add(new Peer("forge-perf exact", "25", java25, List.of("-javaagent:" + agent + forgeSpec), false));
            peers.add(new Peer("JFR method timing (JEP 520)", "25", java25, List.of("-XX:StartFlightRecording:method-timing=" + TARGET
                    + "::work,filename=" + out.resolve("method-timing-%p.jfr")), false));
        }

        String startLoad = TimingMain.loadavg();
        Instant started = Instant.now();
        Map<Peer, Map<String, Score>> scores = new LinkedHashMap<>();
        Map<Peer, String> checks = new LinkedHashMap<>();
        int n = 0;
        for (Peer p : peers) {
            String include = p.baseline() ? "^" + PeerBench.class.getName().replace(".", "\\.") + "\\.(floor|call|floor_2threads|call_2threads)$"
                    : "^" + PeerBench.class.getName().replace(".", "\\.") + "\\.(call|call_2threads)$";
            OptionsBuilder o = new OptionsBuilder();
            o.parent(cli).include(include).addProfiler(GCProfiler.class).shouldFailOnError(true).jvm(p.java())
                    .resultFormat(ResultFormatType.JSON).result(out.resolve("peer-" + (n++) + ".json").toString());
            if (!p.jvmArgs().isEmpty()) {
                o.jvmArgsAppend(p.jvmArgs().toArray(new String[0]));
            }
            System.out.println("# " + p.name() + " (JDK " + p.jdk() + "): " + String.join(" ", p.jvmArgs()));
            Map<String, Score> s = new LinkedHashMap<>();
            for (RunResult r : new Runner(o.build()).run()) {
                String full = r.getParams().getBenchmark();
                Result<?> gc = r.getSecondaryResults().get(GC_NORM);
                s.put(full.substring(full.lastIndexOf('.') + 1), new Score(r.getPrimaryResult().getScore(),
                        r.getPrimaryResult().getScoreError(), gc == null ? Double.NaN : TimingMain.median(r, GC_NORM)));
            }
            scores.put(p, s);
            checks.put(p, check(p, out, java25));
        }

        int runs = Integer.parseInt(opt.getOrDefault("startup-runs", "5"));
        String benchJar = System.getProperty("java.class.path");
        Map<String, List<String>> startupArgs = new LinkedHashMap<>();
        startupArgs.put("no agent", List.of());
        startupArgs.put("forge-perf (defaults: JFR recording, sampler, socket)", List.of("-javaagent:" + agent));
        startupArgs.put("forge-perf, jfr=off", List.of("-javaagent:" + agent + "=jfr=off"));
        startupArgs.put("OpenTelemetry agent (exporters off)", List.of("-javaagent:" + opt.get("otel"),
                "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none"));
        startupArgs.put("async-profiler 4.6 (itimer, JFR output)", List.of("-javaagent:" + opt.get("async-profiler")
                + "=start,event=itimer,file=" + out.resolve("ap-startup.jfr") + ",jfr"));
        startupArgs.put("JFR -XX:StartFlightRecording", List.of("-XX:StartFlightRecording:filename=" + out.resolve("startup.jfr")));
        Map<String, double[]> startup = startup(java17, startupArgs, benchJar, runs);

        int serviceSeconds = Integer.parseInt(opt.getOrDefault("service-seconds", "30"));
        List<ServiceBench.Setup> setups = serviceSetups(agent, opt.get("otel"), opt.get("async-profiler"), out);
        ServiceBench.Bracketed service = ServiceBench.runBracketed(setups, java17, benchJar, agent, opt.get("arthas-home"), serviceSeconds);

        System.out.println("# profilers on a CPU-bound workload");
        List<ProfilerBench.Outcome> profilers = ProfilerBench.run(java17, benchJar, agent, opt.get("async-profiler"), out, serviceSeconds);

        String doc = render(peers, scores, checks, startup, runs, startLoad, started, service, serviceSeconds)
                + "\n## Profilers: cost and CPU-total accuracy\n\n" + ProfilerBench.table(profilers, serviceSeconds)
                + "\nJFR → pprof conversion against async-profiler's converter on a 100+ MB recording: `scripts/bench.sh profiles` "
                + "(numbers in the README's Benchmarks section).\n";
        Path docFile = Path.of(opt.get("doc"));
        Path tmp = docFile.resolveSibling("." + docFile.getFileName() + ".tmp");
        Files.writeString(tmp, doc);
        Files.move(tmp, docFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println();
        System.out.print(doc);
        System.out.println("\n(written to " + docFile + "; raw JMH results in " + out + ")");
    }

    /** The agents the service runs with, a control without one first (each run is bracketed by two runs without an agent). */
    static List<ServiceBench.Setup> serviceSetups(String agent, String otel, String asyncProfiler, Path out) {
        String pkg = "dev.forgeperf.bench.service";
        return List.of(
                // a control: what the comparison gives when nothing differs (the machine's noise)
                new ServiceBench.Setup("no agent (control: the noise of the comparison)", List.of(), null),
                new ServiceBench.Setup("forge-perf, whole package timed", List.of("-javaagent:" + agent + "=timed=" + pkg + ".**#*"), null),
                new ServiceBench.Setup("forge-perf, whole package timed, `timed.sample=16`",
                        List.of("-javaagent:" + agent + "=timed=" + pkg + ".**#*,timed.sample=16"), null),
                new ServiceBench.Setup("OpenTelemetry method spans on the package", List.of("-javaagent:" + otel,
                        "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none",
                        "-Dotel.instrumentation.methods.include=" + otelMethods(pkg)), null),
                new ServiceBench.Setup("Arthas `monitor` on the package", List.of(), "monitor -c 60 -n 100000 " + pkg + ".* *"),
                new ServiceBench.Setup("Arthas `trace` of /report", List.of(), "trace -n 100000 " + pkg + ".Shop report '#cost > 1000'"),
                new ServiceBench.Setup("async-profiler `cpu`", List.of("-javaagent:" + asyncProfiler + "=start,event=cpu,file="
                        + out.resolve("ap-service.jfr") + ",jfr"), null),
                new ServiceBench.Setup("JFR `profile` settings", List.of("-XX:StartFlightRecording:settings=profile,filename="
                        + out.resolve("service.jfr")), null));
    }

    private static String check(Peer p, Path out, String java25) throws IOException, InterruptedException {
        if (p.name().startsWith("JFR method timing")) {
            long invocations = 0;
            try (Stream<Path> files = Files.list(out)) {
                for (Path f : files.filter(x -> x.getFileName().toString().startsWith("method-timing-")).toList()) {
                    String jfr = Path.of(java25).resolveSibling("jfr").toString();
                    Process pr = new ProcessBuilder(jfr, "print", "--events", "jdk.MethodTiming", f.toString()).redirectErrorStream(true).start();
                    String text = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    pr.waitFor(60, TimeUnit.SECONDS);
                    Matcher m = Pattern.compile("invocations = ([0-9_,]+)").matcher(text);
                    while (m.find()) {
                        invocations = Math.max(invocations, Long.parseLong(m.group(1).replaceAll("[_,]", "")));
                    }
                    Files.delete(f);
                }
            }
            return invocations > 0 ? "jdk.MethodTiming events read back with `jfr`: " + invocations + " invocations"
                    : "NO jdk.MethodTiming events: the method was not timed";
        }
        if (p.name().startsWith("forge-perf")) {
            return "the forks checked the agent's registry (AgentCheck): method registered";
        }
        if (p.name().startsWith("Arthas")) {
            return "the forks waited for Arthas's \"Affect(class count: 1 , method count: 1)\"";
        }
        if (p.name().startsWith("OpenTelemetry")) {
            return "no in-process evidence; an added cost under 2 ns is flagged";
        }
        return "";
    }

    /**
     * Median ms to main and to exit of {@link Hello} under each agent's arguments, over
     * {@code runs} rounds (after one warm-up round); a round runs every agent once, in turn, so
     * that the machine's drift reaches every agent alike.
     */
    private static Map<String, double[]> startup(String java, Map<String, List<String>> agents, String cp, int runs)
            throws IOException, InterruptedException {
        Map<String, List<Double>> toMain = new LinkedHashMap<>();
        Map<String, List<Double>> toExit = new LinkedHashMap<>();
        for (int i = -1; i < runs; i++) {
            for (Map.Entry<String, List<String>> a : agents.entrySet()) {
                double[] run = startupRun(java, a.getValue(), cp);
                if (i >= 0) {
                    toMain.computeIfAbsent(a.getKey(), k -> new ArrayList<>()).add(run[0]);
                    toExit.computeIfAbsent(a.getKey(), k -> new ArrayList<>()).add(run[1]);
                }
            }
        }
        Map<String, double[]> medians = new LinkedHashMap<>();
        for (String name : agents.keySet()) {
            medians.put(name, new double[] {median(toMain.get(name)), median(toExit.get(name))});
        }
        return medians;
    }

    /** One run of {@link Hello} with {@code args}: ms to main and to exit. */
    private static double[] startupRun(String java, List<String> args, String cp) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(args);
        cmd.addAll(List.of("-cp", cp, Hello.class.getName()));
        long t0 = System.currentTimeMillis();
        Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        long mainAt = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(pr.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("main-at ")) {
                    mainAt = Long.parseLong(line.substring(8).trim());
                }
            }
        }
        if (!pr.waitFor(120, TimeUnit.SECONDS)) {
            pr.destroyForcibly();
            throw new IllegalStateException("start-up run did not end in 120 s: " + cmd);
        }
        long t1 = System.currentTimeMillis();
        if (mainAt < 0 || pr.exitValue() != 0) {
            throw new IllegalStateException("start-up run failed (exit " + pr.exitValue() + "): " + cmd);
        }
        return new double[] {mainAt - t0, t1 - t0};
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String render(List<Peer> peers, Map<Peer, Map<String, Score>> scores, Map<Peer, String> checks,
            Map<String, double[]> startup, int runs, String startLoad, Instant started, ServiceBench.Bracketed service, int serviceSeconds)
            throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("# Benchmarks: forge-perf beside what users would pick instead\n\n");
        b.append("Written by `scripts/bench.sh peers` (").append(started.truncatedTo(ChronoUnit.SECONDS)).append("); run it again to reproduce.\n");
        b.append("Every peer is fetched from Maven Central by the script. Numbers are from one run on the machine below;\n"
                + "ratios are to the floor measured in the same run on the same JDK, which is what carries over to other machines.\n\n");
        b.append("## Machine\n\n").append(machine()).append("- load average at start ").append(startLoad).append(", at end ")
                .append(TimingMain.loadavg()).append(" (other load inflates 2-thread results most)\n\n");
        b.append("## Timed-call cost on one trivial method\n\n");
        b.append("JMH (`-prof gc`), ").append("`").append(PeerTarget.class.getSimpleName()).append("#work(int)` (not inlined). "
                + "ns/op: mean ± JMH's 99.9% confidence half-width; added = peer − no agent on the same JDK (errors in quadrature); "
                + "× floor = added / floor (two `System.nanoTime()` reads and their difference, same JDK); B/op: median of iterations.\n\n");
        b.append("| peer | JDK | threads | ns/op | ± | added ns/call | × floor | B/op | evidence it timed the method |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        Map<String, Double> added = new LinkedHashMap<>();
        for (Peer p : peers) {
            Peer base = baseline(peers, p.jdk());
            for (String bench : List.of("call", "call_2threads")) {
                Score s = scores.get(p).get(bench);
                Score u = scores.get(base).get(bench);
                Score f = scores.get(base).get(bench.endsWith("2threads") ? "floor_2threads" : "floor");
                if (s == null || u == null || f == null) {
                    continue;
                }
                double d = s.ns() - u.ns();
                String evidence = checks.get(p);
                if (p.name().startsWith("OpenTelemetry") && d < 2) {
                    evidence = "WARNING: added cost under 2 ns: the method was probably not instrumented";
                }
                b.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %.2f | %s | %s | %.3f | %s |%n", p.name(), p.jdk(),
                        bench.endsWith("2threads") ? 2 : 1, s.ns(), s.err(), p.baseline() ? "" : String.format(Locale.ROOT, "%.2f ± %.2f", d,
                                Math.hypot(s.err(), u.err())), p.baseline() ? "" : String.format(Locale.ROOT, "%.2f×", d / f.ns()), s.bytes(),
                        p.baseline() ? String.format(Locale.ROOT, "floor %.2f ± %.2f ns", f.ns(), f.err()) : evidence));
                if (!p.baseline() && bench.equals("call")) {
                    added.put(p.name() + "@" + p.jdk(), d);
                }
            }
        }
        b.append("\n### Goals\n\n| goal | measured | |\n|---|---|---|\n");
        Peer base17 = baseline(peers, "17");
        Double fe = added.get("forge-perf exact@17");
        if (fe != null) {
            double floor = scores.get(base17).get("floor").ns();
            goal(b, "forge-perf exact ≤ 1.15× the floor (JDK 17)", String.format(Locale.ROOT, "%.2f×", fe / floor), fe / floor <= 1.15);
            Double otel = added.get("OpenTelemetry 2.33.0 method spans@17");
            if (otel != null) {
                goal(b, "≥ 8× less added cost than OpenTelemetry's method spans", String.format(Locale.ROOT, "%.1f× less", otel / fe),
                        otel / fe >= 8);
            }
            Double arthas = added.get("Arthas 4.1.5 monitor@17");
            if (arthas != null) {
                goal(b, "≥ 5× less added cost than Arthas `monitor`", String.format(Locale.ROOT, "%.1f× less", arthas / fe), arthas / fe >= 5);
            }
        }
        Double f25 = added.get("forge-perf exact@25");
        Double jfr25 = added.get("JFR method timing (JEP 520)@25");
        if (f25 != null && jfr25 != null) {
            goal(b, "below JDK 25's JFR method timing (which gives no percentiles)", String.format(Locale.ROOT, "%.2f ns vs %.2f ns", f25, jfr25),
                    f25 < jfr25);
        }
        b.append("\n## A service under load\n\n");
        b.append("`dev.forgeperf.bench.service.Shop`: an HTTP service (JDK `HttpServer`, 4 workers, `-Xmx256m`, JDK 17) whose three endpoints "
                + "run through 17 methods of one package, driven by ").append(ServiceBench.CLIENTS).append(" closed-loop clients on the same "
                + "machine (a fixed mix: 50% search, 30% price, 20% report) for ").append(serviceSeconds).append(" s after a 10 s warm-up. "
                + "Memory: resident set at the end, heap used after a full GC (`jcmd GC.run`, `GC.heap_info`). "
                + "Each agent's run sits between two runs without an agent and is compared with their mean (\"no agent around it\"), "
                + "so that the machine's drift during the benchmark is not counted as an agent's cost.\n\n");
        b.append("| agent | requests/s | no agent around it, requests/s | vs no agent | p50 µs | p99 µs | RSS MB | heap after GC MB (added) | evidence |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        b.append(service.rows());
        List<ServiceBench.Outcome> bare = service.bare();
        double lo = bare.stream().mapToDouble(ServiceBench.Outcome::rps).min().orElse(0);
        double hi = bare.stream().mapToDouble(ServiceBench.Outcome::rps).max().orElse(0);
        b.append(String.format(Locale.ROOT, "%nThe %d runs without an agent ranged from %.0f to %.0f requests/s (%.0f%% apart): the machine's drift.%n",
                bare.size(), lo, hi, 100 * (hi / lo - 1)));
        b.append("\n| goal | measured | |\n|---|---|---|\n");
        for (int i = 0; i < service.agents().size(); i++) {
            ServiceBench.Outcome o = service.agents().get(i);
            if (o.agent().startsWith("forge-perf")) {
                double loss = 100 * (1 - o.rps() / service.around(i).rps());
                goal(b, "throughput within 2% of no agent: " + o.agent(), String.format(Locale.ROOT, "%.1f%% %s", Math.abs(loss),
                        loss >= 0 ? "lower" : "higher"), loss <= 2);
            }
        }
        b.append("\n## Start-up: a program that prints one line and exits\n\n");
        b.append("Median of ").append(runs).append(" rounds after one warm-up round (a round runs every agent once, in turn), JDK 17, "
                + "wall clock ms from launching `java` to the first line of `main` and to the process's exit.\n\n");
        b.append("| agent | to main ms | added to main | to exit ms | added to exit |\n|---|---:|---:|---:|---:|\n");
        double[] none = startup.get("no agent");
        for (Map.Entry<String, double[]> e : startup.entrySet()) {
            double[] v = e.getValue();
            boolean base = e.getKey().equals("no agent");
            b.append(String.format(Locale.ROOT, "| %s | %.0f | %s | %.0f | %s |%n", e.getKey(), v[0],
                    base ? "" : String.format(Locale.ROOT, "%+.0f", v[0] - none[0]), v[1], base ? "" : String.format(Locale.ROOT, "%+.0f", v[1] - none[1])));
        }
        double[] fp = startup.get("forge-perf (defaults: JFR recording, sampler, socket)");
        b.append("\n| goal | measured | |\n|---|---|---|\n");
        goal(b, "forge-perf start-up ≤ +150 ms to `main`", String.format(Locale.ROOT, "%+.0f ms", fp[0] - none[0]), fp[0] - none[0] <= 150);
        return b.toString();
    }

    /** The OpenTelemetry {@code methods.include} value naming every declared method of the service package's classes. */
    private static String otelMethods(String pkg) {
        StringBuilder b = new StringBuilder();
        for (String c : List.of("Catalog", "Pricing", "Reports", "Shop")) {
            try {
                Class<?> k = Class.forName(pkg + "." + c, false, PeersMain.class.getClassLoader());
                java.util.Set<String> names = new java.util.TreeSet<>();
                for (java.lang.reflect.Method m : k.getDeclaredMethods()) {
                    if (!m.isSynthetic()) {
                        names.add(m.getName());
                    }
                }
                b.append(b.length() == 0 ? "" : ";").append(k.getName()).append('[').append(String.join(",", names)).append(']');
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return b.toString();
    }

    private static void goal(StringBuilder b, String goal, String measured, boolean met) {
        b.append("| ").append(goal).append(" | ").append(measured).append(" | ").append(met ? "met" : "**missed**").append(" |\n");
    }

    private static Peer baseline(List<Peer> peers, String jdk) {
        for (Peer p : peers) {
            if (p.baseline() && p.jdk().equals(jdk)) {
                return p;
            }
        }
        throw new IllegalStateException("no baseline for JDK " + jdk);
    }

    private static String machine() throws IOException {
        StringBuilder b = new StringBuilder();
        String cpu = "?";
        for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (l.startsWith("model name")) {
                cpu = l.substring(l.indexOf(':') + 1).trim();
                break;
            }
        }
        String mem = "?";
        for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (l.startsWith("MemTotal:")) {
                mem = String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
            }
        }
        b.append("- CPU: ").append(cpu).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs; memory ").append(mem)
                .append('\n');
        b.append("- OS: ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version")).append('\n');
        b.append("- harness JVM: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version")).append('\n');
        return b.toString();
    }
}
