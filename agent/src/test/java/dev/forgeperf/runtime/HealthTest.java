package dev.forgeperf.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.config.RuntimeSettings;

/** Thresholds from agent options drive the verdict; malformed ones fall back to defaults with a warning. */
class HealthTest {
    static RuntimeSettings settings(String options, List<String> warnings) {
        AgentOptions o = AgentOptions.parse(options);
        assertEquals(List.of(), o.warnings(), "the keys are known agent options");
        return RuntimeSettings.from(o, warnings);
    }

    @Test
    void defaults() {
        RuntimeSettings s = RuntimeSettings.defaults();
        assertEquals(2_000, s.intervalMillis);
        assertEquals(1_000, s.size);
        assertEquals(75, s.heapDegradedPercent);
        assertEquals(90, s.heapUnhealthyPercent);
        assertEquals(1_000, s.threadsDegraded);
        assertEquals(5_000, s.threadsUnhealthy);
        assertEquals(500, s.gcPauseDegradedMillis);
        assertEquals(2_000, s.gcPauseUnhealthyMillis);
        assertEquals(10, s.gcCpuDegradedPercent);
        assertEquals(25, s.gcCpuUnhealthyPercent);
    }

    @Test
    void optionsAreParsedAndBadValuesWarned() {
        List<String> w = new ArrayList<>();
        RuntimeSettings s = settings("metrics.interval=200ms,metrics.size=50,health.heap.degraded=60%,health.gcPause.unhealthy=1s,"
                + "health.gcCpu.degraded=abc,health.threads.unhealthy=-3,metrics.size=1", w);
        assertEquals(200, s.intervalMillis);
        assertEquals(1_000, s.size, "the last value wins, and 1 is too small");
        assertEquals(60, s.heapDegradedPercent);
        assertEquals(1_000, s.gcPauseUnhealthyMillis);
        assertEquals(10, s.gcCpuDegradedPercent);
        assertEquals(5_000, s.threadsUnhealthy);
        assertEquals(3, w.size(), w::toString);
        assertTrue(w.get(0).startsWith("ignoring metrics.size=1"), w::toString);
    }

    @Test
    void thresholdsDecideTheVerdict() {
        RuntimeService service = RuntimeService.manual(RuntimeSettings.defaults());
        try {
            service.sampleNow();
            RuntimeMetrics m = RuntimeMetrics.collect(service);
            // this JVM is the test runner's: on a busy machine its own GC may take 10% of the time, so
            // the rules this test is not about are set where it cannot reach them
            String calm = "health.gcCpu.degraded=98,health.gcCpu.unhealthy=99,health.gcPause.degraded=10m,health.gcPause.unhealthy=20m,"
                    + "health.heap.degraded=98,health.heap.unhealthy=99,";
            Health ok = Health.evaluate(m, settings(calm + "health.threads.degraded=100000,health.threads.unhealthy=200000", new ArrayList<>()));
            assertEquals(Health.Status.healthy, ok.status(), ok::render);
            assertTrue(ok.render().startsWith("healthy\n"), ok::render);

            Health degraded = Health.evaluate(m, settings(calm + "health.threads.degraded=1,health.threads.unhealthy=100000", new ArrayList<>()));
            assertEquals(Health.Status.degraded, degraded.status(), degraded::render);
            assertEquals("threads", degraded.reasons().get(0).name());
            assertTrue(degraded.render().contains("degraded: " + m.threadsLive + " live threads, at or above 1"), degraded::render);

            Health unhealthy = Health.evaluate(m, settings(calm + "health.threads.degraded=1,health.threads.unhealthy=2", new ArrayList<>()));
            assertEquals(Health.Status.unhealthy, unhealthy.status(), unhealthy::render);
            assertEquals(2, unhealthy.status().ordinal(), "the exit status");
            assertEquals("unhealthy", unhealthy.toMap().get("status"));
        } finally {
            service.stop();
        }
    }

    @Test
    void historyRendersSparklinesAndATable() {
        RuntimeService service = RuntimeService.manual(RuntimeSettings.defaults());
        try {
            for (int i = 0; i < 5; i++) {
                service.sampleNow();
            }
            String text = History.render(service.history(0), 3, true);
            assertTrue(text.startsWith("last "), text);
            assertTrue(text.contains("\nheap used      ") && text.contains("\nGC %   "), text);
            assertTrue(text.contains("(2 older samples held; --count 5 shows them all)"), text);
            String plain = History.render(service.history(0), 0, false);
            assertEquals(6, plain.lines().count(), plain);
        } finally {
            service.stop();
        }
    }
}
