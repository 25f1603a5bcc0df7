package dev.forgeperf.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.forgeperf.bench.service.Shop;

/**
 * The realistic half of {@code scripts/bench.sh peers}: {@link Shop} (an HTTP service whose
 * package is timed or watched whole) started once per agent, driven by a closed-loop load of
 * {@value #CLIENTS} clients in this JVM (a fixed request mix over its three endpoints), measured
 * after a warm-up (Arthas is attached after it, as it enhances only loaded classes, then the load
 * warms up again): requests per second, p50 and p99 latency, and the service's memory at the end
 * (resident set from {@code /proc}, heap used after a GC from {@code jcmd GC.heap_info}).
 */
final class ServiceBench {
    static final int CLIENTS = 4;

    /** One agent's result. */
    record Outcome(String agent, double rps, double p50Micros, double p99Micros, long rssKb, long heapUsedKb, String evidence) {
    }

    /** How an agent is put on the service: JVM options, and for Arthas a command attached after start. */
    record Setup(String name, List<String> jvmArgs, String arthasCommand) {
    }

    private ServiceBench() {
    }

    /** Alone: {@code ServiceBench AGENT_JAR OTEL_JAR ARTHAS_HOME ASYNC_PROFILER_JAR OUT_DIR SECONDS}; prints the table's rows. */
    public static void main(String[] args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = Path.of(args[4]).toAbsolutePath();
        Files.createDirectories(out);
        Bracketed b = runBracketed(PeersMain.serviceSetups(args[0], args[1], args[3], out), java, System.getProperty("java.class.path"),
                args[0], args[2], Integer.parseInt(args[5]));
        System.out.print(b.rows());
    }

    /** The runs of every agent (in order) and the runs without an agent around them: bare(i) before agents(i), bare(i+1) after. */
    record Bracketed(List<Outcome> agents, List<Outcome> bare) {
        /** What agent run {@code i} is compared with: the mean of the two runs without an agent around it. */
        Outcome around(int i) {
            return mean(bare.get(i), bare.get(i + 1));
        }

        /** The table's rows: the first run without an agent, then each agent's run against the two around it. */
        String rows() {
            StringBuilder b = new StringBuilder(format(bare.get(0), null, 0, bare.get(0)));
            for (int i = 0; i < agents.size(); i++) {
                b.append(format(agents.get(i), bare.get(i).rps(), bare.get(i + 1).rps(), around(i)));
            }
            return b.toString();
        }
    }

    /**
     * Runs the service with each setup, each run between two runs without an agent, so that each
     * is compared with the two around it: the machine's drift over the benchmark (other load,
     * frequency) does not pass for an agent's cost.
     */
    static Bracketed runBracketed(List<Setup> setups, String java, String cp, String agentJar, String arthasHome, int seconds)
            throws IOException, InterruptedException {
        Setup none = new Setup("no agent", List.of(), null);
        List<Outcome> bare = new ArrayList<>();
        List<Outcome> agents = new ArrayList<>();
        System.out.println("# service with no agent");
        bare.add(run(none, java, cp, agentJar, arthasHome, 10, seconds));
        for (Setup s : setups) {
            System.out.println("# service with " + s.name());
            agents.add(run(s, java, cp, agentJar, arthasHome, 10, seconds));
            System.out.println("# service with no agent");
            bare.add(run(none, java, cp, agentJar, arthasHome, 10, seconds));
        }
        return new Bracketed(agents, bare);
    }

    static Outcome run(Setup s, String java, String cp, String agentJar, String arthasHome, int warmupSeconds, int seconds)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-Xmx256m");
        // without TCP_NODELAY the JDK's HttpServer answers in two segments and every request waits
        // for the client's delayed ACK (~40 ms): the benchmark would measure that, not the work
        cmd.add("-Dsun.net.httpserver.nodelay=true");
        cmd.addAll(s.jvmArgs());
        cmd.addAll(List.of("-cp", cp, Shop.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Process arthas = null;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Matcher m = null;
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null) {
                seen.append(line).append('\n');
                Matcher x = Pattern.compile("shop ready port=(\\d+) pid=(\\d+)").matcher(line);
                if (x.find()) {
                    m = x;
                    break;
                }
            }
            if (m == null) {
                throw new IllegalStateException("the service did not start with " + s.name() + ":\n" + seen);
            }
            PeerBench.drain(out, "service-drain");
            int port = Integer.parseInt(m.group(1));
            long pid = Long.parseLong(m.group(2));
            String evidence = "";
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            String base = "http://127.0.0.1:" + port;
            load(client, base, warmupSeconds, null);
            if (s.arthasCommand() != null) {
                // after the warm-up: Arthas enhances only classes already loaded
                arthas = PeerBench.startArthas(java, arthasHome, s.arthasCommand(), pid);
                evidence = "Arthas: " + PeerBench.lastAffect;
                load(client, base, Math.max(1, warmupSeconds / 2), null);
            }
            long[][] lat = new long[CLIENTS][];
            long count = load(client, base, seconds, lat);
            long total = 0;
            for (long[] l : lat) {
                total += l.length;
            }
            long[] all = new long[(int) total];
            int k = 0;
            for (long[] l : lat) {
                System.arraycopy(l, 0, all, k, l.length);
                k += l.length;
            }
            Arrays.sort(all);
            if (s.name().startsWith("forge-perf")) {
                evidence = forgePerfRows(java, agentJar, pid) + " methods of the package in `timings`";
            }
            long rss = rssKb(pid);
            long heap = heapUsedAfterGcKb(java, pid);
            return new Outcome(s.name(), count / (double) seconds, all[all.length / 2] / 1000.0, all[(int) Math.min(all.length - 1,
                    Math.ceil(all.length * 0.99) - 1)] / 1000.0, rss, heap, evidence);
        } finally {
            if (arthas != null) {
                arthas.destroyForcibly();
            }
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Runs the closed loop for {@code seconds}; returns the requests answered; fills {@code lat} (ns) per client when given. */
    private static long load(HttpClient client, String base, int seconds, long[][] lat) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Thread[] threads = new Thread[CLIENTS];
        long[] counts = new long[CLIENTS];
        RuntimeException[] failure = new RuntimeException[1];
        for (int c = 0; c < CLIENTS; c++) {
            int id = c;
            threads[c] = new Thread(() -> {
                long[] l = new long[1 << 16];
                int n = 0;
                int i = id * 7919;
                while (System.nanoTime() < end) {
                    String path = switch (i % 10) {
                        case 0, 1, 2, 3, 4 -> "/search?q=" + (i % 3 == 0 ? "red+chair" : i % 3 == 1 ? "oak+table+large" : "glass+lamp");
                        case 5, 6, 7 -> "/price?p=" + (i % 2000) + "&n=" + (1 + i % 120) + "&r=" + (i % 2 == 0 ? "eu" : "us");
                        default -> "/report?q=steel+desk&n=" + (1 + i % 30) + "&r=uk";
                    };
                    i++;
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("HTTP " + r.statusCode() + " for " + path);
                        }
                    } catch (IOException e) {
                        failure[0] = new IllegalStateException("request failed: " + path + ": " + e, e);
                        return;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    long d = System.nanoTime() - t0;
                    if (n == l.length) {
                        l = Arrays.copyOf(l, n * 2);
                    }
                    l[n++] = d;
                }
                counts[id] = n;
                if (lat != null) {
                    lat[id] = Arrays.copyOf(l, n);
                }
            }, "load-" + c);
            threads[c].start();
        }
        long total = 0;
        for (int c = 0; c < CLIENTS; c++) {
            threads[c].join();
            total += counts[c];
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return total;
    }

    private static long rssKb(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Heap used right after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}'s "used"), KB. */
    private static long heapUsedAfterGcKb(String java, long pid) throws IOException, InterruptedException {
        String jcmd = Path.of(java).resolveSibling("jcmd").toString();
        ProfilerBench.exec(List.of(jcmd, Long.toString(pid), "GC.run"));
        String info = ProfilerBench.exec(List.of(jcmd, Long.toString(pid), "GC.heap_info"));
        Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static int forgePerfRows(String java, String agentJar, long pid) throws IOException, InterruptedException {
        String text = ProfilerBench.exec(List.of(java, "-jar", agentJar, "timings", Long.toString(pid), "--all", "--wide"));
        int rows = 0;
        for (String l : text.split("\n")) {
            if (l.contains("dev.forgeperf.bench.service.")) {
                rows++;
            }
        }
        if (rows == 0) {
            throw new IllegalStateException("forge-perf timed nothing in the service's package; timings said:\n" + text);
        }
        return rows;
    }

    /** The mean of two runs without an agent: what the run between them is compared with. */
    static Outcome mean(Outcome a, Outcome b) {
        return new Outcome(a.agent(), (a.rps() + b.rps()) / 2, (a.p50Micros() + b.p50Micros()) / 2, (a.p99Micros() + b.p99Micros()) / 2,
                (a.rssKb() + b.rssKb()) / 2, (a.heapUsedKb() + b.heapUsedKb()) / 2, a.evidence());
    }

    /**
     * One row of the service table: {@code o} against {@code base}; {@code before} and {@code after}
     * the requests/s of the runs without an agent around it (null for the first run without one).
     */
    static String format(Outcome o, Double before, double after, Outcome base) {
        boolean b = before == null;
        return String.format(Locale.ROOT, "| %s | %.0f | %s | %s | %.0f | %.0f | %.1f | %s | %s |%n", o.agent(), o.rps(),
                b ? "" : String.format(Locale.ROOT, "%.0f, %.0f", before, after),
                b ? "" : String.format(Locale.ROOT, "%+.1f%%", 100 * (o.rps() / base.rps() - 1)), o.p50Micros(), o.p99Micros(),
                o.rssKb() / 1024.0, b ? String.format(Locale.ROOT, "%.1f", o.heapUsedKb() / 1024.0)
                        : String.format(Locale.ROOT, "%+.1f", (o.heapUsedKb() - base.heapUsedKb()) / 1024.0), o.evidence());
    }
}
