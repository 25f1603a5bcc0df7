package dev.forgeperf.util;

import java.util.Locale;

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
