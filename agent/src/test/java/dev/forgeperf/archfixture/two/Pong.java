package dev.forgeperf.archfixture.two;

import dev.forgeperf.archfixture.one.Ping;

/** The other half of the deliberate package cycle used by {@code ArchitectureTest}. */
public final class Pong {
    private Pong() {
    }

    public static int pong(int n) {
        return n <= 0 ? 1 : Ping.ping(n - 1);
    }
}
