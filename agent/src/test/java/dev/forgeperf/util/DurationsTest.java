package dev.forgeperf.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

class DurationsTest {
    /** {@code fixed} prints what {@code String.format("%.Nf")} prints, including its rounding of decimal ties. */
    @Test
    void fixedMatchesTheFormatter() {
        Random random = new Random(7);
        double[] edges = {0, -0.0, 0.5, 1.005, 2.675, 0.125, -0.125, 1e-9, 999.995, 68.175, 1e11, -1e11, 123456.789, 0.0049999};
        for (int places = 0; places <= 6; places++) {
            for (double v : edges) {
                assertEquals(String.format(Locale.ROOT, "%." + places + "f", v), Durations.fixed(v, places), v + " / " + places);
            }
            for (int i = 0; i < 20_000; i++) {
                double v = switch (i % 3) {
                    case 0 -> random.nextDouble() * 1000;
                    case 1 -> Math.round(random.nextDouble() * 1e6) / 1e3; // decimal ties at 3 places
                    default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(12));
                };
                assertEquals(String.format(Locale.ROOT, "%." + places + "f", v), Durations.fixed(v, places), v + " / " + places);
            }
        }
        assertEquals(String.format(Locale.ROOT, "%.2f", Double.NaN), Durations.fixed(Double.NaN, 2));
        assertEquals(String.format(Locale.ROOT, "%.1f", 5e15), Durations.fixed(5e15, 1));
    }

    @Test
    void formatPicksTheUnit() {
        assertEquals("812ns", Durations.format(812));
        assertEquals("15.2us", Durations.format(15_249));
        assertEquals("3.41ms", Durations.format(3_405_000));
        assertEquals("2.50s", Durations.format(2_500_000_000L));
    }
}
