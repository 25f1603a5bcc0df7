package dev.forgeperf.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the built artifacts the tests drive. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path agentJar() {
        return existing(System.getProperty("forgeperf.jar", "../agent/target/forge-perf.jar"));
    }

    public static Path sampleApp() {
        return existing(System.getProperty("forgeperf.sampleApp", "../sample-app/target/sample-app.jar"));
    }

    public static Path root() {
        return Path.of(System.getProperty("forgeperf.root", "..")).toAbsolutePath().normalize();
    }

    /** The test classes (fixture programs live there). */
    public static Path testClasses() {
        try {
            return Path.of(Fixtures.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path existing(String path) {
        Path p = Path.of(path).toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new IllegalStateException(p + " is missing: run `mvn -B package` first");
        }
        return p;
    }
}
