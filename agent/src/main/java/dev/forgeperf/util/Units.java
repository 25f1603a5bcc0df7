package dev.forgeperf.util;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The one home of the human forms of numbers: every byte count, duration, percentage, count and
 * time a text output prints goes through here, so one quantity reads the same in every command,
 * report and log line. Machine outputs (JSON, pprof, collapsed stacks, Prometheus) keep their raw
 * numbers; {@link #json} is only the rounding JSON answers apply.
 *
 * <p>The styles: bytes in 2^10 steps as the JDK tools count, with a space ({@code 812 B},
 * {@code 15.2 KB}, {@code 3.4 MB}, {@code 1.25 GB}); durations with their unit glued
 * ({@code 812ns}, {@code 15.2us}, {@code 3.41ms}, {@code 2.50s}; whole milliseconds stay whole:
 * {@code 4ms}); spans of wall time as {@code 3m 20s}; percentages with the decimals their size
 * deserves ({@code 0.25%}, {@code 4.5%}, {@code 45%}) or a fixed number for table columns; counts
 * with thousands separators ({@code 24,723}). An unknown value (NaN, or a negative where the
 * quantity cannot be negative) prints as {@code -}.
 *
 * <p>Stateless and thread-safe. Decimals are printed without {@code java.util.Formatter} (whose
 * locale machinery costs a command-line tool about 10 ms at start-up).
 */
public final class Units {
    /** The form of {@link #clock}: {@code 14:03:27}, in the system's zone. */
    public static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    /** The form of {@link #dateTime}: {@code 2026-03-02 14:03:27 CET}, in the system's zone. */
    public static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z").withZone(ZoneId.systemDefault());

    private static final double KB = 1024;
    private static final double MB = 1024 * 1024;
    private static final double GB = 1024.0 * 1024 * 1024;

    private Units() {
    }

    // ---- bytes

    /** {@code 812 B}, {@code 15.2 KB}, {@code 3.4 MB}, {@code 1.25 GB}; {@code -} when unknown (negative or NaN). */
    public static String bytes(double b) {
        if (Double.isNaN(b) || b < 0) {
            return "-";
        }
        if (b < KB) {
            return (long) b + " B";
        }
        if (b < MB) {
            return fixed(b / KB, 1) + " KB";
        }
        if (b < GB) {
            return fixed(b / MB, 1) + " MB";
        }
        return fixed(b / GB, 2) + " GB";
    }

    /** A change in bytes, signed: {@code +12.5 MB}, {@code -3.0 KB}, {@code +0 B}; {@code -} when NaN. */
    public static String signedBytes(double b) {
        if (Double.isNaN(b)) {
            return "-";
        }
        return (b < 0 ? "-" : "+") + bytes(Math.abs(b));
    }

    // ---- durations

    /** A duration in nanoseconds: {@code 812ns}, {@code 15.2us}, {@code 3.41ms}, {@code 2.50s}; {@code -} when negative. */
    public static String nanos(long nanos) {
        if (nanos < 0) {
            return "-";
        }
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

    /** As {@link #nanos(long)}, rounded to a whole nanosecond; {@code -} when NaN or negative. */
    public static String nanos(double nanos) {
        return Double.isNaN(nanos) || nanos < 0 ? "-" : nanos(Math.round(nanos));
    }

    /** A change in nanoseconds, signed: {@code +1.25ms}, {@code -812ns}; {@code -} when NaN. */
    public static String signedNanos(double nanos) {
        if (Double.isNaN(nanos)) {
            return "-";
        }
        return (nanos < 0 ? "-" : "+") + nanos(Math.round(Math.abs(nanos)));
    }

    /**
     * A duration known to the millisecond: {@code 4ms} below a second (whole, as measured), else as
     * {@link #nanos(long)} ({@code 1.25s}); {@code -} when NaN or negative.
     */
    public static String millis(double ms) {
        if (Double.isNaN(ms) || ms < 0) {
            return "-";
        }
        long whole = Math.round(ms);
        return whole < 1000 ? whole + "ms" : nanos(whole * 1_000_000L);
    }

    /** A duration as people give it: {@link #nanos} below a minute ({@code 12.50s}), else {@link #span} ({@code 30m 0s}). */
    public static String duration(long nanos) {
        return nanos < 60_000_000_000L ? nanos(nanos) : span(nanos / 1_000_000);
    }

    /** A span of wall time: {@code 45s}, {@code 3m 20s}, {@code 1h 2m 3s} (whole seconds); {@code -} when negative. */
    public static String span(long millis) {
        if (millis < 0) {
            return "-";
        }
        long s = TimeUnit.MILLISECONDS.toSeconds(millis);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        return (s / 3600) + "h " + (s % 3600 / 60) + "m " + (s % 60) + "s";
    }

    // ---- percentages

    /**
     * A fraction 0..1 as a percentage with the decimals its size deserves: {@code 0%}, {@code 0.25%},
     * {@code 4.5%}, {@code 45%}; {@code -} when unknown (NaN, infinite or negative).
     */
    public static String percent(double fraction) {
        if (Double.isNaN(fraction) || Double.isInfinite(fraction) || fraction < 0) {
            return "-";
        }
        double p = fraction * 100;
        return fixed(p, p == 0 ? 0 : p < 1 ? 2 : p < 10 ? 1 : 0) + "%";
    }

    /** A fraction as a percentage with a fixed number of decimals (a table column): {@code 12.34%}; {@code -} when NaN. */
    public static String percent(double fraction, int decimals) {
        return Double.isNaN(fraction) ? "-" : fixed(fraction * 100, decimals) + "%";
    }

    /** As {@link #percent(double, int)}, signed: {@code +1.25%}, {@code -0.50%}; {@code -} when NaN. */
    public static String signedPercent(double fraction, int decimals) {
        return Double.isNaN(fraction) ? "-" : (fraction >= 0 ? "+" : "") + fixed(fraction * 100, decimals) + "%";
    }

    /** A relative change, signed: {@code +4.2%}, {@code -37%}; {@code new} when the base is zero, {@code -} when NaN. */
    public static String change(double before, double after) {
        if (Double.isNaN(before) || Double.isNaN(after)) {
            return "-";
        }
        if (before == 0) {
            return after == 0 ? "0%" : "new";
        }
        double p = (after - before) / Math.abs(before) * 100;
        String digits = fixed(p, Math.abs(p) < 10 ? 1 : 0);
        return (digits.startsWith("-") ? "" : "+") + digits + "%";
    }

    /** A difference of two fractions in percentage points, signed: {@code +1.25 pp}; {@code -} when NaN. */
    public static String points(double fractionDelta) {
        if (Double.isNaN(fractionDelta)) {
            return "-";
        }
        String digits = fixed(fractionDelta * 100, 2);
        return (digits.startsWith("-") ? "" : "+") + digits + " pp";
    }

    /** {@code used / max} as a fraction; NaN when either is unknown (max not positive, used negative). */
    public static double ratio(double used, double max) {
        return max > 0 && used >= 0 ? used / max : Double.NaN;
    }

    // ---- counts and plain numbers

    /** A whole number with thousands separators: {@code 24,723}, {@code -1,000}; {@code -} when NaN. */
    public static String count(double n) {
        return Double.isNaN(n) ? "-" : grouped(Math.round(n));
    }

    /** As {@link #count(double)}, exact for every long. */
    public static String count(long n) {
        return grouped(n);
    }

    /** As {@link #count}, signed: {@code +1,024}, {@code -3}, {@code +0}; {@code -} when NaN. */
    public static String signedCount(double n) {
        if (Double.isNaN(n)) {
            return "-";
        }
        return signedCount(Math.round(n));
    }

    /** As {@link #signedCount(double)}, exact for every long. */
    public static String signedCount(long n) {
        return (n < 0 ? "" : "+") + grouped(n);
    }

    /** A number as it is when whole ({@code 42}), else with one decimal ({@code 0.5}); {@code -} when NaN. */
    public static String number(double d) {
        if (Double.isNaN(d)) {
            return "-";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : fixed(d, 1);
    }

    /**
     * A value of a profile's sample type in its unit: {@link #nanos} for {@code nanoseconds},
     * {@link #bytes} for {@code bytes}, {@link #count} otherwise; a negative value (a difference)
     * keeps its sign. {@code -} when NaN.
     */
    public static String value(double v, String unit) {
        if (Double.isNaN(v)) {
            return "-";
        }
        switch (unit) {
            case "nanoseconds": return (v < 0 ? "-" : "") + nanos(Math.abs(v));
            case "bytes": return (v < 0 ? "-" : "") + bytes(Math.abs(v));
            default: return count(v);
        }
    }

    /**
     * {@code value} with {@code places} (0–6) decimals, rounded half up, as {@code String.format}'s
     * {@code %.Nf} in {@code Locale.ROOT} prints it (so {@code -0.001} prints {@code -0.00}).
     */
    public static String fixed(double value, int places) {
        if (Double.isNaN(value) || Double.isInfinite(value) || Math.abs(value) >= 1e12 || places < 0 || places > 6) {
            return String.format(Locale.ROOT, "%." + Math.max(0, Math.min(places, 17)) + "f", value);
        }
        long scale = 1;
        for (int i = 0; i < places; i++) {
            scale *= 10;
        }
        long units = BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_UP).unscaledValue().longValue();
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

    /** Rounds for JSON: NaN and infinities become null, whole numbers longs, others keep {@code digits} decimals. */
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

    // ---- time of day

    /** A time of day in the system's zone: {@code 14:03:27}. */
    public static String clock(long epochMillis) {
        return CLOCK.format(Instant.ofEpochMilli(epochMillis));
    }

    /** A date and time in the system's zone: {@code 2026-03-02 14:03:27 CET}; {@code -} when null. */
    public static String dateTime(Instant t) {
        return t == null ? "-" : DATE_TIME.format(t);
    }

    private static String grouped(long v) {
        String digits = v < 0 ? Long.toString(v).substring(1) : Long.toString(v);
        StringBuilder b = new StringBuilder(digits.length() + digits.length() / 3 + 1);
        if (v < 0) {
            b.append('-');
        }
        int lead = digits.length() % 3 == 0 ? 3 : digits.length() % 3;
        b.append(digits, 0, lead);
        for (int i = lead; i < digits.length(); i += 3) {
            b.append(',').append(digits, i, i + 3);
        }
        return b.toString();
    }
}
