package dev.forgeperf.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/**
 * Same body as {@link Targets#untimedCall}, timed in sampled mode: {@link SampledTimingBench}'s
 * forks start with {@code =timed=dev.forgeperf.bench.SampledTargets#timed*,timed.sample=16}.
 */
public final class SampledTargets {
    /** The startup spec the sampled-mode forks are started with. */
    public static final String SPEC = SampledTargets.class.getName() + "#timed*";
    /** N of {@code timed.sample=N}. */
    public static final int SAMPLE = 16;

    private int field = 42;

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int timedCall(int x) {
        return field + x;
    }
}
