package dev.forgeperf.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forgeperf.config.AgentOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RuntimeServiceTest {

    @AfterEach
    void forget() {
        RuntimeService.shutdown();
    }

    @Test
    void askingForCurrentValuesBeforeTheStartDoesNotTurnTheSamplerOff() {
        RuntimeService.shutdown();
        RuntimeService early = RuntimeService.get();
        assertFalse(early.sampling(), "a service made by get() before the start has no sampler");

        RuntimeService.start(AgentOptions.parse("metrics.interval=100ms"));
        RuntimeService started = RuntimeService.get();
        assertNotSame(early, started);
        assertTrue(started.sampling(), "start() replaced the early sampler-less service");

        RuntimeService.start(AgentOptions.parse("metrics.interval=200ms"));
        assertSame(started, RuntimeService.get(), "a second start keeps the running sampler");
    }
}
