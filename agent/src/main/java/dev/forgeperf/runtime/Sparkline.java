package dev.forgeperf.runtime;

/** One-line charts of a series with the eight block characters ▁▂▃▄▅▆▇█. */
public final class Sparkline {
    private static final char[] BARS = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};

    private Sparkline() {
    }

    /**
     * A labelled sparkline with the series' min, max and last value ({@code label ▁▂▅█  min …  max …  last …});
     * {@code format} is given NaN for a series without values.
     */
    public static String line(String label, double[] values, int width, java.util.function.DoubleFunction<String> format) {
        double min = Double.NaN;
        double max = Double.NaN;
        double last = Double.NaN;
        for (double d : values) {
            if (!Double.isNaN(d)) {
                min = Double.isNaN(min) ? d : Math.min(min, d);
                max = Double.isNaN(max) ? d : Math.max(max, d);
                last = d;
            }
        }
        return String.format(java.util.Locale.ROOT, "%-14s %-" + width + "s  min %s  max %s  last %s", label, render(values, width),
                format.apply(min), format.apply(max), format.apply(last));
    }

    /**
     * {@code values} squeezed into at most {@code width} characters (each the mean of its slice),
     * scaled between the smallest and largest value; a slice with no value (NaN) is a space.
     */
    public static String render(double[] values, int width) {
        int n = values.length;
        if (n == 0 || width <= 0) {
            return "";
        }
        int cols = Math.min(width, n);
        double[] col = new double[cols];
        for (int c = 0; c < cols; c++) {
            int from = (int) ((long) c * n / cols);
            int to = (int) ((long) (c + 1) * n / cols);
            double sum = 0;
            int k = 0;
            for (int i = from; i < Math.max(to, from + 1); i++) {
                if (!Double.isNaN(values[i])) {
                    sum += values[i];
                    k++;
                }
            }
            col[c] = k == 0 ? Double.NaN : sum / k;
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : col) {
            if (!Double.isNaN(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        StringBuilder b = new StringBuilder(cols);
        for (double v : col) {
            if (Double.isNaN(v)) {
                b.append(' ');
            } else if (max <= min) {
                b.append(BARS[0]);
            } else {
                int i = (int) Math.round((v - min) / (max - min) * (BARS.length - 1));
                b.append(BARS[Math.max(0, Math.min(BARS.length - 1, i))]);
            }
        }
        return b.toString();
    }
}
