package dev.forgeperf.util;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Minimal JSON writer for the answers forge-perf prints with {@code --json}: maps (kept in their
 * iteration order), lists, strings, numbers, booleans and null. Not thread-safe; stateless.
 */
public final class Json {
    private Json() {
    }

    /** Pretty-printed JSON with two-space indentation. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(out, value, 0);
        return out.toString();
    }

    /**
     * The same JSON on one line (no line break anywhere: strings escape theirs), for streams of
     * documents, one per line, as {@code jq} and line-oriented scripts read them.
     */
    public static String writeLine(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(out, value, COMPACT);
        return out.toString();
    }

    /** The depth that means "no indentation, no line breaks". */
    private static final int COMPACT = Integer.MIN_VALUE;

    private static void write(StringBuilder out, Object value, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String || value instanceof Character || value instanceof Enum) {
            quote(out, value.toString());
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                out.append("null");
            } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                out.append((long) d);
            } else {
                out.append(d);
            }
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map) {
            Map<?, ?> map = (Map<?, ?>) value;
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append(depth == COMPACT ? "{" : "{\n");
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                indent(out, depth + 1);
                quote(out, String.valueOf(e.getKey()));
                out.append(depth == COMPACT ? ":" : ": ");
                write(out, e.getValue(), depth == COMPACT ? COMPACT : depth + 1);
                separate(out, depth, it.hasNext());
            }
            indent(out, depth);
            out.append('}');
        } else if (value instanceof Iterable) {
            Iterator<?> it = ((Iterable<?>) value).iterator();
            if (!it.hasNext()) {
                out.append("[]");
                return;
            }
            out.append(depth == COMPACT ? "[" : "[\n");
            while (it.hasNext()) {
                indent(out, depth + 1);
                write(out, it.next(), depth == COMPACT ? COMPACT : depth + 1);
                separate(out, depth, it.hasNext());
            }
            indent(out, depth);
            out.append(']');
        } else if (value instanceof Object[]) {
            write(out, List.of((Object[]) value), depth);
        } else {
            quote(out, value.toString());
        }
    }

    private static void separate(StringBuilder out, int depth, boolean more) {
        if (depth == COMPACT) {
            out.append(more ? "," : "");
        } else {
            out.append(more ? ",\n" : "\n");
        }
    }

    private static void indent(StringBuilder out, int depth) {
        for (int i = 0; i < depth; i++) {
            out.append("  ");
        }
    }

    /** Appends {@code s} as a JSON string literal. */
    public static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
