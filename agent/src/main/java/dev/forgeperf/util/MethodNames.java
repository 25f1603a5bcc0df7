package dev.forgeperf.util;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Method names ({@code com.acme.Repo#find(java.lang.String,int)}) shortened for a text table
 * column so that rows stay tell-apart-able: the class and the method name are the last things cut.
 *
 * <p>Each name gets the first of these forms that fits the width: the full name; parameter types
 * without packages ({@code find(String,int)}); packages cut to their initials
 * ({@code c.a.Repo#find(String,int)}); parameters elided ({@code c.a.Repo#find(…)}); the class
 * without its package ({@code Repo#find(…)}); finally the middle of the class (then of the method)
 * name cut ({@code Re…po#find(…)}). Whatever follows the parameter list (e.g. a class loader) is
 * kept. Then, while two different names would print the same, those rows fall back one form at a
 * time towards the full name, so distinct methods always print distinct (a row may then be wider
 * than asked). Names that are not {@code class#method(…)} are cut in the middle when too long.
 * Stateless; not for JSON, which always carries the full name.
 */
public final class MethodNames {
    private static final int FORMS = 6;
    private static final String ELLIPSIS = "\u2026";

    private MethodNames() {
    }

    /**
     * {@code names} shortened to at most {@code width} characters where that keeps them distinct,
     * in the same order; equal input names stay equal.
     */
    public static List<String> shorten(List<String> names, int width) {
        int n = names.size();
        int[] form = new int[n];
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            int f = 0;
            while (f < FORMS - 1 && form(names.get(i), f, width).length() > width) {
                f++;
            }
            form[i] = f;
            out[i] = form(names.get(i), f, width);
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            Map<String, Set<String>> originals = new HashMap<>();
            for (int i = 0; i < n; i++) {
                originals.computeIfAbsent(out[i], k -> new HashSet<>()).add(names.get(i));
            }
            for (int i = 0; i < n; i++) {
                if (originals.get(out[i]).size() > 1 && form[i] > 0) {
                    form[i]--;
                    changed = true;
                }
            }
            for (int i = 0; i < n; i++) {
                out[i] = form(names.get(i), form[i], width);
            }
        }
        List<String> result = new ArrayList<>(n);
        for (String s : out) {
            result.add(s);
        }
        return result;
    }

    /** One name in form {@code f} (0: full … 5: cut to {@code width}). */
    static String form(String name, int f, int width) {
        int hash = name.indexOf('#');
        int open = hash < 0 ? -1 : name.indexOf('(', hash);
        int close = open < 0 ? -1 : name.lastIndexOf(')');
        if (f == 0) {
            return name;
        }
        if (hash <= 0 || open < 0 || close < open) {
            return f < FORMS - 1 ? name : cutMiddle(name, width);
        }
        String type = name.substring(0, hash);
        String method = name.substring(hash + 1, open);
        String params = name.substring(open + 1, close);
        String suffix = name.substring(close + 1);
        String shownParams = params.isEmpty() ? "" : f >= 3 ? ELLIPSIS : simpleParams(params);
        String shownType = f >= 4 ? simpleName(type) : f >= 2 ? initials(type) : type;
        String s = shownType + "#" + method + "(" + shownParams + ")" + suffix;
        if (f < FORMS - 1 || s.length() <= width) {
            return s;
        }
        // form 5: cut the class's middle, then the method's, keeping at least 2+2 characters of each
        int rest = s.length() - shownType.length();
        String cutType = cutMiddle(shownType, Math.max(5, width - rest));
        s = cutType + "#" + method + "(" + shownParams + ")" + suffix;
        if (s.length() > width) {
            String cutMethod = cutMiddle(method, Math.max(5, width - (s.length() - method.length())));
            s = cutType + "#" + cutMethod + "(" + shownParams + ")" + suffix;
        }
        return s;
    }

    private static String simpleParams(String params) {
        StringBuilder b = new StringBuilder();
        for (String p : params.split(",", -1)) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(simpleName(p.strip()));
        }
        return b.toString();
    }

    /** {@code java.lang.String[]} → {@code String[]}. */
    private static String simpleName(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }

    /** {@code org.apache.catalina.core.ApplicationFilterChain} → {@code o.a.c.c.ApplicationFilterChain}. */
    private static String initials(String type) {
        String[] parts = type.split("\\.", -1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            b.append(parts[i].isEmpty() ? "" : parts[i].substring(0, 1)).append('.');
        }
        return b.append(parts[parts.length - 1]).toString();
    }

    /** {@code s} cut to {@code width} characters by replacing its middle with an ellipsis. */
    static String cutMiddle(String s, int width) {
        if (s.length() <= width) {
            return s;
        }
        int keep = Math.max(2, width - 1);
        int head = (keep + 1) / 2;
        int tail = keep - head;
        return s.substring(0, head) + ELLIPSIS + s.substring(s.length() - tail);
    }
}
