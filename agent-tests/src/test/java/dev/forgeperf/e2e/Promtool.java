package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/** Checks Prometheus exposition text with the real {@code promtool} (Debian package {@code prometheus}). */
final class Promtool {
    private Promtool() {
    }

    /** The promtool binary, or null when it is not installed. */
    static String find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return Files.isExecutable(Path.of("/usr/bin/promtool")) ? "/usr/bin/promtool" : null;
    }

    /**
     * Runs {@code promtool check metrics < file} and asserts exit status 0 (1 is a syntax error,
     * 3 a lint problem such as a missing {@code # HELP}: both fail). Skips the calling test when
     * promtool is absent.
     */
    static void assertClean(Path file) {
        String promtool = find();
        Assumptions.assumeTrue(promtool != null,
                "promtool is not installed (apt-get install --no-install-recommends prometheus): metrics check skipped");
        List<String> cmd = List.of("sh", "-c", "exec \"$0\" check metrics < \"$1\"", promtool, file.toString());
        try (Proc p = Proc.start(cmd, null, null)) {
            int exit = p.waitFor(Duration.ofSeconds(60));
            assertEquals(0, exit, () -> "promtool check metrics " + file + " exited " + exit + ":\n" + p.stdout() + "\n" + p.stderr());
        }
    }
}
