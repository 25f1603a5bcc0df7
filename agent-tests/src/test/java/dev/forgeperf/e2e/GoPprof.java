package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;

/** Reads pprof files back with the real {@code go tool pprof}. */
final class GoPprof {
    private GoPprof() {
    }

    /** The go launcher, or null when Go is not installed. */
    static String find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path go = Path.of(dir.isEmpty() ? "." : dir, "go");
            if (Files.isExecutable(go)) {
                return go.toString();
            }
        }
        Path debian = Path.of("/usr/lib/go/bin/go");
        return Files.isExecutable(debian) ? debian.toString() : null;
    }

    /** Skips the calling test (only) when Go is absent. */
    static String require() {
        String go = find();
        Assumptions.assumeTrue(go != null, "go is not installed (apt-get install golang-go): pprof read-back skipped");
        return go;
    }

    /**
     * Runs {@code go tool pprof -top} on {@code source} (a file relative to the env's work folder,
     * or a live {@code http://…} URL) and returns its output, having checked it exited 0.
     */
    static String top(Env env, String source) {
        return top(env, source, List.of());
    }

    /** {@link #top(Env, String)} with more flags for {@code go tool pprof} (e.g. {@code -sample_index=inuse_space}). */
    static String top(Env env, String source, List<String> flags) {
        String go = require();
        List<String> cmd = new java.util.ArrayList<>(List.of(go, "tool", "pprof", "-top", "-nodecount=200"));
        cmd.addAll(flags);
        cmd.add(source);
        try (Proc p = Proc.start(cmd, Map.of("HOME", env.work.toString(), "GOCACHE", env.work.resolve("gocache").toString()), env.work)) {
            int exit = p.waitFor(Duration.ofSeconds(120));
            String out = p.stdout();
            assertEquals(0, exit, () -> source + ":\n" + out + "\n" + p.stderr());
            return out;
        }
    }

    /** Runs {@code go tool pprof -raw} on {@code source} (a file or a live URL): the profile's header and samples as text. */
    static String raw(Env env, String source) {
        String go = require();
        List<String> cmd = List.of(go, "tool", "pprof", "-raw", source);
        try (Proc p = Proc.start(cmd, Map.of("HOME", env.work.toString(), "GOCACHE", env.work.resolve("gocache").toString()), env.work)) {
            int exit = p.waitFor(Duration.ofSeconds(120));
            String out = p.stdout();
            assertEquals(0, exit, () -> source + ":\n" + out + "\n" + p.stderr());
            return out;
        }
    }

    /**
     * Runs {@code go tool pprof -top} on {@code file} (relative to the env's work folder) and
     * checks the sample type and that {@code function} is among the top five rows.
     */
    static String assertTop(Env env, String file, String function, String type) {
        String go = require();
        List<String> cmd = List.of(go, "tool", "pprof", "-top", "-nodecount=8", file);
        try (Proc p = Proc.start(cmd, Map.of("HOME", env.work.toString(), "GOCACHE", env.work.resolve("gocache").toString()), env.work)) {
            int exit = p.waitFor(Duration.ofSeconds(120));
            String out = p.stdout();
            assertEquals(0, exit, () -> out + "\n" + p.stderr());
            assertTrue(out.contains(type), out);
            List<String> rows = out.lines().dropWhile(l -> !l.trim().startsWith("flat")).skip(1).limit(5).toList();
            assertTrue(rows.stream().anyMatch(l -> l.contains(function)), () -> file + ":\n" + out);
            return out;
        }
    }
}
