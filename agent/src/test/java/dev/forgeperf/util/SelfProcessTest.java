package dev.forgeperf.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class SelfProcessTest {
    @Test
    void pidIsTheJdksPid() {
        assertEquals(ProcessHandle.current().pid(), SelfProcess.pid());
        assertEquals(SelfProcess.pid(), SelfProcess.pid());
    }

    @Test
    void commandLineHoldsTheJvmsArgumentsInOrder() {
        List<String> line = SelfProcess.commandLine();
        ProcessHandle.Info info = ProcessHandle.current().info();
        List<String> args = info.arguments().map(List::of).orElse(List.of());
        assertTrue(!line.isEmpty(), "the program at least");
        // the JDK's view (from /proc on Linux as well) is the command line without the program
        assertEquals(args, line.subList(1, line.size()));
        assertTrue(line.get(0).endsWith("java"), line.get(0));
    }
}
