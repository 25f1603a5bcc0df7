package dev.forgeperf.runtime;

import java.util.Locale;

import dev.forgeperf.util.Durations;

/** Human forms of the numbers runtime commands print. MB means 2^20 bytes, as the JDK tools count. */
public final class Format {
    private Format() {
    }

    /** {@code 812 B}, {@code 15.2 KB}, {@code 3.4 MB}, {@code 1.25 GB}; {@code -} when unknown (negative or NaN). */
    public static String bytes(double b) {
        if (Double.isNaN(b) || b < 0) {
            return "-";
        }
        if (b < 1024) {
            return String.format(Locale.ROOT, "%d B", (long) b);
        }
        if (b < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", b / 1024);
        }
        if (b < 1024.0 * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB", b / (1024 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GB", b / (1024.0 * 1024 * 1024));
    }

    /** A fraction 0..1 as {@code 12.3%}; {@code -} when unknown. */
    public static String percent(double fraction) {
        if (Double.isNaN(fraction) || fraction < 0) {
            return "-";
        }
        return String.format(Locale.ROOT, fraction < 0.1 ? "%.1f%%" : "%.0f%%", fraction * 100);
    }

    /** Milliseconds as {@code 4ms} or {@code 1.25s}; {@code -} when negative. */
    public static String millis(long ms) {
        if (ms < 0) {
            return "-";
        }
        return ms < 1000 ? ms + "ms" : Durations.format(ms * 1_000_000L);
    }

    /** A span as {@code 45s}, {@code 3m 20s}, {@code 1h 2m 3s}. */
    public static String span(long ms) {
        return Durations.formatUptime(ms);
    }

    /** {@code used / max} as a fraction, NaN when max is unknown. */
    public static double ratio(double used, double max) {
        return max > 0 && used >= 0 ? used / max : Double.NaN;
    }

    /** A number with one decimal unless whole. */
    public static String number(double d) {
        if (Double.isNaN(d)) {
            return "-";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.format(Locale.ROOT, "%.1f", d);
    }

    /** Rounds for JSON: NaN becomes null, whole numbers become longs, others keep {@code digits} decimals. */
    public static Object json(double d, int digits) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return null;
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return (long) d;
        }
        double scale = Math.pow(10, digits);
        return Math.round(d * scale) / scale;
    }
}
