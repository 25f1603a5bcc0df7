package dev.forgeperf.bench;

import org.openjdk.jmh.annotations.CompilerControl;

/**
 * The one trivial method every peer times in {@code scripts/bench.sh peers}: forge-perf, JDK 25's
 * JFR method timing, the OpenTelemetry agent's method spans and Arthas {@code monitor} all name
 * {@code dev.forgeperf.bench.PeerTarget#work}. Not inlined, so the call is part of every variant.
 */
public final class PeerTarget {
    private int field = 42;

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int work(int x) {
        return field + x;
    }
}
