package dev.forgeperf.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.forgeperf.util.Json;
import dev.forgeperf.util.Units;

/**
 * Inline SVG charts for the HTML pages: time-series line charts (with gaps where a value is
 * unknown, an optional dashed reference line such as the max heap, and their data attached for
 * the page's hover read-out) and a stacked bar. Plain strings, no dependencies; every text is
 * escaped. Stateless.
 */
final class Svg {
    static final int WIDTH = 600;
    static final int HEIGHT = 210;
    private static final int LEFT = 62;
    private static final int RIGHT = 14;
    private static final int TOP = 12;
    private static final int BOTTOM = 26;

    /** How a chart's values are measured (axis labels and the hover read-out). */
    enum Unit {
        BYTES("bytes"), BYTES_PER_SECOND("bytesPerSecond"), COUNT("count"), FRACTION("fraction");

        final String id;

        Unit(String id) {
            this.id = id;
        }
    }

    /** One line of a chart: its legend name, color and values (one per time; NaN: unknown). */
    record Series(String name, String color, double[] values, boolean fill) {
    }

    private Svg() {
    }

    /**
     * A line chart over {@code timeMillis}.
     *
     * @param reference a value to draw as a dashed line (e.g. the max heap), NaN for none; it
     *     widens the axis only when the data reach a quarter of it, else it is only named
     * @param referenceName its label
     */
    static String lineChart(String title, long[] timeMillis, List<Series> series, Unit unit, double reference, String referenceName) {
        int n = timeMillis.length;
        double dataMax = 0;
        for (Series s : series) {
            for (double v : s.values()) {
                if (!Double.isNaN(v)) {
                    dataMax = Math.max(dataMax, v);
                }
            }
        }
        boolean showReference = !Double.isNaN(reference) && reference > 0 && dataMax >= 0.25 * reference;
        double top = Math.max(dataMax, showReference ? reference : 0);
        Axis axis = Axis.of(top, unit);
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        long t0 = n == 0 ? 0 : timeMillis[0];
        long t1 = n == 0 ? 1 : timeMillis[n - 1];
        double span = Math.max(1, t1 - t0);

        StringBuilder b = new StringBuilder(4096);
        b.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"").append(Html.escape(title)).append("\" data-chart=\"");
        b.append(Html.escape(data(timeMillis, series, unit, axis)));
        b.append("\">");
        // grid and y labels
        for (int i = 0; i <= axis.ticks; i++) {
            double v = axis.step * i;
            double y = TOP + plotH - v / axis.max * plotH;
            b.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>", LEFT, WIDTH - RIGHT, y, y));
            b.append(String.format(Locale.ROOT, "<text class=\"ylab\" x=\"%d\" y=\"%.1f\">%s</text>", LEFT - 6, y + 4, Html.escape(axis.label(v))));
        }
        // x labels
        for (long t : timeTicks(t0, t1)) {
            double x = LEFT + (t - t0) / span * plotW;
            b.append(String.format(Locale.ROOT, "<line class=\"tick\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>", x, x, TOP + (int) plotH,
                    TOP + (int) plotH + 4));
            b.append(String.format(Locale.ROOT, "<text class=\"xlab\" x=\"%.1f\" y=\"%d\">%s</text>", x, HEIGHT - 8, Units.clock(t)));
        }
        if (showReference) {
            double y = TOP + plotH - reference / axis.max * plotH;
            b.append(String.format(Locale.ROOT, "<line class=\"ref\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>", LEFT, WIDTH - RIGHT, y, y));
            b.append(String.format(Locale.ROOT, "<text class=\"reflab\" x=\"%d\" y=\"%.1f\">%s</text>", WIDTH - RIGHT - 4, y - 4,
                    Html.escape(referenceName + " " + axis.label(reference))));
        } else if (!Double.isNaN(reference) && reference > 0) {
            b.append(String.format(Locale.ROOT, "<text class=\"reflab\" x=\"%d\" y=\"%d\">%s</text>", WIDTH - RIGHT - 4, TOP + 12,
                    Html.escape(referenceName + " " + Units.bytes(reference))));
        }
        for (Series s : series) {
            List<double[]> pts = new ArrayList<>();
            StringBuilder path = new StringBuilder();
            for (int i = 0; i <= n; i++) {
                double v = i < n ? s.values()[i] : Double.NaN;
                if (Double.isNaN(v)) {
                    flush(path, pts, s.fill(), TOP + plotH, b, s.color());
                    continue;
                }
                double x = n == 1 ? LEFT + plotW / 2 : LEFT + (timeMillis[i] - t0) / span * plotW;
                double y = TOP + plotH - Math.min(v, axis.max) / axis.max * plotH;
                pts.add(new double[] {x, y});
            }
            b.append(path);
        }
        b.append(String.format(Locale.ROOT, "<line class=\"cursor\" x1=\"0\" x2=\"0\" y1=\"%d\" y2=\"%d\" visibility=\"hidden\"/>", TOP, TOP + (int) plotH));
        b.append("</svg>");
        return b.toString();
    }

    /** Draws one unbroken run of points (a dot when it is a single point) and starts a new one. */
    private static void flush(StringBuilder path, List<double[]> pts, boolean fill, double baseline, StringBuilder out, String color) {
        if (pts.isEmpty()) {
            return;
        }
        if (pts.size() == 1) {
            out.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>", pts.get(0)[0], pts.get(0)[1], color));
            pts.clear();
            return;
        }
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < pts.size(); i++) {
            d.append(i == 0 ? 'M' : 'L').append(String.format(Locale.ROOT, "%.1f %.1f", pts.get(i)[0], pts.get(i)[1]));
        }
        if (fill) {
            out.append(String.format(Locale.ROOT, "<path class=\"area\" fill=\"%s\" d=\"%sL%.1f %.1fL%.1f %.1fZ\"/>", color, d,
                    pts.get(pts.size() - 1)[0], baseline, pts.get(0)[0], baseline));
        }
        out.append(String.format(Locale.ROOT, "<path class=\"line\" stroke=\"%s\" d=\"%s\"/>", color, d));
        pts.clear();
    }

    /** The chart's data for the hover read-out: {@code {"unit":…,"x0":…,"x1":…,"t":[…],"s":[{"n":…,"c":…,"v":[…]}]}}. */
    private static String data(long[] t, List<Series> series, Unit unit, Axis axis) {
        StringBuilder b = new StringBuilder(64 + t.length * 16 * (1 + series.size()));
        b.append("{\"unit\":\"").append(unit.id).append("\",\"x0\":").append(LEFT).append(",\"x1\":").append(WIDTH - RIGHT)
                .append(",\"top\":").append(TOP).append(",\"bottom\":").append(HEIGHT - BOTTOM).append(",\"max\":").append(num(axis.max)).append(",\"t\":[");
        for (int i = 0; i < t.length; i++) {
            b.append(i == 0 ? "" : ",").append(t[i]);
        }
        b.append("],\"s\":[");
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            b.append(k == 0 ? "" : ",").append("{\"n\":");
            Json.quote(b, s.name());
            b.append(",\"c\":\"").append(s.color()).append("\",\"v\":[");
            for (int i = 0; i < s.values().length; i++) {
                b.append(i == 0 ? "" : ",").append(num(s.values()[i]));
            }
            b.append("]}");
        }
        return b.append("]}").toString();
    }

    private static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6g", v);
    }

    /** Clock times at a round step, about five across {@code [t0, t1]}. */
    static List<Long> timeTicks(long t0, long t1) {
        long[] steps = {1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
            7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000};
        long span = Math.max(1, t1 - t0);
        long step = steps[steps.length - 1];
        for (long s : steps) {
            if (span / s <= 5) {
                step = s;
                break;
            }
        }
        List<Long> out = new ArrayList<>();
        long offset = java.util.TimeZone.getDefault().getOffset(t0);
        long first = Math.floorDiv(t0 + offset + step - 1, step) * step - offset;
        for (long t = first; t <= t1 && out.size() < 8; t += step) {
            out.add(t);
        }
        return out;
    }

    /** A y axis from 0 to a round maximum, in round steps. */
    static final class Axis {
        final double max;
        final double step;
        final int ticks;
        final Unit unit;
        final double scale;
        final String suffix;

        private Axis(double max, double step, Unit unit, double scale, String suffix) {
            this.max = max;
            this.step = step;
            this.ticks = (int) Math.round(max / step);
            this.unit = unit;
            this.scale = scale;
            this.suffix = suffix;
        }

        static Axis of(double top, Unit unit) {
            double scale = 1;
            String suffix = "";
            switch (unit) {
                case FRACTION:
                    scale = 0.01;
                    suffix = "%";
                    break;
                case BYTES:
                case BYTES_PER_SECOND: {
                    String[] names = {"B", "KB", "MB", "GB", "TB"};
                    int i = 0;
                    while (i < names.length - 1 && top >= scale * 1024) {
                        scale *= 1024;
                        i++;
                    }
                    suffix = " " + names[i] + (unit == Unit.BYTES_PER_SECOND ? "/s" : "");
                    break;
                }
                default:
            }
            double scaled = top / scale;
            double step;
            if (scaled <= 0) {
                step = unit == Unit.FRACTION ? 0.25 : 1;
                scaled = step * 4;
            } else {
                step = nice(scaled / 4);
                if (unit == Unit.COUNT && step < 1) {
                    step = 1;
                }
            }
            double max = Math.max(step, Math.ceil(scaled / step - 1e-9) * step);
            return new Axis(max * scale, step * scale, unit, scale, suffix);
        }

        String label(double v) {
            double s = Math.round(v / scale * 1e6) / 1e6;
            String n = s == Math.rint(s) ? String.format(Locale.ROOT, "%,d", (long) s)
                    : String.format(Locale.ROOT, Math.abs(s) < 1 ? "%.2f" : "%.1f", s);
            return n + suffix;
        }
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code x}. */
    static double nice(double x) {
        double exp = Math.floor(Math.log10(x));
        double base = Math.pow(10, exp);
        double f = x / base;
        double n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return n * base;
    }

    /** A horizontal stacked bar of named parts (e.g. threads by state), with a legend below. */
    static String stackedBar(List<String> names, List<Long> values, List<String> colors) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        StringBuilder b = new StringBuilder();
        int w = WIDTH;
        b.append("<svg class=\"bar\" viewBox=\"0 0 ").append(w).append(" 56\" role=\"img\" aria-label=\"threads by state\">");
        double x = 0;
        for (int i = 0; i < names.size(); i++) {
            double width = total == 0 ? 0 : (double) values.get(i) / total * w;
            b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"22\" fill=\"%s\"><title>%s: %d</title></rect>", x,
                    Math.max(0, width - 1), colors.get(i), Html.escape(names.get(i)), values.get(i)));
            x += width;
        }
        double lx = 0;
        for (int i = 0; i < names.size(); i++) {
            String label = names.get(i) + " " + values.get(i);
            b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"36\" width=\"11\" height=\"11\" rx=\"2\" fill=\"%s\"/>", lx, colors.get(i)));
            b.append(String.format(Locale.ROOT, "<text class=\"legend\" x=\"%.1f\" y=\"46\">%s</text>", lx + 15, Html.escape(label)));
            lx += 15 + label.length() * 7.2 + 14;
        }
        return b.append("</svg>").toString();
    }
}
