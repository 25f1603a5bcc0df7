package dev.forgeperf.runtime;

import java.util.Arrays;

/**
 * A fixed-size ring of samples stored column-wise in preallocated primitive arrays: two
 * {@code long}s (wall-clock time, uptime) and one {@code double} per {@link Series}. Writing a
 * sample copies a handful of numbers and allocates nothing; memory is exactly
 * {@link #bytes()} for the life of the agent. One writer (the sampler), any number of readers,
 * which take a consistent copy with {@link #snapshot}.
 */
public final class SampleRing {
    private final int capacity;
    private final long[] timeMillis;
    private final long[] uptimeMillis;
    private final double[][] values;
    private long written;

    public SampleRing(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("a ring needs at least 2 samples, not " + capacity);
        }
        this.capacity = capacity;
        this.timeMillis = new long[capacity];
        this.uptimeMillis = new long[capacity];
        this.values = new double[Series.count()][capacity];
    }

    public int capacity() {
        return capacity;
    }

    /** Heap bytes the ring's arrays take (headers excluded): the sampler's steady memory. */
    public long bytes() {
        return (long) capacity * (2L * Long.BYTES + (long) Series.count() * Double.BYTES);
    }

    /** Samples written since the start (the ring holds the last {@link #capacity} of them). */
    public synchronized long written() {
        return written;
    }

    /**
     * Appends a sample, overwriting the oldest when full.
     *
     * @param sample one value per {@link Series}, indexed by ordinal (copied)
     */
    public synchronized void add(long time, long uptime, double[] sample) {
        int slot = (int) (written % capacity);
        timeMillis[slot] = time;
        uptimeMillis[slot] = uptime;
        for (int s = 0; s < values.length; s++) {
            values[s][slot] = sample[s];
        }
        written++;
    }

    /**
     * Share of the last {@code millis} (up to the newest sample) spent in GC pauses, 0..1, as
     * {@code snapshot(0).lastMillis(millis).gcCpuFraction()} but without copying; NaN with fewer
     * than two samples in that stretch.
     */
    public synchronized double gcCpuOverLast(long millis) {
        int held = (int) Math.min(written, capacity);
        if (held < 2) {
            return Double.NaN;
        }
        int newest = (int) ((written - 1) % capacity);
        long end = uptimeMillis[newest];
        int start = newest;
        for (int k = 1; k < held; k++) {
            int slot = (int) ((written - 1 - k) % capacity);
            if (uptimeMillis[slot] < end - millis) {
                break;
            }
            start = slot;
        }
        long span = end - uptimeMillis[start];
        if (span <= 0) {
            return Double.NaN;
        }
        double[] pause = values[Series.GC_PAUSE_TIME.ordinal()];
        return Math.min(1, Math.max(0, pause[newest] - pause[start]) / span);
    }

    /** A copy of the last {@code max} samples (all held when {@code max <= 0}), oldest first. */
    public synchronized Samples snapshot(int max) {
        int held = (int) Math.min(written, capacity);
        int n = max <= 0 ? held : Math.min(max, held);
        long[] t = new long[n];
        long[] u = new long[n];
        double[][] v = new double[values.length][n];
        long first = written - n;
        for (int i = 0; i < n; i++) {
            int slot = (int) ((first + i) % capacity);
            t[i] = timeMillis[slot];
            u[i] = uptimeMillis[slot];
            for (int s = 0; s < values.length; s++) {
                v[s][i] = values[s][slot];
            }
        }
        return new Samples(t, u, v, written);
    }

    /** An immutable, chronological copy of part of the ring. */
    public static final class Samples {
        private final long[] timeMillis;
        private final long[] uptimeMillis;
        private final double[][] values;
        private final long written;

        Samples(long[] timeMillis, long[] uptimeMillis, double[][] values, long written) {
            this.timeMillis = timeMillis;
            this.uptimeMillis = uptimeMillis;
            this.values = values;
            this.written = written;
        }

        /** No samples (the sampler is off or has not run yet). */
        public static Samples empty() {
            return new Samples(new long[0], new long[0], new double[Series.count()][0], 0);
        }

        public int size() {
            return timeMillis.length;
        }

        public boolean isEmpty() {
            return timeMillis.length == 0;
        }

        /** Samples taken since the sampler started (including ones the ring no longer holds). */
        public long written() {
            return written;
        }

        public long timeMillis(int i) {
            return timeMillis[i];
        }

        public long uptimeMillis(int i) {
            return uptimeMillis[i];
        }

        public double get(Series s, int i) {
            return values[s.ordinal()][i];
        }

        /** The last value of a series, NaN when empty. */
        public double last(Series s) {
            return isEmpty() ? Double.NaN : get(s, size() - 1);
        }

        /** A copy of one series, oldest first. */
        public double[] series(Series s) {
            return values[s.ordinal()].clone();
        }

        public long[] uptimes() {
            return uptimeMillis.clone();
        }

        /** Milliseconds between the first and the last sample (0 with fewer than two). */
        public long spanMillis() {
            return size() < 2 ? 0 : uptimeMillis[size() - 1] - uptimeMillis[0];
        }

        /** The samples within the last {@code millis} before the newest one. */
        public Samples lastMillis(long millis) {
            if (isEmpty()) {
                return this;
            }
            long from = uptimeMillis[size() - 1] - millis;
            int start = 0;
            while (start < size() - 1 && uptimeMillis[start] < from) {
                start++;
            }
            return range(start, size());
        }

        /** The samples {@code from} (inclusive) to {@code to} (exclusive). */
        public Samples range(int from, int to) {
            double[][] v = new double[values.length][];
            for (int s = 0; s < values.length; s++) {
                v[s] = Arrays.copyOfRange(values[s], from, to);
            }
            return new Samples(Arrays.copyOfRange(timeMillis, from, to), Arrays.copyOfRange(uptimeMillis, from, to), v, written);
        }

        /**
         * The rate of a cumulative series per second between the first and the last sample, or
         * NaN with fewer than two samples.
         */
        public double ratePerSecond(Series cumulative) {
            long span = spanMillis();
            if (span <= 0) {
                return Double.NaN;
            }
            double delta = last(cumulative) - get(cumulative, 0);
            return Math.max(0, delta) * 1000.0 / span;
        }

        /**
         * Share of the span spent in GC pauses, 0..1 (from the cumulative pause time), or NaN
         * with fewer than two samples.
         */
        public double gcCpuFraction() {
            long span = spanMillis();
            if (span <= 0) {
                return Double.NaN;
            }
            double paused = last(Series.GC_PAUSE_TIME) - get(Series.GC_PAUSE_TIME, 0);
            return Math.min(1, Math.max(0, paused) / span);
        }
    }
}
