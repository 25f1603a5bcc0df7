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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sampled mode: forks start with
 * {@code -javaagent:<abs>/forge-perf.jar=timed=dev.forgeperf.bench.SampledTargets#timed*,timed.sample=16}
 * (a JVM-wide option, hence its own class and its own JMH run in {@link TimingMain}). Compared
 * with {@link TimingBench#untimed} and {@link TimingBench#floor}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class SampledTimingBench {
    static final String TIMED = SampledTargets.class.getName() + "#timedCall(int)";

    private final SampledTargets targets = new SampledTargets();
    private int arg = 7;

    @Setup(Level.Trial)
    public void checkInstrumented() {
        AgentCheck.requireInstrumented(TIMED);
        if (dev.forgeperf.bootstrap.Recorder.sampleInterval() != SampledTargets.SAMPLE) {
            throw new IllegalStateException("expected timed.sample=" + SampledTargets.SAMPLE + ", agent has "
                    + dev.forgeperf.bootstrap.Recorder.sampleInterval());
        }
    }

    @TearDown(Level.Trial)
    public void checkRecorded() {
        AgentCheck.requireRecorded(TIMED, true);
    }

    @Benchmark
    public int sampled() {
        return targets.timedCall(arg);
    }
}
