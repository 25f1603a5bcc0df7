package dev.forgeperf.bench;

/**
 * The short program of the start-up benchmark ({@code scripts/bench.sh peers}): prints the wall
 * clock at the start of {@code main} (ms since the epoch) and exits.
 */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        System.out.println("main-at " + System.currentTimeMillis());
    }
}
