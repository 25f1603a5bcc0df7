package dev.forgeperf.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.Durations;

/**
 * Agent options: {@code key=value} pairs separated by commas ({@code -javaagent:forge-perf.jar=k=v,k2=v2}),
 * a key may repeat; commas inside parentheses belong to the value (method specs with parameter
 * lists). {@code config=FILE} reads a properties file with the same keys (a repeated key there is
 * written as a comma-separated list; only a regular file of at most 64 KiB, read within 2 s, so the
 * JVM's start never hangs on it). Unknown keys and malformed values become warnings, never
 * failures.
 */
public final class AgentOptions {
    /** Every key the agent understands, with a one-line description (shown in warnings and help). */
    public static final Map<String, String> KNOWN;

    static {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("config", "properties file with more options");
        k.put("timed", "method spec to time, e.g. com.acme.*Service#handle* (repeatable)");
        k.put("timed.jfrThreshold", "calls at least this long also become forge.MethodTiming JFR events (default 10ms)");
        k.put("timed.sample", "time one call in N (power of two), count every call (default 1: time all)");
        k.put("timed.maxMemory", "memory for timing histograms of all methods together; past it calls are counted without percentiles (default: 1/16 of the max heap, at most 32MB)");
        k.put("timed.maxMethods", "most timed methods and track names with a row (default 10000); further ones are not timed");
        k.put("jfr", "continuous JFR recording: default, profile or off (default: default)");
        k.put("jfr.maxage", "how much history the continuous recording keeps (default 30m)");
        k.put("jfr.maxsize", "most disk the continuous recording uses (default 200MB)");
        k.put("snapshotOnExit", "directory to write a snapshot (timings) into when the JVM exits: DIR/<pid>-<time>/");
        k.put("verbose", "true: log details and stack traces of contained failures");
        k.putAll(RuntimeSettings.OPTIONS);
        k.put("trigger", "take a snapshot when a condition holds, e.g. heap>90%:snapshot (live heap: after the last old-generation GC), threads>500, gcPause>1s, gcCpu>20%, deadlock (repeatable)");
        k.put("trigger.dir", "folder for trigger snapshots (default: snapshots beside the control socket)");
        k.put("trigger.minInterval", "at most one trigger snapshot this often (default 5m)");
        k.put("trigger.keep", "trigger snapshots of this JVM to keep, oldest removed first (default 5)");
        k.put("http", "serve /metrics, /health, /debug/pprof/*, /api/* and a dashboard on PORT, HOST:PORT or [IPv6]:PORT (port alone: loopback; 0: any free port)");
        k.put("http.allowRemote", "true: allow an http address other than loopback (everyone who can reach it can read the JVM's data)");
        k.put("metrics.buckets", "bounds of the method-timing histograms on /metrics, ascending, separated by ';' (default 100us;300us;1ms;3ms;10ms;30ms;100ms;300ms;1s;3s;10s)");
        k.put("http.token", "token that mutating HTTP endpoints (POST /api/gc) require (default: a random one in <pid>.http-token beside the control socket)");
        k.put("pyroscope", "push the continuous recording's finished chunks every 10s to this Pyroscope server's /ingest (http://HOST:PORT; user:password@ becomes basic auth), off by default");
        k.put("pyroscope.app", "application name and labels for pyroscope=: NAME or NAME{key=value,...} (default: the main class's simple name)");
        k.put("http.profiles", "off, read or all (default read): which HTTP endpoints may give out profiles and thread dumps (read) and heap dumps too (all, with the token); off answers 403 on them");
        KNOWN = Collections.unmodifiableMap(k);
    }

    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private int configDepth;

    /** The largest {@code config=} file read. */
    static final int MAX_CONFIG_BYTES = 64 * 1024;
    /** How long premain waits for a {@code config=} file to be read. */
    static final long CONFIG_READ_TIMEOUT_MILLIS = 2000;
    private static final int MAX_CONFIG_DEPTH = 4;

    private AgentOptions() {
    }

    /**
     * Checks a typed key's value: throws IllegalArgumentException saying what is expected; keys
     * without a type take anything. (A switch, not a map of lambdas: this runs in premain, where
     * each lambda's first use costs the application start-up time.)
     */
    private static void check(String key, String v) {
        switch (key) {
            case "timed.sample", "trigger.keep" -> checkPositiveInt(v);
            case "timed.jfrThreshold", "jfr.maxage", "trigger.minInterval" -> Durations.parseNanos(v);
            case "jfr" -> checkOneOf(v, "default", "profile", "off");
            case "jfr.maxsize" -> Durations.parseBytes(v);
            case "http" -> HttpAddress.parse(v);
            case "http.allowRemote" -> checkBoolean(v);
            case "http.token" -> HttpTokenOption.check(v);
            case "http.profiles" -> checkOneOf(v, "off", "read", "all");
            default -> {
                // untyped: checked where it is used
            }
        }
    }

    private static void checkPositiveInt(String v) {
        try {
            if (Integer.parseInt(v) > 0) {
                return;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("expected a positive integer");
    }

    private static void checkBoolean(String v) {
        checkOneOf(v.toLowerCase(java.util.Locale.ROOT), "true", "false");
    }

    private static void checkOneOf(String v, String... allowed) {
        if (!List.of(allowed).contains(v)) {
            throw new IllegalArgumentException("expected " + String.join(", ", allowed));
        }
    }

    public static AgentOptions parse(String text) {
        AgentOptions o = new AgentOptions();
        o.parseInto(text == null ? "" : text, "option");
        o.validate();
        return o;
    }

    /** Drops malformed typed values, with a warning each, so getters fall back to defaults. */
    private void validate() {
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            for (java.util.Iterator<String> it = e.getValue().iterator(); it.hasNext(); ) {
                String v = it.next();
                try {
                    check(e.getKey(), v);
                } catch (IllegalArgumentException bad) {
                    String shown = e.getKey().equals("http.token") ? "(hidden)" : v;
                    warnings.add("ignoring " + e.getKey() + "=" + shown + " (" + bad.getMessage() + "); using the default");
                    it.remove();
                }
            }
        }
        for (java.util.Iterator<List<String>> it = values.values().iterator(); it.hasNext(); ) {
            if (it.next().isEmpty()) {
                it.remove();
            }
        }
    }

    private void parseInto(String text, String origin) {
        for (String item : split(text)) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                warnings.add("ignoring malformed " + origin + " '" + item + "' (expected key=value)");
                continue;
            }
            String key = item.substring(0, eq).trim();
            String value = item.substring(eq + 1).trim();
            add(key, value, origin);
        }
    }

    private void add(String key, String value, String origin) {
        if (!KNOWN.containsKey(key)) {
            warnings.add("ignoring unknown " + origin + " '" + key + "' (known: " + String.join(", ", KNOWN.keySet()) + ")");
            return;
        }
        if (key.equals("config")) {
            readConfig(value);
            return;
        }
        List<String> list = values.get(key);
        if (list == null) {
            list = new ArrayList<>();
            values.put(key, list);
        }
        list.add(value);
    }

    private void readConfig(String file) {
        if (configDepth >= MAX_CONFIG_DEPTH) {
            warnings.add("ignoring config=" + file + ": config files nest more than " + MAX_CONFIG_DEPTH + " deep (a loop?)");
            return;
        }
        Properties p = new Properties();
        try (Reader r = new java.io.StringReader(readConfigText(Path.of(file)))) {
            p.load(r);
        } catch (IOException | RuntimeException e) {
            warnings.add("cannot read config file " + file + ": " + AtomicFiles.reason(e)
                    + "; give a regular properties file");
            return;
        }
        configDepth++;
        try {
            addAll(p, file);
        } finally {
            configDepth--;
        }
    }

    /**
     * Reads a config file without ever hanging the JVM's start: only a regular file (a FIFO, device
     * or folder is refused before it is opened), at most {@link #MAX_CONFIG_BYTES}, read on a daemon
     * thread that premain waits for at most {@link #CONFIG_READ_TIMEOUT_MILLIS} (a file swapped for a
     * FIFO after the check, or a hung network file system; such a thread is left blocked, not the host).
     */
    static String readConfigText(Path path) throws IOException {
        java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
        if (!a.isRegularFile()) {
            throw new IOException("not a regular file (" + (a.isDirectory() ? "a folder" : "a FIFO, socket or device") + ")");
        }
        if (a.size() > MAX_CONFIG_BYTES) {
            throw new IOException("larger than " + (MAX_CONFIG_BYTES >> 10) + " KiB");
        }
        java.util.concurrent.FutureTask<byte[]> read = new java.util.concurrent.FutureTask<>(() -> {
            try (java.io.InputStream in = Files.newInputStream(path)) {
                return in.readNBytes(MAX_CONFIG_BYTES + 1);
            }
        });
        Thread t = new Thread(read, "forge-perf-config-read");
        t.setDaemon(true);
        t.start();
        byte[] bytes;
        try {
            bytes = read.get(CONFIG_READ_TIMEOUT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            t.interrupt();
            throw new IOException("not read within " + CONFIG_READ_TIMEOUT_MILLIS + " ms (is it a FIFO or on a hung file system?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading it");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException ? (IOException) c : new IOException(String.valueOf(c), c);
        }
        if (bytes.length > MAX_CONFIG_BYTES) {
            throw new IOException("larger than " + (MAX_CONFIG_BYTES >> 10) + " KiB");
        }
        return java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    }

    private void addAll(Properties p, String file) {
        for (String key : p.stringPropertyNames()) {
            for (String value : split(p.getProperty(key))) {
                if (!value.isBlank()) {
                    add(key.trim(), value.trim(), "key in " + file);
                }
            }
        }
    }

    /** Splits on commas that are not inside parentheses. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(' || c == '{') {
                depth++;
            } else if ((c == ')' || c == '}') && depth > 0) {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(text.substring(start, i));
                start = i + 1;
            }
        }
        out.add(text.substring(start));
        return out;
    }

    public List<String> warnings() {
        return warnings;
    }

    public List<String> all(String key) {
        return values.getOrDefault(key, List.of());
    }

    public String get(String key, String fallback) {
        List<String> v = values.get(key);
        return v == null || v.isEmpty() ? fallback : v.get(v.size() - 1);
    }

    public boolean flag(String key) {
        String v = get(key, "false");
        return v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes");
    }

    /** A positive integer option (validated at parse time), or {@code fallback}. */
    public int positiveInt(String key, int fallback) {
        String v = get(key, null);
        return v == null ? fallback : Integer.parseInt(v);
    }

    /** A duration option ({@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, bare number = ms) in nanoseconds, or {@code fallbackNanos}. */
    public long durationNanos(String key, long fallbackNanos) {
        String v = get(key, null);
        return v == null ? fallbackNanos : Durations.parseNanos(v);
    }

    /** A size option ({@code 200MB}) in bytes, or {@code fallback}. */
    public long bytes(String key, long fallback) {
        String v = get(key, null);
        return v == null ? fallback : Durations.parseBytes(v);
    }

    /**
     * These options with the values of {@code extra} for {@code keys} added: {@code timed}
     * accumulates, any other key is replaced. The values in force after a reload applied them.
     */
    public AgentOptions withApplied(AgentOptions extra, java.util.Collection<String> keys) {
        AgentOptions o = new AgentOptions();
        values.forEach((k, v) -> o.values.put(k, new ArrayList<>(v)));
        for (String key : keys) {
            List<String> v = extra.values.get(key);
            if (v == null) {
                continue;
            }
            if (key.equals("timed")) {
                List<String> all = o.values.computeIfAbsent(key, x -> new ArrayList<>());
                v.stream().filter(s -> !all.contains(s)).forEach(all::add);
            } else {
                o.values.put(key, new ArrayList<>(v));
            }
        }
        return o;
    }

    /** The options as given. */
    public Map<String, List<String>> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /**
     * {@code text} (a URL, an option list, an exception's message quoting a URL) with every URL's
     * {@code user:password@} replaced by {@code (hidden)@} and the value of every query parameter
     * whose name holds {@code token}, {@code key}, {@code secret}, {@code password} or
     * {@code auth} (any case) replaced by {@code (hidden)}. The one rule for what the agent prints
     * or logs of a URL; null stays null.
     */
    public static String withoutCredentials(String text) {
        if (text == null) {
            return null;
        }
        return Secrets.QUERY.matcher(Secrets.USER_INFO.matcher(text).replaceAll("//(hidden)@")).replaceAll("$1(hidden)");
    }

    /** The patterns {@link #withoutCredentials} hides with, compiled on first use (not in premain). */
    private static final class Secrets {
        static final java.util.regex.Pattern USER_INFO = java.util.regex.Pattern.compile("//[^/@,\\s]*@");
        static final java.util.regex.Pattern QUERY = java.util.regex.Pattern.compile(
                "(?i)([?&][^=&#,\\s?]*(?:token|key|secret|passw|auth)[^=&#,\\s?]*=)[^&#,\\s]*");
    }

    /**
     * One command-line argument (e.g. the {@code -javaagent:} flag) with the agent's secrets hidden:
     * the {@code http.token} value and credentials in URLs. What {@code status},
     * {@code /api/runtime} and {@code /debug/pprof/cmdline} show of the JVM's arguments.
     */
    public static String withoutSecrets(String argument) {
        return withoutCredentials(argument.replaceAll("http\\.token=[^,\\s]*", "http.token=(hidden)"));
    }

    /** The options as given, secrets ({@code http.token}, credentials in {@code pyroscope}) masked: what {@code status} may show. */
    public Map<String, List<String>> displayMap() {
        Map<String, List<String>> m = new LinkedHashMap<>(values);
        m.computeIfPresent("http.token", (k, v) -> List.of("(hidden)"));
        m.computeIfPresent("pyroscope", (k, v) -> v.stream().map(AgentOptions::withoutCredentials).toList());
        return Collections.unmodifiableMap(m);
    }
}
