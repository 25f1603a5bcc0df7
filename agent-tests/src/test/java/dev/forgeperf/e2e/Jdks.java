package dev.forgeperf.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Every distinct JDK under /usr/lib/jvm (plus the one running the tests); target JVMs run on each. */
public final class Jdks {
    private static final List<Path> ALL = find();

    private Jdks() {
    }

    public static Stream<Path> all() {
        return ALL.stream();
    }

    /** The java launcher of a JDK home. */
    public static String java(Path home) {
        return home.resolve("bin/java").toString();
    }

    /**
     * Runs one of the JDK's tools ({@code jfr}, {@code javap}, …) to completion and checks it
     * exited 0; returns it for its output.
     */
    public static Proc tool(Path home, String tool, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin").resolve(tool).toString());
        cmd.addAll(List.of(args));
        Proc p = Proc.start(cmd, null, null);
        int exit = p.waitFor(java.time.Duration.ofMinutes(2));
        if (exit != 0) {
            throw new AssertionError(cmd + " exited " + exit + "\n" + p.stderr());
        }
        return p;
    }

    /** The JDK's feature version (17, 25, …), read from its release file. */
    public static int feature(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return 0;
    }

    private static List<Path> find() {
        Map<Path, Path> byReal = new TreeMap<>();
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of(System.getProperty("java.home")));
        try (Stream<Path> s = Files.list(Path.of("/usr/lib/jvm"))) {
            s.forEach(candidates::add);
        } catch (IOException e) {
            // only the running JDK
        }
        Map<Integer, Path> byFeature = new TreeMap<>();
        for (Path p : candidates) {
            if (!Files.isExecutable(p.resolve("bin/java")) || !Files.exists(p.resolve("release"))) {
                continue;
            }
            try {
                Path real = p.toRealPath();
                if (byReal.putIfAbsent(real, p) == null) {
                    byFeature.putIfAbsent(feature(real), real);
                }
            } catch (IOException e) {
                // unreadable: skip
            }
        }
        return new ArrayList<>(byFeature.values());
    }
}
