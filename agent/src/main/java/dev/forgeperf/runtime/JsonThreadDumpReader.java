package dev.forgeperf.runtime;

import static dev.forgeperf.runtime.VirtualThreads.MAX_FRAMES;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.forgeperf.util.JsonReader;

/**
 * A streaming reader of the JDK's JSON thread dump ({@code HotSpotDiagnosticMXBean.dumpThreads}
 * with {@code JSON}, as {@code jcmd PID Thread.dump_to_file -format=json} writes it): walks the
 * document, hands each entry of {@code threadDump.threadContainers[].threads[]} (a small object)
 * to the {@link VirtualThreadFolder} and skips everything else without keeping it.
 *
 * <p>Bounded: the document is read a character at a time (the caller buffers the reader) and never
 * held; the most held at a time is one thread entry, whose arrays keep at most
 * {@value VirtualThreads#MAX_FRAMES} + 1 elements (one past the cap: enough to know a stack was
 * cut); nesting deeper than {@value #MAX_DEPTH} is refused. A malformed document is an
 * {@link IOException} naming the character where reading stopped.
 *
 * <p>Not thread-safe: one per document, read once ({@link #document()}) by one thread.
 */
final class JsonThreadDumpReader {
    private static final String THREADS = ".threadDump.threadContainers[].threads";
    private static final int MAX_DEPTH = 64;
    private final Reader in;
    private final VirtualThreadFolder folder;
    private int peeked = -2;
    private long offset;

    JsonThreadDumpReader(Reader in, VirtualThreadFolder folder) {
        this.in = in;
        this.folder = folder;
    }

    /** Reads the whole document, handing every thread entry to the folder. */
    void document() throws IOException {
        walk("", 0);
        space();
        if (peek() != -1) {
            throw error("text after the document");
        }
    }

    private void walk(String path, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
        space();
        int c = peek();
        if (c == '{') {
            next();
            space();
            if (peek() == '}') {
                next();
                return;
            }
            do {
                space();
                String key = string();
                space();
                expect(':');
                walk(path + "." + key, depth + 1);
                space();
                c = next();
            } while (c == ',');
            if (c != '}') {
                throw error("expected , or }");
            }
        } else if (c == '[') {
            next();
            space();
            if (peek() == ']') {
                next();
                return;
            }
            boolean threads = path.equals(THREADS);
            do {
                if (threads) {
                    space();
                    Object v = value(depth + 1);
                    if (v instanceof Map) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> t = (Map<String, Object>) v;
                        folder.thread(t);
                    }
                } else {
                    walk(path + "[]", depth + 1);
                }
                space();
                c = next();
            } while (c == ',');
            if (c != ']') {
                throw error("expected , or ]");
            }
        } else {
            value(depth + 1);
        }
    }

    private Object value(int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
        space();
        int c = peek();
        switch (c) {
            case '{': {
                next();
                Map<String, Object> m = new LinkedHashMap<>();
                space();
                if (peek() == '}') {
                    next();
                    return m;
                }
                do {
                    space();
                    String key = string();
                    space();
                    expect(':');
                    m.put(key, value(depth + 1));
                    space();
                    c = next();
                } while (c == ',');
                if (c != '}') {
                    throw error("expected , or }");
                }
                return m;
            }
            case '[': {
                next();
                List<Object> l = new ArrayList<>();
                space();
                if (peek() == ']') {
                    next();
                    return l;
                }
                do {
                    Object v = value(depth + 1);
                    if (l.size() < MAX_FRAMES + 1) {
                        l.add(v); // one past the cap: enough to know the stack was cut
                    }
                    space();
                    c = next();
                } while (c == ',');
                if (c != ']') {
                    throw error("expected , or ]");
                }
                return l;
            }
            case '"':
                return string();
            case -1:
                throw error("unexpected end");
            default: {
                StringBuilder b = new StringBuilder();
                while ((c = peek()) != -1 && c != ',' && c != '}' && c != ']' && !Character.isWhitespace(c)) {
                    b.append((char) next());
                }
                String s = b.toString();
                switch (s) {
                    case "true": return Boolean.TRUE;
                    case "false": return Boolean.FALSE;
                    case "null": return null;
                    default:
                        if (s.isEmpty()) {
                            throw error("unexpected character");
                        }
                        return s;
                }
            }
        }
    }

    private String string() throws IOException {
        expect('"');
        StringBuilder b = new StringBuilder(32);
        while (true) {
            int c = next();
            if (c == -1) {
                throw error("unterminated string");
            }
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append((char) c);
                continue;
            }
            int e = next();
            if (e == -1) {
                throw error("unterminated escape");
            }
            if (e != 'u') {
                b.append(JsonReader.escaped((char) e));
                continue;
            }
            char[] h = new char[4];
            for (int i = 0; i < 4; i++) {
                int d = next();
                if (d == -1) {
                    throw error("unterminated escape");
                }
                h[i] = (char) d;
            }
            try {
                b.append((char) Integer.parseInt(new String(h), 16));
            } catch (NumberFormatException x) {
                throw error("bad \\u escape");
            }
        }
    }

    private void expect(char c) throws IOException {
        int got = next();
        if (got != c) {
            throw error("expected " + c);
        }
    }

    private void space() throws IOException {
        while (peek() != -1 && Character.isWhitespace(peek())) {
            next();
        }
    }

    private int peek() throws IOException {
        if (peeked == -2) {
            peeked = in.read();
        }
        return peeked;
    }

    private int next() throws IOException {
        int c = peek();
        peeked = -2;
        if (c != -1) {
            offset++;
        }
        return c;
    }

    private IOException error(String what) {
        return new IOException("unreadable JDK thread dump at character " + offset + ": " + what);
    }
}
