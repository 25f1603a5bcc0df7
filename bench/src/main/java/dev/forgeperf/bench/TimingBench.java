package dev.forgeperf.bench;

import java.util.concurrent.TimeUnit;

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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of exact method timing, measured against the real agent. Every fork runs with
 * {@code -javaagent:<abs>/forge-perf.jar=timed=dev.forgeperf.bench.TimedTargets#timed*}
 * (passed by {@link TimingMain}; the jar path is only known at run time), so all variants run
 * in the same kind of JVM:
 * <ul>
 * <li>{@code floor}: two {@code System.nanoTime()} reads, the least exact timing can cost;</li>
 * <li>{@code untimed}: a trivial, non-inlined call in a class no spec matches;</li>
 * <li>{@code timed}: the identical call, timed by forge-perf (advice inlined into it);</li>
 * <li>{@code untimedInTimedClass}: the identical call, not timed, in the class whose other
 * method is timed;</li>
 * <li>{@code *_2threads}: two threads at once, both on the same method (and the same
 * {@code MethodStats}).</li>
 * </ul>
 * added cost = timed − untimed, reported as a multiple of floor by {@link TimingMain}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class TimingBench {
    static final String TIMED = TimedTargets.class.getName() + "#timedCall(int)";
    static final String PLAIN = TimedTargets.class.getName() + "#plainCall(int)";
    static final String UNTIMED = Targets.class.getName() + "#untimedCall(int)";

    private final Targets targets = new Targets();
    private final TimedTargets timedTargets = new TimedTargets();
    /** Not a constant, so the calls cannot be folded. */
    private int arg = 7;

    @Setup(Level.Trial)
    public void checkInstrumented() {
        AgentCheck.requireInstrumented(TIMED, PLAIN, UNTIMED);
    }

    @TearDown(Level.Trial)
    public void checkRecorded(BenchmarkParams params) {
        if (params.getBenchmark().endsWith(".timed") || params.getBenchmark().endsWith(".timed_2threads")) {
            AgentCheck.requireRecorded(TIMED, false);
            String bench = params.getBenchmark();
            AgentCheck.recordMemory(bench.substring(bench.lastIndexOf('.') + 1), params.getThreads(), TIMED);
        }
        if (params.getThreads() > 1) {
            AgentCheck.reportStripes(WORKERS);
        }
    }

    /** Thread ids of the benchmark threads: a thread's id picks its MethodStats stripe. */
    static final java.util.Queue<Long> WORKERS = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Per-thread state of the 2-thread variants; records the worker's thread id. */
    @State(Scope.Thread)
    public static class Worker {
        @Setup(Level.Trial)
        public void register() {
            WORKERS.add(Thread.currentThread().getId());
        }
    }

    @Benchmark
    public void floor(Blackhole bh) {
        long start = System.nanoTime();
        bh.consume(System.nanoTime() - start);
    }

    @Benchmark
    public int untimed() {
        return targets.untimedCall(arg);
    }

    @Benchmark
    public int timed() {
        return timedTargets.timedCall(arg);
    }

    @Benchmark
    public int untimedInTimedClass() {
        return timedTargets.plainCall(arg);
    }

    @Benchmark
    @Threads(2)
    public void floor_2threads(Worker w, Blackhole bh) {
        long start = System.nanoTime();
        bh.consume(System.nanoTime() - start);
    }

    @Benchmark
    @Threads(2)
    public int untimed_2threads(Worker w) {
        return targets.untimedCall(arg);
    }

    @Benchmark
    @Threads(2)
    public int timed_2threads(Worker w) {
        return timedTargets.timedCall(arg);
    }
}
