package dev.forgeperf.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * {@code scripts/bench.sh timing-instrument}: how long the real CLI takes to instrument 1,000
 * loaded classes, and what 20 instrument/uninstrument cycles leave behind in metaspace.
 * <ol>
 * <li>generates N small classes (5 methods each, in packages {@code gen.p00…}) and compiles them
 * with the JDK's compiler into a temp dir;</li>
 * <li>starts {@link InstrumentTarget} with {@code -javaagent:forge-perf.jar} (no spec), which
 * loads them all;</li>
 * <li>per cycle: {@code java -jar forge-perf.jar instrument PID 'gen.**#*' --force} (wall time
 * from process start to its first output line and to its exit), then {@code uninstrument};</li>
 * <li>metaspace used (read in the target after {@code System.gc()}) before, while instrumented
 * and after each cycle; classes and loaders alive from {@code jcmd PID VM.metaspace}.</li>
 * </ol>
 * For scale it also times {@code forge-perf status PID} (a CLI round trip that does no work).
 *
 * <p>Usage: {@code InstrumentBench --agent /abs/forge-perf.jar [--classes 1000] [--cycles 20]}.
 */
public final class InstrumentBench {
    private static final String SPEC = "gen.**#*";
    private static final int METHODS_PER_CLASS = 5;

    private InstrumentBench() {
    }

    public static void main(String[] args) throws Exception {
        String agent = null;
        int classes = 1000;
        int cycles = 20;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--agent" -> agent = args[i + 1];
                case "--classes" -> classes = Integer.parseInt(args[i + 1]);
                case "--cycles" -> cycles = Integer.parseInt(args[i + 1]);
                default -> usage("unknown option " + args[i]);
            }
        }
        if (agent == null || !Files.isRegularFile(Path.of(agent))) {
            usage("no agent jar at " + agent);
        }
        agent = Path.of(agent).toAbsolutePath().normalize().toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path work = Files.createTempDirectory("forge-perf-instrument-bench");
        try {
            Path out = work.resolve("classes");
            long t0 = System.nanoTime();
            generate(work.resolve("src"), out, classes);
            System.out.printf(Locale.ROOT, "generated and compiled %d classes (%d methods each) in %.1f s%n", classes, METHODS_PER_CLASS,
                    (System.nanoTime() - t0) / 1e9);
            run(java, agent, out, classes, cycles);
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void usage(String why) {
        System.err.println(why + "\nusage: InstrumentBench --agent /path/to/forge-perf.jar [--classes N] [--cycles N]");
        System.exit(2);
    }

    /** Writes and compiles {@code n} classes {@code gen.pNN.CNNNN} with {@value #METHODS_PER_CLASS} methods each. */
    static void generate(Path src, Path out, int n) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String pkg = String.format(Locale.ROOT, "p%02d", i / 100);
            String cls = String.format(Locale.ROOT, "C%04d", i);
            Path f = src.resolve("gen").resolve(pkg).resolve(cls + ".java");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "package gen." + pkg + ";\n"
                    + "public class " + cls + " {\n"
                    + "    private int state = " + i + ";\n"
                    + "    public int m0(int x) { return x + state; }\n"
                    + "    public int m1(int x) { return x * 31 + " + i + "; }\n"
                    + "    public int m2(int x) { int s = 0; for (int i = 0; i < x; i++) { s += i ^ state; } return s; }\n"
                    + "    public int m3(int x) { if (x < 0) { throw new IllegalArgumentException(\"negative\"); } return String.valueOf(x).length(); }\n"
                    + "    public long m4(int x) { return ((long) x << 2) | state; }\n"
                    + "}\n");
            files.add(f);
        }
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler: run with a JDK, not a JRE");
        }
        try (StandardJavaFileManager fm = javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, fm, null, List.of("-d", out.toString(), "-proc:none", "--release", "17"), null,
                    fm.getJavaFileObjectsFromPaths(files)).call();
            if (!ok) {
                throw new IllegalStateException("compiling the generated classes failed");
            }
        }
    }

    /** The target JVM, driven over its stdin/stdout. */
    private static final class Target implements AutoCloseable {
        final Process process;
        final BufferedReader out;
        final PrintWriter in;

        Target(List<String> command) throws IOException {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        }

        String ask(String command, String answerPrefix) throws IOException {
            if (command != null) {
                in.println(command);
            }
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(answerPrefix)) {
                    return line;
                }
            }
            throw new IOException("target exited (status " + exitCode() + ") before answering " + command);
        }

        /** Metaspace used, committed, class space used (read in the target), and classes, loaders (jcmd). */
        long[] mem() throws IOException, InterruptedException {
            long[] m = Arrays.stream(ask("mem", "mem ").split(" ")).skip(1).mapToLong(Long::parseLong).toArray();
            long[] c = jcmdClasses(process.pid());
            return new long[] {m[0], m[1], m[2], c[0], c[1]};
        }

        private String exitCode() {
            try {
                return process.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "running";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "?";
            }
        }

        @Override
        public void close() {
            in.println("quit");
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One CLI call: wall time to its first output line and to its exit, and its output. */
    record Cli(double firstLineMs, double exitMs, int status, String output) {
    }

    static Cli cli(String java, String agent, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", agent));
        cmd.addAll(List.of(args));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder text = new StringBuilder();
        double first = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (first < 0) {
                    first = (System.nanoTime() - t0) / 1e6;
                }
                text.append(line).append('\n');
            }
        }
        int status = p.waitFor();
        return new Cli(first, (System.nanoTime() - t0) / 1e6, status, text.toString());
    }

    private static void run(String java, String agent, Path classes, int n, int cycles) throws Exception {
        String cp = System.getProperty("java.class.path") + File.pathSeparator + classes;
        try (Target t = new Target(List.of(java, "-Xmx512m", "-javaagent:" + agent, "-cp", cp, InstrumentTarget.class.getName(),
                classes.toString()))) {
            String ready = t.ask(null, "ready ");
            String pid = String.valueOf(t.process.pid());
            System.out.println("target pid " + pid + " loaded " + ready.substring(6) + " generated classes; java " + java);

            double statusMs = Double.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                Cli s = check(cli(java, agent, "status", pid), "status");
                statusMs = Math.min(statusMs, s.exitMs);
            }
            long[] before = t.mem();
            long[] instrumented = null;
            long[] afterFirst = null;
            double[] first = new double[cycles];
            double[] exit = new double[cycles];
            double[] unExit = new double[cycles];
            Pattern answer = Pattern.compile("instrumented '.*': (\\d+) methods in (\\d+) classes");
            for (int c = 0; c < cycles; c++) {
                Cli ins = check(cli(java, agent, "instrument", pid, SPEC, "--force"), "instrument");
                Matcher m = answer.matcher(ins.output);
                if (!m.find() || Integer.parseInt(m.group(2)) != n || Integer.parseInt(m.group(1)) != n * METHODS_PER_CLASS) {
                    throw new IllegalStateException("expected " + n * METHODS_PER_CLASS + " methods in " + n + " classes, got: "
                            + ins.output.lines().findFirst().orElse(""));
                }
                first[c] = ins.firstLineMs;
                exit[c] = ins.exitMs;
                if (c == 0) {
                    t.ask("call 3", "called ");
                    Cli timings = check(cli(java, agent, "timings", pid), "timings");
                    if (!timings.output.contains("gen.p00.C0000#m0(int)")) {
                        throw new IllegalStateException("timings shows no call of the instrumented gen.p00.C0000#m0:\n" + timings.output);
                    }
                    instrumented = t.mem();
                }
                Cli un = check(cli(java, agent, "uninstrument", pid, SPEC), "uninstrument");
                unExit[c] = un.exitMs;
                long[] after = t.mem();
                if (c == 0) {
                    afterFirst = after;
                }
                System.out.printf(Locale.ROOT, "cycle %2d: instrument first line %6.0f ms, exit %6.0f ms; uninstrument exit %6.0f ms;"
                        + " metaspace used %s%n", c + 1, first[c], exit[c], unExit[c], mib(after[0]));
            }
            long[] end = t.mem();
            System.out.println();
            System.out.printf(Locale.ROOT, "instrument '%s' --force: %d methods in %d classes (JVM %s)%n", SPEC, n * METHODS_PER_CLASS, n,
                    System.getProperty("java.version"));
            System.out.println("| measure | min | median | max |\n|---|---:|---:|---:|");
            System.out.printf(Locale.ROOT, "| 1st instrument (cold: the agent loads Byte Buddy) → first answer line / exit (ms) | %.0f / %.0f | | |%n",
                    first[0], exit[0]);
            if (cycles > 1) {
                row("instrument, cycles 2–" + cycles + " → first answer line (CLI wall, ms)", Arrays.copyOfRange(first, 1, cycles));
                row("instrument, cycles 2–" + cycles + " → CLI exit (ms)", Arrays.copyOfRange(exit, 1, cycles));
            }
            row("uninstrument → CLI exit (ms)", unExit);
            System.out.printf(Locale.ROOT, "| `status PID` → CLI exit, for scale (ms) | %.0f | | |%n", statusMs);
            System.out.println();
            System.out.println("| metaspace (after System.gc()) | used | committed | class space used | classes | loaders |\n|---|---:|---:|---:|---:|---:|");
            memRow("before any instrument", before);
            memRow("instrumented (1st cycle)", instrumented);
            memRow("after 1 cycle", afterFirst);
            memRow("after " + cycles + " cycles", end);
            System.out.printf(Locale.ROOT, "%nmetaspace growth after %d cycles: %s vs before (%s vs after the 1st cycle; %.1f KiB per cycle after the 1st)%n",
                    cycles, signedMib(end[0] - before[0]), signedMib(end[0] - afterFirst[0]),
                    cycles > 1 ? (end[0] - afterFirst[0]) / 1024.0 / (cycles - 1) : 0.0);
        }
    }

    /**
     * Classes and class loaders alive in a JVM, from {@code jcmd PID VM.metaspace} ("Total Usage -
     * N loaders, M classes").
     */
    static long[] jcmdClasses(long pid) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, String.valueOf(pid), "VM.metaspace").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile("Total Usage - (\\d+) loaders, (\\d+) classes").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("unexpected jcmd VM.metaspace output:\n" + text);
        }
        return new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(1))};
    }

    private static Cli check(Cli c, String what) {
        if (c.status != 0) {
            throw new IllegalStateException(what + " failed (exit " + c.status + "):\n" + c.output);
        }
        return c;
    }

    private static void row(String label, double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f |%n", label, s[0], median, s[s.length - 1]);
    }

    private static void memRow(String label, long[] m) {
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %d | %d |%n", label, mib(m[0]), mib(m[1]), mib(m[2]), m[3], m[4]);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / 1048576.0);
    }

    private static String signedMib(long bytes) {
        return String.format(Locale.ROOT, "%+.2f MiB", bytes / 1048576.0);
    }
}
