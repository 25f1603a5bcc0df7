package dev.forgeperf.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import dev.forgeperf.config.RuntimeSettings;

/**
 * Measures what one sample costs (time and bytes allocated by the sampling thread) in this JVM
 * and prints it. Deliberately asserts no timing: the numbers are for people (the README quotes them).
 */
class SamplerCostTest {
    @Test
    void measureTheCostOfOneSample() {
        RuntimeService service = RuntimeService.manual(RuntimeSettings.defaults());
        try {
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int i = 0; i < 2_000; i++) {
                service.sampleNow(); // warm up (class loading, JIT)
            }
            int n = 5_000;
            long[] nanos = new long[n];
            long allocBefore = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                service.sampleNow();
                nanos[i] = System.nanoTime() - t;
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - allocBefore;
            Arrays.sort(nanos);
            System.out.printf(Locale.ROOT, "sampler cost per sample over %d samples: p50 %.1f us, p99 %.1f us, max %.1f us; %d bytes allocated per sample;"
                            + " ring of %d samples = %d bytes%n", n, nanos[n / 2] / 1e3, nanos[n * 99 / 100] / 1e3, nanos[n - 1] / 1e3,
                    allocated / n, service.capacity(), service.ringBytes());
            assertEquals(Math.min(RuntimeSettings.DEFAULT_SIZE, 7_000), service.history(0).size());
        } finally {
            service.stop();
        }
    }
}
