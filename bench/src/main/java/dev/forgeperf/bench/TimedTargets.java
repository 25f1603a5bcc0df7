package dev.forgeperf.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/**
 * Same body as {@link Targets#untimedCall}. {@link TimingBench}'s forks start with
 * {@code -javaagent:forge-perf.jar=timed=dev.forgeperf.bench.TimedTargets#timed*}, so
 * {@link #timedCall} is timed (exact mode) and {@link #plainCall}, in the same class, is not.
 */
public final class TimedTargets {
    /** The startup spec the exact-mode forks are started with. */
    public static final String SPEC = TimedTargets.class.getName() + "#timed*";

    private int field = 42;

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int timedCall(int x) {
        return field + x;
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int plainCall(int x) {
        return field + x;
    }
}
