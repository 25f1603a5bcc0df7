package dev.forgeperf.agent;

import dev.forgeperf.bootstrap.Recorder;
import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.timing.MethodSpec;
import dev.forgeperf.timing.SlowCallsToJfr;
import dev.forgeperf.timing.TimingLimits;
import dev.forgeperf.timing.TimingService;
import dev.forgeperf.util.Log;
import dev.forgeperf.util.Words;

/**
 * Method timing's life in the agent. At start: the timing limits applied, the bootstrap recorder
 * switched on, slow calls sent to JFR, and the {@code timed=} specs installed (a reload installs
 * its own the same way). The {@link TimingService} itself is made on first use (it loads Byte
 * Buddy: not worth it before a spec exists); if that fails, the failure is logged once and
 * remembered, and timing stays off for the agent's life. A spec that cannot be installed is named
 * in the log and skipped; nothing here throws into the host. Thread-safety: the service is made
 * under the agent's monitor, the one {@code reload} and {@code detach} hold, so it is made once and
 * not while either runs; it is read without a lock.
 */
final class AgentTiming {
    private final Agent agent;
    private volatile TimingService timing;
    private boolean timingFailed;

    AgentTiming(Agent agent) {
        this.agent = agent;
    }

    /** At the agent's start (premain or attach), before any other thread of the agent runs. */
    void start() {
        AgentOptions options = agent.options();
        try {
            TimingLimits.apply(options);
            Recorder.setActive(true);
            SlowCallsToJfr.install(options.durationNanos("timed.jfrThreshold", 10_000_000L));
            if (!options.all("timed").isEmpty()) {
                installSpecs(options);
            }
        } catch (RuntimeException | LinkageError e) {
            Log.failure("method timing disabled", e);
        }
    }

    /** Creates the timing service on first use (it loads Byte Buddy: not worth it before a spec exists). */
    TimingService created() {
        synchronized (agent) {
            if (timing == null && !timingFailed) {
                try {
                    timing = new TimingService(agent.instrumentation(), agent.options().positiveInt("timed.sample", 1));
                } catch (RuntimeException | LinkageError e) {
                    timingFailed = true;
                    Log.failure("method timing disabled", e);
                }
            }
            return timing;
        }
    }

    /** Installs the {@code timed=} specs of {@code from}, each at startup (no checks, classes as they load). */
    void installSpecs(AgentOptions from) {
        for (String text : from.all("timed")) {
            try {
                TimingService t = created();
                if (t == null) {
                    return;
                }
                t.installAtStartup(MethodSpec.parse(text));
            } catch (RuntimeException | LinkageError e) {
                Log.info("ignoring timed=" + text + ": " + e.getMessage());
            }
        }
    }

    /** Method timing, or null when not made yet or it failed to start. */
    TimingService service() {
        return timing;
    }

    /** What is timed, for {@code status}. */
    String describe() {
        TimingService t = timing;
        if (t == null) {
            return timingFailed ? "failed to start" : "no methods instrumented";
        }
        java.util.List<String> specs = t.specs();
        return specs.isEmpty() ? "no methods instrumented" : Words.count(t.activeMethods().size(), "method") + " by "
                + Words.count(specs.size(), "spec") + ": " + String.join(", ", specs) + (t.sampled() ? " (sampled, 1 in " + Recorder.sampleInterval() + ")" : "");
    }
}
