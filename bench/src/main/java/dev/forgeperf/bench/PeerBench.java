package dev.forgeperf.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The timed-call cost of each peer on {@link PeerTarget#work}, run by {@link PeersMain} once per
 * peer with that peer's JVM options (and JVM): {@code call} and {@code call_2threads} are the
 * same call, timed by whatever the fork was started with; {@code floor} is two
 * {@code System.nanoTime()} reads and their difference (as in {@link TimingBench}). With {@code -Dpeer.arthas.home=DIR}, the fork attaches Arthas
 * to itself before the trial and runs {@code monitor} on the method until the trial ends: the
 * trial starts only after Arthas printed that it enhanced the method.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class PeerBench {
    private final PeerTarget target = new PeerTarget();
    /** Not a constant, so the call cannot be folded. */
    private int arg = 7;
    private Process arthas;

    @Setup(Level.Trial)
    public void attachPeer() throws IOException {
        String home = System.getProperty("peer.arthas.home");
        if (home != null) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            arthas = startArthas(java, home, "monitor -c 60 -n 100000 " + PeerTarget.class.getName() + " work", ProcessHandle.current().pid());
        }
    }

    /** The latest "Affect(…)" line Arthas printed (evidence for the results table). */
    static volatile String lastAffect = "";

    private static final Pattern AFFECT = Pattern.compile("Affect\\(class count: (\\d+) , method count: (\\d+)\\)");

    /**
     * Attaches Arthas to {@code pid} and runs {@code command} (a watching command such as
     * {@code monitor} or {@code trace}); returns once Arthas printed that it enhanced at least one
     * method, with its output drained in the background; throws with what it printed otherwise.
     */
    static Process startArthas(String java, String home, String command, long pid) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", Path.of(home, "arthas-boot.jar").toString(), "--arthas-home", home,
                "--repo-mirror", "none", "--width", "200", "-c", command, Long.toString(pid)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        java.util.concurrent.atomic.AtomicBoolean enhanced = new java.util.concurrent.atomic.AtomicBoolean();
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(180_000);
            } catch (InterruptedException e) {
                return;
            }
            if (!enhanced.get()) {
                p.destroyForcibly(); // ends the read below
            }
        }, "arthas-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = r.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = AFFECT.matcher(line);
            if (m.find() && Integer.parseInt(m.group(2)) > 0) {
                enhanced.set(true);
                lastAffect = m.group();
                System.out.println("[peer check] Arthas `" + command + "`: " + m.group());
                drain(r, "arthas-drain");
                return p;
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("Arthas did not enhance any method with `" + command + "` (within 180 s); it printed:\n" + seen);
    }

    /** Reads {@code out} to its end on a daemon thread, so that the process writing it never blocks on a full pipe. */
    static void drain(BufferedReader out, String name) {
        Thread t = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // the output is not needed any more
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    @TearDown(Level.Trial)
    public void detachPeer() throws InterruptedException {
        if (arthas != null) {
            arthas.destroy();
            arthas.waitFor(10, TimeUnit.SECONDS);
            arthas.destroyForcibly();
        }
    }

    @Benchmark
    public void floor(Blackhole bh) {
        long start = System.nanoTime();
        bh.consume(System.nanoTime() - start);
    }

    @Benchmark
    public int call() {
        return target.work(arg);
    }

    @Benchmark
    @Threads(2)
    public void floor_2threads(Blackhole bh) {
        long start = System.nanoTime();
        bh.consume(System.nanoTime() - start);
    }

    @Benchmark
    @Threads(2)
    public int call_2threads() {
        return target.work(arg);
    }
}
