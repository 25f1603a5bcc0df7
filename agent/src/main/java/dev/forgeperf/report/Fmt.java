package dev.forgeperf.report;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import dev.forgeperf.runtime.Format;
import dev.forgeperf.util.Durations;

/** Human forms of the numbers reports print (bytes in 2^20 MB, as the JDK tools count). Stateless. */
final class Fmt {
    static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z").withZone(ZoneId.systemDefault());

    private Fmt() {
    }

    static String bytes(double b) {
        return Format.bytes(b);
    }

    /** {@code +12.5 MB} / {@code -3.0 KB}. */
    static String signedBytes(double b) {
        if (Double.isNaN(b)) {
            return "-";
        }
        return (b < 0 ? "-" : "+") + Format.bytes(Math.abs(b));
    }

    static String nanos(double ns) {
        return Double.isNaN(ns) || ns < 0 ? "-" : Durations.format(Math.round(ns));
    }

    static String signedNanos(double ns) {
        if (Double.isNaN(ns)) {
            return "-";
        }
        return (ns < 0 ? "-" : "+") + Durations.format(Math.round(Math.abs(ns)));
    }

    static String millis(double ms) {
        return Double.isNaN(ms) || ms < 0 ? "-" : Format.millis(Math.round(ms));
    }

    /** A fraction 0..1 as a percentage with a sensible number of decimals. */
    static String percent(double fraction) {
        if (Double.isNaN(fraction)) {
            return "-";
        }
        double p = fraction * 100;
        double a = Math.abs(p);
        return String.format(Locale.ROOT, a == 0 ? "%.0f%%" : a < 1 ? "%.2f%%" : a < 10 ? "%.1f%%" : "%.0f%%", p);
    }

    /** A relative change in percent, signed: {@code +12.3%}; {@code new} when the base is zero. */
    static String change(double before, double after) {
        if (Double.isNaN(before) || Double.isNaN(after)) {
            return "-";
        }
        if (before == 0) {
            return after == 0 ? "0%" : "new";
        }
        double p = (after - before) / Math.abs(before) * 100;
        return String.format(Locale.ROOT, Math.abs(p) < 10 ? "%+.1f%%" : "%+.0f%%", p);
    }

    /** Percentage points, signed: {@code +1.25 pp}. */
    static String points(double fractionDelta) {
        return Double.isNaN(fractionDelta) ? "-" : String.format(Locale.ROOT, "%+.2f pp", fractionDelta * 100);
    }

    /** A whole number with thousands separators: {@code 24,723}. */
    static String count(double n) {
        if (Double.isNaN(n)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%,d", Math.round(n));
    }

    static String signedCount(double n) {
        if (Double.isNaN(n)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%+,d", Math.round(n));
    }

    static String span(long millis) {
        return millis < 0 ? "-" : Format.span(millis);
    }

    static String clock(long epochMillis) {
        return CLOCK.format(Instant.ofEpochMilli(epochMillis));
    }

    static String dateTime(Instant t) {
        return t == null ? "-" : DATE_TIME.format(t);
    }

    /** A value of a profile's sample type in its unit. */
    static String value(double v, String unit) {
        switch (unit) {
            case "nanoseconds": return nanos(v);
            case "bytes": return bytes(v);
            default: return count(v);
        }
    }
}
