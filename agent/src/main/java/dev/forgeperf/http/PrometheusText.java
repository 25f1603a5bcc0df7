package dev.forgeperf.http;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format, version 0.0.4, or OpenMetrics text 1.0.0: per
 * metric family one {@code # HELP} line, one {@code # TYPE} line, then its samples,
 * {@code name{label="value"} 1.5}. Label values are escaped ({@code \\}, {@code \"}, {@code \n}),
 * help texts too ({@code \\}, {@code \n}, and {@code \"} in OpenMetrics). A family's header is
 * written with its first sample, so a family without samples does not appear; an unknown value
 * (NaN) is left out rather than written as {@code NaN}.
 *
 * <p>Families are declared under their sample name: a counter as {@code x_total}, an info metric as
 * {@code x_info}. In 0.0.4 the header names the family so (an info metric is a gauge of value 1); in
 * OpenMetrics the header drops the suffix ({@code # TYPE x counter}, {@code # TYPE x info}) while
 * the samples keep it, and the text ends with {@code # EOF}.
 *
 * <p>Names are checked against the format's grammar and a family may be declared once
 * ({@link IllegalArgumentException} / {@link IllegalStateException} otherwise: a programming
 * error). Not thread-safe: one instance per scrape.
 */
public final class PrometheusText {
    /** The Content-Type of the 0.0.4 text format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The Content-Type of OpenMetrics text. */
    public static final String OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** Metric types of the format ({@code info}: OpenMetrics' info type, a gauge in 0.0.4). */
    public enum Type { counter, gauge, summary, histogram, info, untyped }

    private final boolean openMetrics;
    private final StringBuilder out = new StringBuilder(16 * 1024);
    private final Set<String> declared = new HashSet<>();
    /** Label names already checked (a scrape writes the same few thousands of times). */
    private final Set<String> labelNames = new HashSet<>();
    private String family;
    private Type type;
    private String help;
    private boolean headerWritten;

    /** A writer of the 0.0.4 text format. */
    public PrometheusText() {
        this(false);
    }

    /** A writer of OpenMetrics text 1.0.0 when {@code openMetrics}, of the 0.0.4 format otherwise. */
    public PrometheusText(boolean openMetrics) {
        this.openMetrics = openMetrics;
    }

    /**
     * Whether an {@code Accept} header prefers OpenMetrics text: some
     * {@code application/openmetrics-text} range with a quality above 0 and at least that of every
     * {@code text/plain} range (Prometheus asks for OpenMetrics first, 0.0.4 at q=0.5).
     */
    public static boolean prefersOpenMetrics(String accept) {
        if (accept == null) {
            return false;
        }
        double om = 0;
        double text = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String param = parts[i].trim();
                if (param.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(param.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (type.equals("application/openmetrics-text")) {
                om = Math.max(om, q);
            } else if (type.equals("text/plain")) {
                text = Math.max(text, q);
            }
        }
        return om > 0 && om >= text;
    }

    /** The Content-Type of what this writer writes. */
    public String contentType() {
        return openMetrics ? OPENMETRICS_CONTENT_TYPE : CONTENT_TYPE;
    }

    /**
     * Starts a metric family; {@link #sample} calls that follow belong to it.
     *
     * @param name e.g. {@code forgeperf_jvm_memory_used_bytes}
     */
    public PrometheusText family(String name, Type type, String help) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a metric name: " + name);
        }
        if (type == Type.counter && !name.endsWith("_total") || type == Type.info && !name.endsWith("_info")) {
            throw new IllegalArgumentException("a " + type + " is declared under its sample name, x_" + (type == Type.info ? "info" : "total") + ": " + name);
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
            String header = family;
            String typeName = type.name();
            if (openMetrics) {
                if (type == Type.counter) {
                    header = family.substring(0, family.length() - "_total".length());
                } else if (type == Type.info) {
                    header = family.substring(0, family.length() - "_info".length());
                } else if (type == Type.untyped) {
                    typeName = "unknown";
                }
            } else if (type == Type.info) {
                typeName = "gauge";
            }
            out.append("# HELP ").append(header).append(' ');
            escape(out, help, openMetrics);
            out.append('\n').append("# TYPE ").append(header).append(' ').append(typeName).append('\n');
            headerWritten = true;
        }
        out.append(family).append(suffix);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (!labelNames.contains(labels[i]) && (!LABEL_NAME.matcher(labels[i]).matches() || labels[i].startsWith("__") || !labelNames.add(labels[i]))) {
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

    /** The text written so far (with OpenMetrics' closing {@code # EOF}). */
    @Override
    public String toString() {
        return openMetrics ? out + "# EOF\n" : out.toString();
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
