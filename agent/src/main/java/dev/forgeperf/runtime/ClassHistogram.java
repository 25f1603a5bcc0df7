package dev.forgeperf.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.forgeperf.util.Units;

/**
 * The class histogram (instances and bytes per class) from HotSpot's {@code GC.class_histogram}
 * diagnostic command, with class names in Java source form: {@code byte[]},
 * {@code java.lang.String[]}, {@code int[][]} rather than {@code [B}, {@code [Ljava.lang.String;},
 * {@code [[I}. {@link #render} writes the same table layout as jcmd, which {@link #parse} reads
 * back (so a saved {@code histogram.txt} can be compared later).
 */
public final class ClassHistogram {
    private static final Pattern ROW = Pattern.compile("^\\s*(\\d+):\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)(?:\\s+\\((.*)\\))?\\s*$");

    private ClassHistogram() {
    }

    /** One class: its rank (1 = most bytes), instances, bytes, Java-source name and module ({@code null} when none). */
    public record Row(int rank, long instances, long bytes, String className, String module) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rank", rank);
            m.put("className", className);
            m.put("instances", instances);
            m.put("bytes", bytes);
            m.put("module", module);
            return m;
        }
    }

    /** Takes the histogram of live objects now (a full GC runs first). */
    public static List<Row> take() {
        return take(false);
    }

    /**
     * Takes the histogram of this JVM now.
     *
     * @param all false: live objects only (a full GC runs first, as {@code jmap -histo:live});
     *            true: every object on the heap, reachable or not, without a GC
     * @throws IllegalStateException with a one-line reason when this JVM cannot produce one
     */
    public static List<Row> take(boolean all) {
        String text;
        try {
            text = all ? DiagnosticCommands.invoke("gcClassHistogram", "-all") : DiagnosticCommands.invoke("gcClassHistogram");
        } catch (DiagnosticCommands.Unavailable e) {
            throw new IllegalStateException("a class histogram needs HotSpot's DiagnosticCommand MBean: " + e.getMessage(), e);
        }
        return parse(text);
    }

    /** Parses jcmd's {@code GC.class_histogram} output or {@link #render}'s; converts names to Java source form. */
    public static List<Row> parse(String text) {
        List<Row> rows = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.add(new Row(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        javaName(m.group(4)), m.group(5)));
            }
        }
        return rows;
    }

    /**
     * A JVM class name in Java source form: {@code [B} → {@code byte[]}, {@code [[I} → {@code int[][]},
     * {@code [Ljava.lang.String;} → {@code java.lang.String[]}. Other names are returned as they are.
     */
    public static String javaName(String name) {
        int dims = 0;
        while (dims < name.length() && name.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0 || dims == name.length()) {
            return name;
        }
        String element = name.substring(dims);
        String base;
        if (element.length() == 1) {
            switch (element.charAt(0)) {
                case 'Z': base = "boolean"; break;
                case 'B': base = "byte"; break;
                case 'C': base = "char"; break;
                case 'S': base = "short"; break;
                case 'I': base = "int"; break;
                case 'J': base = "long"; break;
                case 'F': base = "float"; break;
                case 'D': base = "double"; break;
                default: return name;
            }
        } else if (element.charAt(0) == 'L' && element.endsWith(";") && element.length() > 2) {
            base = element.substring(1, element.length() - 1);
            if (base.indexOf('.') < 0) {
                base = base.replace('/', '.'); // an internal name (java/lang/String); hidden classes keep their "/0x…" suffix
            }
        } else {
            return name;
        }
        StringBuilder b = new StringBuilder(base.length() + 2 * dims).append(base);
        for (int i = 0; i < dims; i++) {
            b.append("[]");
        }
        return b.toString();
    }

    /** Total instances and bytes of all rows. */
    public static long[] totals(List<Row> rows) {
        long n = 0;
        long bytes = 0;
        for (Row r : rows) {
            n += r.instances();
            bytes += r.bytes();
        }
        return new long[] {n, bytes};
    }

    /**
     * The table as text, in jcmd's layout: the first {@code top} rows ({@code top <= 0}: all), then
     * a line on what was left out and the totals over every row.
     */
    public static String render(List<Row> rows, int top) {
        StringBuilder b = new StringBuilder();
        b.append(" num     #instances         #bytes  class name (module)\n");
        b.append("-------------------------------------------------------\n");
        int n = top <= 0 ? rows.size() : Math.min(top, rows.size());
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            b.append(String.format(Locale.ROOT, "%4d: %14d %14d  %s%s%n", r.rank(), r.instances(), r.bytes(), r.className(),
                    r.module() == null ? "" : " (" + r.module() + ")"));
        }
        long[] t = totals(rows);
        if (n < rows.size()) {
            long[] rest = totals(rows.subList(n, rows.size()));
            b.append(String.format(Locale.ROOT, "      (%d more classes: %d instances, %s)%n", rows.size() - n, rest[0], Units.bytes(rest[1])));
        }
        b.append(String.format(Locale.ROOT, "Total %14d %14d  (%s in %d classes)%n", t[0], t[1], Units.bytes(t[1]), rows.size()));
        return b.toString();
    }

    /** The JSON form: totals and the first {@code top} rows. */
    public static Map<String, Object> toMap(List<Row> rows, int top) {
        Map<String, Object> m = new LinkedHashMap<>();
        long[] t = totals(rows);
        m.put("classes", rows.size());
        m.put("instances", t[0]);
        m.put("bytes", t[1]);
        List<Object> list = new ArrayList<>();
        int n = top <= 0 ? rows.size() : Math.min(top, rows.size());
        for (int i = 0; i < n; i++) {
            list.add(rows.get(i).toMap());
        }
        m.put("rows", list);
        return m;
    }
}
