package dev.forgeperf.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/**
 * The call the timing benchmarks time, in a class no spec matches: the {@code untimed} baseline.
 * Not inlined into the benchmark, so the call itself is part of every variant.
 */
public final class Targets {
    private int field = 42;

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int untimedCall(int x) {
        return field + x;
    }
}
