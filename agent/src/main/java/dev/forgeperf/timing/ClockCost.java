package dev.forgeperf.timing;

/**
 * What one {@code System.nanoTime()} read costs in this JVM, the timer of every timed call. A
 * timed call's measured time holds about one read of the timer itself (the end of the first
 * read and the start of the second), and timing it costs the application about two reads:
 * on a method whose calls take a few reads, both the numbers and the cost are mostly the timer.
 * {@code timings} marks such methods ({@link #nearClock}).
 *
 * <p>Measured once, on first use: {@value #BATCHES} batches of {@value #READS} reads in a loop,
 * the cheapest batch's mean (the loop is compiled by then, as timed methods' advice is; batches
 * interrupted by the scheduler or a safepoint are discarded by taking the minimum). Takes a few
 * milliseconds of one thread. Thread-safe.
 */
public final class ClockCost {
    static final int BATCHES = 200;
    static final int READS = 1000;
    /** A method whose median call is under this many clock reads is marked as near the clock. */
    public static final int NEAR_CLOCK_READS = 10;

    private static volatile long readNanos;
    @SuppressWarnings("unused")
    private static volatile long sink;

    private ClockCost() {
    }

    /** Nanoseconds one {@code System.nanoTime()} read takes here (at least 1). */
    public static long readNanos() {
        long n = readNanos;
        if (n == 0) {
            n = measure();
            readNanos = n;
        }
        return n;
    }

    /** Whether calls whose median is {@code p50Nanos} take under {@value #NEAR_CLOCK_READS} clock reads. */
    public static boolean nearClock(long p50Nanos) {
        return p50Nanos < NEAR_CLOCK_READS * readNanos();
    }

    static long measure() {
        double best = Double.MAX_VALUE;
        long s = 0;
        for (int b = 0; b < BATCHES; b++) {
            long start = System.nanoTime();
            for (int i = 0; i < READS; i++) {
                s += System.nanoTime();
            }
            long end = System.nanoTime();
            best = Math.min(best, (end - start) / (double) (READS + 1));
        }
        sink = s;
        return Math.max(1L, Math.round(best));
    }
}
