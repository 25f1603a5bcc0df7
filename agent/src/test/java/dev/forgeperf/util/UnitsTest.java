package dev.forgeperf.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Each human form of {@link Units}, its boundaries, and {@code -} for what is unknown. */
class UnitsTest {
    @Test
    void bytesCountInPowersOfTwoWithASpace() {
        assertEquals("0 B", Units.bytes(0));
        assertEquals("812 B", Units.bytes(812));
        assertEquals("1023 B", Units.bytes(1023));
        assertEquals("1.0 KB", Units.bytes(1024));
        assertEquals("15.2 KB", Units.bytes(15.2 * 1024));
        assertEquals("1024.0 KB", Units.bytes(1024 * 1024 - 1)); // 1023.999 KB rounds up, as %.1f does
        assertEquals("1.0 MB", Units.bytes(1024 * 1024));
        assertEquals("3.4 MB", Units.bytes(3.4 * 1024 * 1024));
        assertEquals("1.00 GB", Units.bytes(1024.0 * 1024 * 1024));
        assertEquals("1.25 GB", Units.bytes(1.25 * 1024 * 1024 * 1024));
        assertEquals("-", Units.bytes(-1));
        assertEquals("-", Units.bytes(Double.NaN));
    }

    @Test
    void signedBytesShowTheDirection() {
        assertEquals("+12.5 MB", Units.signedBytes(12.5 * 1024 * 1024));
        assertEquals("-3.0 KB", Units.signedBytes(-3 * 1024));
        assertEquals("+0 B", Units.signedBytes(0));
        assertEquals("-", Units.signedBytes(Double.NaN));
    }

    @Test
    void nanosPickTheUnit() {
        assertEquals("0ns", Units.nanos(0L));
        assertEquals("812ns", Units.nanos(812L));
        assertEquals("999ns", Units.nanos(999L));
        assertEquals("1.0us", Units.nanos(1_000L));
        assertEquals("15.2us", Units.nanos(15_249L));
        assertEquals("1.00ms", Units.nanos(1_000_000L));
        assertEquals("3.41ms", Units.nanos(3_405_000L));
        assertEquals("1.00s", Units.nanos(1_000_000_000L));
        assertEquals("2.50s", Units.nanos(2_500_000_000L));
        assertEquals("812ns", Units.nanos(811.6));
        assertEquals("-", Units.nanos(-1L));
        assertEquals("-", Units.nanos(-1.0));
        assertEquals("-", Units.nanos(Double.NaN));
        assertEquals("+1.25ms", Units.signedNanos(1_250_000));
        assertEquals("-812ns", Units.signedNanos(-812));
        assertEquals("-", Units.signedNanos(Double.NaN));
    }

    @Test
    void millisStayWholeBelowASecond() {
        assertEquals("0ms", Units.millis(0));
        assertEquals("4ms", Units.millis(4));
        assertEquals("5ms", Units.millis(4.6));
        assertEquals("999ms", Units.millis(999));
        assertEquals("1.00s", Units.millis(1000));
        assertEquals("1.25s", Units.millis(1250));
        assertEquals("-", Units.millis(-1));
        assertEquals("-", Units.millis(Double.NaN));
    }

    @Test
    void spansInWholeSeconds() {
        assertEquals("0s", Units.span(999));
        assertEquals("59s", Units.span(59_999));
        assertEquals("1m 0s", Units.span(60_000));
        assertEquals("3m 20s", Units.span(200_000));
        assertEquals("1h 0m 0s", Units.span(3_600_000));
        assertEquals("1h 2m 3s", Units.span(3_723_000));
        assertEquals("-", Units.span(-1));
    }

    @Test
    void percentagesGetTheDecimalsTheirSizeDeserves() {
        assertEquals("0%", Units.percent(0));
        assertEquals("0.25%", Units.percent(0.0025));
        assertEquals("0.99%", Units.percent(0.0099));
        assertEquals("1.0%", Units.percent(0.01));
        assertEquals("4.5%", Units.percent(0.045));
        assertEquals("10%", Units.percent(0.1));
        assertEquals("45%", Units.percent(0.45));
        assertEquals("100%", Units.percent(1));
        assertEquals("-", Units.percent(-1)); // an MXBean's "not available"
        assertEquals("-", Units.percent(Double.NaN));
        assertEquals("-", Units.percent(Double.POSITIVE_INFINITY));
        assertEquals("12.34%", Units.percent(0.1234, 2));
        assertEquals("0.00%", Units.percent(0, 2));
        assertEquals("-", Units.percent(Double.NaN, 2));
        assertEquals("+1.25%", Units.signedPercent(0.0125, 2));
        assertEquals("+0.00%", Units.signedPercent(0, 2));
        assertEquals("-0.50%", Units.signedPercent(-0.005, 2));
        assertEquals("-", Units.signedPercent(Double.NaN, 2));
    }

    @Test
    void changesAndPoints() {
        assertEquals("+12%", Units.change(100, 112));
        assertEquals("+4.2%", Units.change(100, 104.2));
        assertEquals("-37%", Units.change(100, 63));
        assertEquals("-5.0%", Units.change(-100, -105));
        assertEquals("0%", Units.change(0, 0));
        assertEquals("new", Units.change(0, 5));
        assertEquals("-", Units.change(Double.NaN, 5));
        assertEquals("+1.25 pp", Units.points(0.0125));
        assertEquals("-0.50 pp", Units.points(-0.005));
        assertEquals("+0.00 pp", Units.points(0));
        assertEquals("-", Units.points(Double.NaN));
    }

    @Test
    void countsHaveThousandsSeparators() {
        assertEquals("0", Units.count(0));
        assertEquals("999", Units.count(999));
        assertEquals("1,000", Units.count(1000));
        assertEquals("24,723", Units.count(24_723));
        assertEquals("1,234,567", Units.count(1_234_567));
        assertEquals("-1,000", Units.count(-1000));
        assertEquals("3", Units.count(2.6));
        assertEquals("-9,223,372,036,854,775,808", Units.count(Long.MIN_VALUE));
        assertEquals("-", Units.count(Double.NaN));
        assertEquals("+1,024", Units.signedCount(1024));
        assertEquals("-3", Units.signedCount(-3));
        assertEquals("+0", Units.signedCount(0));
        assertEquals("-", Units.signedCount(Double.NaN));
        Random random = new Random(3);
        for (int i = 0; i < 10_000; i++) {
            long v = random.nextLong() >> random.nextInt(63);
            assertEquals(String.format(Locale.ROOT, "%,d", v), Units.count(v), () -> "count of " + v);
            assertEquals(String.format(Locale.ROOT, "%+,d", v), Units.signedCount(v), () -> "signed count of " + v);
        }
    }

    @Test
    void sampleValuesInTheirUnit() {
        assertEquals("1.25s", Units.value(1_250_000_000L, "nanoseconds"));
        assertEquals("-3.41ms", Units.value(-3_405_000, "nanoseconds"));
        assertEquals("3.4 MB", Units.value(3.4 * 1024 * 1024, "bytes"));
        assertEquals("-812 B", Units.value(-812, "bytes"));
        assertEquals("24,723", Units.value(24_723, "count"));
        assertEquals("-", Units.value(Double.NaN, "bytes"));
    }

    @Test
    void numbersAndJson() {
        assertEquals("42", Units.number(42));
        assertEquals("0.5", Units.number(0.5));
        assertEquals("-", Units.number(Double.NaN));
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
}
