package dev.forgeperf.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One test's world: a private socket directory ({@code FORGE_PERF_DIR}), a working directory, the
 * CLI pointed at them, and the target JVMs started in it (closed with it).
 */
public final class Env implements AutoCloseable {
    public final Path work;
    public final Path socketDir;
    public final Map<String, String> env = new HashMap<>();
    public final Cli cli;
    private final List<Proc> started = new ArrayList<>();
    private final Map<Proc, Path> helloStops = new java.util.IdentityHashMap<>();

    public Env() {
        try {
            work = Files.createTempDirectory("forge-perf-e2e");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        socketDir = work.resolve("sockets");
        env.put("FORGE_PERF_DIR", socketDir.toString());
        env.put("XDG_RUNTIME_DIR", null);
        cli = new Cli(env, work);
    }

    /** Starts {@code java <jvmArgs> <main and args>} on the given JDK. */
    public Proc java(Path jdk, List<String> jvmArgs, String... mainAndArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Jdks.java(jdk));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of(mainAndArgs));
        Proc p = Proc.start(cmd, env, work);
        started.add(p);
        return p;
    }

    /** The fixture program {@code Hello} running {@code millis}, optionally with the agent. */
    public Proc hello(Path jdk, String agentOptions, long millis, String... extraJvmArgs) {
        return helloAs("dev.forgeperf.e2e.fixture.Hello", jdk, agentOptions, millis, extraJvmArgs);
    }

    /**
     * {@code Hello} run through a main class no other JVM on the machine has ({@code Hello_<random>},
     * compiled into this test's directory), for tests that find the JVM by name: the name lookup
     * sees every JVM of the user, also other tests' and other suites' {@code Hello}s.
     */
    public Proc uniqueHello(Path jdk, String agentOptions, long millis, String... extraJvmArgs) {
        String simple = "Hello_" + Long.toHexString(new java.security.SecureRandom().nextLong() >>> 1);
        Path src = work.resolve("unique-main").resolve(simple + ".java");
        Path classes = work.resolve("unique-classes");
        try {
            Files.createDirectories(src.getParent());
            Files.createDirectories(classes);
            Files.writeString(src, "package dev.forgeperf.e2e.fixture;\npublic final class " + simple
                    + " {\n    public static void main(String[] args) throws Exception {\n        Hello.main(args);\n    }\n}\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, null, err, "--release", "17", "-cp", Fixtures.testClasses().toString(), "-d", classes.toString(),
                src.toString());
        if (rc != 0) {
            throw new IllegalStateException("cannot compile " + src + ": " + err);
        }
        return helloAs("dev.forgeperf.e2e.fixture." + simple, jdk, agentOptions, millis, extraJvmArgs);
    }

    /**
     * Ends a {@link #hello} early (it checks every 20 ms): for a test that acts on the running JVM
     * and then waits for its normal end, started with a long lifetime as a hang bound.
     */
    public void stop(Proc hello) {
        Path stop = helloStops.get(hello);
        if (stop == null) {
            throw new IllegalArgumentException("not a hello of this Env: " + hello.command());
        }
        try {
            Files.writeString(stop, "stop\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Proc helloAs(String main, Path jdk, String agentOptions, long millis, String... extraJvmArgs) {
        List<String> args = new ArrayList<>(List.of(extraJvmArgs));
        Path stop = work.resolve("hello-" + (helloStops.size() + 1) + ".stop");
        args.add("-Dhello.stop=" + stop);
        if (agentOptions != null) {
            args.add("-javaagent:" + Fixtures.agentJar() + (agentOptions.isEmpty() ? "" : "=" + agentOptions));
        }
        args.add("-cp");
        args.add(Fixtures.testClasses() + java.io.File.pathSeparator + work.resolve("unique-classes"));
        Proc p = java(jdk, args, main, String.valueOf(millis));
        helloStops.put(p, stop);
        p.awaitOut("hello ready", Duration.ofSeconds(60));
        return p;
    }

    /** Waits until the agent's socket of {@code pid} exists. */
    public Path awaitSocket(long pid) {
        Path socket = socketDir.resolve(pid + ".sock");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(socket)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no socket " + socket);
            }
            sleep(20);
        }
        return socket;
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        started.forEach(Proc::close);
        try (var walk = Files.walk(work)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp files
        }
    }
}
