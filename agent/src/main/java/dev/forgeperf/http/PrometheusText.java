package dev.forgeperf.http;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: per metric family one
 * {@code # HELP} line, one {@code # TYPE} line, then its samples, {@code name{label="value"} 1.5}.
 * Label values are escaped ({@code \\}, {@code \"}, {@code \n}), help texts too ({@code \\},
 * {@code \n}). A family's header is written with its first sample, so a family without samples
 * does not appear; an unknown value (NaN) is left out rather than written as {@code NaN}.
 *
 * <p>Names are checked against the format's grammar and a family may be declared once
 * ({@link IllegalArgumentException} / {@link IllegalStateException} otherwise: a programming
 * error). Not thread-safe: one instance per scrape.
 */
public final class PrometheusText {
    /** The Content-Type of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** Metric types of the format. */
    public enum Type { counter, gauge, summary, histogram, untyped }

    private final StringBuilder out = new StringBuilder(16 * 1024);
    private final Set<String> declared = new HashSet<>();
    private String family;
    private Type type;
    private String help;
    private boolean headerWritten;

    /**
     * Starts a metric family; {@link #sample} calls that follow belong to it.
     *
     * @param name e.g. {@code forgeperf_jvm_memory_used_bytes}
     */
    public PrometheusText family(String name, Type type, String help) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a metric name: " + name);
        }
        if (!declared.add(name)) {
            throw new IllegalStateException("metric family declared twice: " + name);
        }
        this.family = name;
        this.type = type;
        this.help = help;
        this.headerWritten = false;
        return this;
    }

    /** A sample of the current family; {@code labels} alternate name and value. NaN values are left out. */
    public PrometheusText sample(double value, String... labels) {
        return sample("", value, labels);
    }

    /**
     * A sample of the current family under a suffixed name, e.g. {@code _sum} and {@code _count}
     * of a summary.
     */
    public PrometheusText sample(String suffix, double value, String... labels) {
        if (family == null) {
            throw new IllegalStateException("sample before family");
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name/value pairs");
        }
        if (Double.isNaN(value)) {
            return this;
        }
        if (!headerWritten) {
            out.append("# HELP ").append(family).append(' ');
            escape(out, help, false);
            out.append('\n').append("# TYPE ").append(family).append(' ').append(type.name()).append('\n');
            headerWritten = true;
        }
        out.append(family).append(suffix);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (!LABEL_NAME.matcher(labels[i]).matches() || labels[i].startsWith("__")) {
                    throw new IllegalArgumentException("not a label name: " + labels[i]);
                }
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"");
                escape(out, labels[i + 1] == null ? "" : labels[i + 1], true);
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ').append(format(value)).append('\n');
        return this;
    }

    /** The text written so far. */
    @Override
    public String toString() {
        return out.toString();
    }

    /** A value as the format writes it: whole numbers without exponent or fraction, {@code +Inf}, {@code -Inf}. */
    static String format(double v) {
        if (v == Double.POSITIVE_INFINITY) {
            return "+Inf";
        }
        if (v == Double.NEGATIVE_INFINITY) {
            return "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        if (a >= 1e-6 && a < 1e15) {
            return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        }
        return Double.toString(v).toLowerCase(Locale.ROOT);
    }

    /** Escapes a label value (backslash, double quote, newline) or a help text (backslash, newline). */
    static void escape(StringBuilder b, String s, boolean labelValue) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                b.append("\\\\");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '"' && labelValue) {
                b.append("\\\"");
            } else {
                b.append(c);
            }
        }
    }
}
