package dev.forgeperf.util;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Parsing and printing of durations as users write them: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 800us}, {@code 5000ns}. */
public final class Durations {
    private Durations() {
    }

    /**
     * Parses a duration; a bare number means milliseconds.
     *
     * @throws IllegalArgumentException naming the expected form
     */
    public static long parseNanos(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 500ms, 30s, 5m");
        }
        double n;
        try {
            n = Double.parseDouble(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 500ms, 30s, 5m");
        }
        String unit = s.substring(i).trim();
        double nanos;
        switch (unit) {
            case "ns": nanos = n; break;
            case "us": nanos = n * 1e3; break;
            case "": case "ms": nanos = n * 1e6; break;
            case "s": nanos = n * 1e9; break;
            case "m": case "min": nanos = n * 60e9; break;
            case "h": nanos = n * 3600e9; break;
            default:
                throw new IllegalArgumentException("unknown unit '" + unit + "' in '" + text + "'; use ns, us, ms, s, m or h");
        }
        return (long) nanos;
    }

    /** A compact human form: {@code 812ns}, {@code 15.2us}, {@code 3.41ms}, {@code 2.50s}. */
    public static String format(long nanos) {
        if (nanos < 1_000) {
            return nanos + "ns";
        }
        if (nanos < 1_000_000) {
            return fixed(nanos / 1e3, 1) + "us";
        }
        if (nanos < 1_000_000_000) {
            return fixed(nanos / 1e6, 2) + "ms";
        }
        return fixed(nanos / 1e9, 2) + "s";
    }

    /**
     * {@code value} with {@code places} (0–6) decimals, rounded half up, as {@code String.format}'s
     * {@code %.Nf} in {@code Locale.ROOT} prints it, without loading {@code java.util.Formatter}
     * (whose locale machinery costs a command-line tool about 10 ms at start-up).
     */
    public static String fixed(double value, int places) {
        if (Double.isNaN(value) || Double.isInfinite(value) || Math.abs(value) >= 1e12 || places < 0 || places > 6) {
            return String.format(Locale.ROOT, "%." + Math.max(0, Math.min(places, 17)) + "f", value);
        }
        long scale = 1;
        for (int i = 0; i < places; i++) {
            scale *= 10;
        }
        long units = java.math.BigDecimal.valueOf(value).setScale(places, java.math.RoundingMode.HALF_UP).unscaledValue().longValue();
        boolean negative = Math.copySign(1.0, value) < 0; // as the formatter: -0.001 prints -0.00
        long abs = Math.abs(units);
        StringBuilder b = new StringBuilder(24);
        if (negative) {
            b.append('-');
        }
        b.append(abs / scale);
        if (places > 0) {
            b.append('.');
            String frac = Long.toString(abs % scale);
            for (int i = frac.length(); i < places; i++) {
                b.append('0');
            }
            b.append(frac);
        }
        return b.toString();
    }

    /** Uptime-style: {@code 3h 12m 5s}. */
    public static String formatUptime(long millis) {
        long s = TimeUnit.MILLISECONDS.toSeconds(millis);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        return (s / 3600) + "h " + (s % 3600 / 60) + "m " + (s % 60) + "s";
    }

    /**
     * Parses a size: {@code 200MB}, {@code 1GB}, {@code 512k}, bare number = bytes.
     *
     * @throws IllegalArgumentException naming the expected form
     */
    public static long parseBytes(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a size; write e.g. 200MB, 1GB");
        }
        long n = Long.parseLong(s.substring(0, i));
        switch (s.substring(i)) {
            case "": case "b": return n;
            case "k": case "kb": return n << 10;
            case "m": case "mb": return n << 20;
            case "g": case "gb": return n << 30;
            default: throw new IllegalArgumentException("unknown unit in '" + text + "'; use B, KB, MB or GB");
        }
    }
}
