package dev.forgeperf.profile;

import dev.forgeperf.util.Durations;

/** Prints sample values in their unit: {@code 1.25s}, {@code 3.4MB}, {@code 812}. */
final class Units {
    private Units() {
    }

    static String format(long value, String unit) {
        switch (unit) {
            case "nanoseconds":
                return value < 0 ? "-" + Durations.format(-value) : Durations.format(value);
            case "bytes": {
                double abs = Math.abs((double) value);
                String sign = value < 0 ? "-" : "";
                if (abs < 1024) {
                    return value + "B";
                }
                if (abs < 1024 * 1024) {
                    return sign + Durations.fixed(abs / 1024, 1) + "KB";
                }
                if (abs < 1024.0 * 1024 * 1024) {
                    return sign + Durations.fixed(abs / (1024 * 1024), 1) + "MB";
                }
                return sign + Durations.fixed(abs / (1024.0 * 1024 * 1024), 2) + "GB";
            }
            default:
                return Long.toString(value);
        }
    }

    static String percent(double fraction) {
        return Durations.fixed(fraction * 100, 2) + "%";
    }
}
