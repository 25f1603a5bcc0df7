package dev.forgeperf.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Random;
import java.util.function.DoubleFunction;

import org.junit.jupiter.api.Test;

/** Each human form of {@link Units}, its boundaries, and {@code -} for what is unknown. */
class UnitsTest {
    private static final double KB = 1024;
    private static final double MB = 1024 * KB;
    private static final double GB = 1024 * MB;

    @Test
    void bytesCountInPowersOfTwoWithASpace() {
        // 1023.999 KB rounds up to 1024.0 KB, as %.1f does
        forms(Units::bytes, 0, "0 B", 812, "812 B", 1023, "1023 B", KB, "1.0 KB", 15.2 * KB, "15.2 KB", MB - 1, "1024.0 KB",
                MB, "1.0 MB", 3.4 * MB, "3.4 MB", GB, "1.00 GB", 1.25 * GB, "1.25 GB", -1, "-", Double.NaN, "-");
        forms(Units::signedBytes, 12.5 * MB, "+12.5 MB", -3 * KB, "-3.0 KB", 0, "+0 B", Double.NaN, "-");
    }

    @Test
    void nanosPickTheUnit() {
        long[] nanos = {0, 812, 999, 1_000, 15_249, 1_000_000, 3_405_000, 1_000_000_000, 2_500_000_000L, -1};
        String[] forms = {"0ns", "812ns", "999ns", "1.0us", "15.2us", "1.00ms", "3.41ms", "1.00s", "2.50s", "-"};
        for (int i = 0; i < nanos.length; i++) {
            assertEquals(forms[i], Units.nanos(nanos[i]));
            assertEquals(forms[i], Units.nanos((double) nanos[i]));
        }
        forms(Units::nanos, 811.6, "812ns", -1.0, "-", Double.NaN, "-");
        forms(Units::signedNanos, 1_250_000, "+1.25ms", -812, "-812ns", Double.NaN, "-");
    }

    @Test
    void millisStayWholeBelowASecond() {
        forms(Units::millis, 0, "0ms", 4, "4ms", 4.6, "5ms", 999, "999ms", 1000, "1.00s", 1250, "1.25s", -1, "-", Double.NaN, "-");
    }

    @Test
    void spansInWholeSeconds() {
        forms(ms -> Units.span((long) ms), 999, "0s", 59_999, "59s", 60_000, "1m 0s", 200_000, "3m 20s", 3_600_000, "1h 0m 0s",
                3_723_000, "1h 2m 3s", -1, "-");
    }

    @Test
    void percentagesGetTheDecimalsTheirSizeDeserves() {
        // -1 is an MXBean's "not available"
        forms(Units::percent, 0, "0%", 0.0025, "0.25%", 0.0099, "0.99%", 0.01, "1.0%", 0.045, "4.5%", 0.1, "10%", 0.45, "45%",
                1, "100%", -1, "-", Double.NaN, "-", Double.POSITIVE_INFINITY, "-");
        forms(f -> Units.percent(f, 2), 0.1234, "12.34%", 0, "0.00%", Double.NaN, "-");
        forms(f -> Units.signedPercent(f, 2), 0.0125, "+1.25%", 0, "+0.00%", -0.005, "-0.50%", Double.NaN, "-");
    }

    @Test
    void changesAndPoints() {
        forms(after -> Units.change(100, after), 112, "+12%", 104.2, "+4.2%", 63, "-37%", Double.NaN, "-");
        forms(after -> Units.change(0, after), 0, "0%", 5, "new");
        assertEquals("-5.0%", Units.change(-100, -105));
        forms(Units::points, 0.0125, "+1.25 pp", -0.005, "-0.50 pp", 0, "+0.00 pp", Double.NaN, "-");
    }

    @Test
    void countsHaveThousandsSeparators() {
        forms(Units::count, 0, "0", 999, "999", 1000, "1,000", 24_723, "24,723", 1_234_567, "1,234,567", -1000, "-1,000",
                2.6, "3", Double.NaN, "-");
        forms(Units::signedCount, 1024, "+1,024", -3, "-3", 0, "+0", Double.NaN, "-");
        assertEquals("-9,223,372,036,854,775,808", Units.count(Long.MIN_VALUE));
        Random random = new Random(3);
        for (int i = 0; i < 10_000; i++) {
            long v = random.nextLong() >> random.nextInt(63);
            assertEquals(String.format(Locale.ROOT, "%,d", v), Units.count(v), () -> "count of " + v);
            assertEquals(String.format(Locale.ROOT, "%+,d", v), Units.signedCount(v), () -> "signed count of " + v);
        }
    }

    @Test
    void sampleValuesInTheirUnit() {
        forms(v -> Units.value(v, "nanoseconds"), 1_250_000_000L, "1.25s", -3_405_000, "-3.41ms");
        forms(v -> Units.value(v, "bytes"), 3.4 * MB, "3.4 MB", -812, "-812 B", Double.NaN, "-");
        forms(v -> Units.value(v, "count"), 24_723, "24,723");
    }

    @Test
    void numbersAndJson() {
        forms(Units::number, 42, "42", 0.5, "0.5", Double.NaN, "-");
        assertEquals(42L, Units.json(42.0, 2));
        assertEquals(1.23, Units.json(1.2345, 2));
        assertNull(Units.json(Double.NaN, 2));
        assertNull(Units.json(Double.POSITIVE_INFINITY, 2));
        assertEquals(0.5, Units.ratio(1, 2));
        assertEquals(Double.NaN, Units.ratio(1, 0));
        assertEquals(Double.NaN, Units.ratio(-1, 2));
    }

    @Test
    void clockAndDateTimeInTheSystemZone() {
        Instant t = LocalDateTime.of(2026, 3, 2, 14, 3, 27).atZone(ZoneId.systemDefault()).toInstant();
        assertEquals("14:03:27", Units.clock(t.toEpochMilli()));
        assertEquals("2026-03-02 14:03:27 " + Units.DATE_TIME.format(t).substring(20), Units.dateTime(t));
        assertEquals("-", Units.dateTime(null));
    }

    /** {@code fixed} prints what {@code String.format("%.Nf")} prints, including its rounding of decimal ties. */
    @Test
    void fixedMatchesTheFormatter() {
        Random random = new Random(7);
        double[] edges = {0, -0.0, 0.5, 1.005, 2.675, 0.125, -0.125, 1e-9, 999.995, 68.175, 1e11, -1e11, 123456.789, 0.0049999};
        for (int places = 0; places <= 6; places++) {
            for (double v : edges) {
                assertEquals(String.format(Locale.ROOT, "%." + places + "f", v), Units.fixed(v, places), v + " / " + places);
            }
            for (int i = 0; i < 20_000; i++) {
                double v = switch (i % 3) {
                    case 0 -> random.nextDouble() * 1000;
                    case 1 -> Math.round(random.nextDouble() * 1e6) / 1e3; // decimal ties at 3 places
                    default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(12));
                };
                assertEquals(String.format(Locale.ROOT, "%." + places + "f", v), Units.fixed(v, places), v + " / " + places);
            }
        }
        assertEquals(String.format(Locale.ROOT, "%.2f", Double.NaN), Units.fixed(Double.NaN, 2));
        assertEquals(String.format(Locale.ROOT, "%.1f", 5e15), Units.fixed(5e15, 1));
    }

    /** Asserts {@code form.apply(value)} for each pair (a number, then the form it must print as). */
    private static void forms(DoubleFunction<String> form, Object... valueThenForm) {
        for (int i = 0; i < valueThenForm.length; i += 2) {
            double v = ((Number) valueThenForm[i]).doubleValue();
            assertEquals(valueThenForm[i + 1], form.apply(v), () -> "the form of " + v);
        }
    }

    @Test
    void durationsOfAMinuteOrMoreReadAsSpans() {
        org.junit.jupiter.api.Assertions.assertEquals("12.50s", Units.duration(12_500_000_000L));
        org.junit.jupiter.api.Assertions.assertEquals("30m 0s", Units.duration(1_800_000_000_000L));
        org.junit.jupiter.api.Assertions.assertEquals("250.00ms", Units.duration(250_000_000L));
    }
}
