package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;

/** Renders pages with the real headless Chromium (Debian package {@code chromium}). */
final class Chromium {
    private Chromium() {
    }

    /** The chromium launcher, or null when it is not installed. */
    static String find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return Files.isExecutable(Path.of("/usr/bin/chromium")) ? "/usr/bin/chromium" : null;
    }

    /** Skips the calling test (only) when Chromium is absent. */
    static String require() {
        String c = find();
        Assumptions.assumeTrue(c != null, "chromium is not installed (apt-get install chromium): HTML rendering skipped");
        return c;
    }

    /** Takes a 1280×2000 screenshot of {@code page} into {@code png}; checks it is a real PNG. */
    static void screenshot(Env env, Path page, Path png) throws IOException {
        Proc p = run(env, "--screenshot=" + png, "--window-size=1280,2000", page.toUri().toString());
        assertTrue(Files.exists(png), () -> "no screenshot " + png + "\n" + p.stderr());
        byte[] head = new byte[8];
        try (var in = Files.newInputStream(png)) {
            assertEquals(8, in.read(head));
        }
        assertEquals((byte) 0x89, head[0]);
        assertEquals("PNG", new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        long size = Files.size(png);
        assertTrue(size > 20_000, () -> png + " is nearly empty: " + size + " bytes");
    }

    /** The DOM after the page (and its script) ran. */
    static String dumpDom(Env env, Path page) throws IOException {
        return run(env, "--dump-dom", page.toUri().toString()).stdout();
    }

    /** The DOM of a live page after its scripts had {@code budget} of (virtual) time, fetches included. */
    static String dumpDom(Env env, String url, Duration budget) throws IOException {
        return run(env, "--virtual-time-budget=" + budget.toMillis(), "--dump-dom", url).stdout();
    }

    private static Proc run(Env env, String... args) throws IOException {
        String chromium = require();
        Path profile = Files.createTempDirectory(env.work, "chromium-");
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Proc p = Proc.start(cmd, Map.of("HOME", env.work.toString()), env.work);
        int exit = p.waitFor(Duration.ofSeconds(90));
        assertEquals(0, exit, () -> cmd + "\n" + p.stderr());
        return p;
    }
}
