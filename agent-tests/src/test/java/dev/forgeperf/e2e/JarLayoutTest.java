package dev.forgeperf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;

/** forge-perf.jar: three faces in one manifest, only the bootstrap part loadable, everything else hidden and relocated. */
class JarLayoutTest {
    @Test
    void manifestAndIsolation() throws Exception {
        try (JarFile jar = new JarFile(Fixtures.agentJar().toFile())) {
            Attributes a = jar.getManifest().getMainAttributes();
            assertEquals("dev.forgeperf.bootstrap.AgentEntry", a.getValue("Premain-Class"));
            assertEquals("dev.forgeperf.bootstrap.AgentEntry", a.getValue("Agent-Class"));
            assertEquals("dev.forgeperf.bootstrap.CliEntry", a.getValue("Main-Class"));
            assertEquals("true", a.getValue("Can-Retransform-Classes"));
            assertEquals("true", a.getValue("Can-Redefine-Classes"));
            List<String> exposed = new ArrayList<>();
            boolean relocatedByteBuddy = false;
            boolean relocatedPicocli = false;
            for (var e : java.util.Collections.list(jar.entries())) {
                String n = e.getName();
                if (e.isDirectory() || n.equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                if (n.startsWith("inst/")) {
                    assertTrue(!n.endsWith(".class"), "class files under inst/ must be stored as .classdata: " + n);
                    relocatedByteBuddy |= n.startsWith("inst/dev/forgeperf/shaded/bytebuddy/");
                    relocatedPicocli |= n.startsWith("inst/dev/forgeperf/shaded/picocli/");
                    assertTrue(!n.startsWith("inst/net/bytebuddy/") && !n.startsWith("inst/picocli/"), "not relocated: " + n);
                    continue;
                }
                exposed.add(n);
            }
            assertTrue(relocatedByteBuddy && relocatedPicocli, "dependencies relocated");
            for (String n : exposed) {
                assertTrue(n.matches("dev/forgeperf/[A-Za-z]+\\.class") || n.startsWith("dev/forgeperf/bootstrap/"),
                        "only the bootstrap part may be visible to application loaders: " + n);
            }
            assertTrue(exposed.size() < 40, "bootstrap part is small: " + exposed);
            // the index the agent defines the bootstrap part from lists exactly those classes
            List<String> index;
            try (var in = jar.getInputStream(jar.getJarEntry("inst/META-INF/forge-perf/bootstrap-part.txt"))) {
                index = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).sorted().toList();
            }
            assertEquals(exposed.stream().filter(n -> n.endsWith(".class")).sorted().toList(), index);
        }
    }
}
