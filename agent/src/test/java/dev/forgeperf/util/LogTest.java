package dev.forgeperf.util;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogTest {
    @Test
    void aFailureCausedByTheJvmsShutdownIsNotOneToReport() {
        // what Runtime.addShutdownHook throws while the JVM exits (a JFR recording started at that moment)
        assertTrue(Log.byShutdown(new IllegalStateException("Shutdown in progress")));
        assertTrue(Log.byShutdown(new RuntimeException("start", new IllegalStateException("Shutdown in progress"))));
        assertFalse(Log.byShutdown(new IllegalStateException("Recording already started")));
        assertFalse(Log.byShutdown(new RuntimeException("Shutdown in progress")));
        assertFalse(Log.byShutdown(null));
    }
}
