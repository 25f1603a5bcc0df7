package dev.forgeperf.archfixture.one;

import dev.forgeperf.archfixture.two.Pong;

/** Half of a deliberate package cycle: {@code ArchitectureTest} proves its rules catch one. */
public final class Ping {
    private Ping() {
    }

    public static int ping(int n) {
        return n <= 0 ? 0 : Pong.pong(n - 1);
    }
}
