package dev.forgeperf.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Which commands run apart from the short ones (the rest is proven end to end in ControlPlaneTest). */
class CommandWorkersTest {
    @Test
    void longCommandsAreThoseThatWaitOrWriteMuch() {
        for (List<String> line : List.of(List.of("profile", "cpu", "1", "--duration", "30s"), List.of("--verbose", "snapshot", "1", "-o", "d"),
                List.of("dump", "heap", "1", "-o", "h.hprof"), List.of("dump", "jfr", "1", "-o", "r.jfr"), List.of("gc", "1"),
                List.of("instrument", "1", "a.B#c"), List.of("metrics", "1", "--watch"), List.of("metrics", "1", "--watch=1s"))) {
            assertTrue(CommandWorkers.isLong(line), line::toString);
        }
        for (List<String> line : List.of(List.of("status", "1"), List.of("timings", "1", "--json"), List.of("health", "1"),
                List.of("metrics", "1"), List.of("history", "1"), List.of("dump", "threads", "1"), List.of("--version"), List.<String>of())) {
            assertFalse(CommandWorkers.isLong(line), line::toString);
        }
    }
}
