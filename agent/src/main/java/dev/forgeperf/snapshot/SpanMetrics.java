package dev.forgeperf.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.forgeperf.runtime.Health;
import dev.forgeperf.runtime.History;
import dev.forgeperf.runtime.RuntimeMetrics;
import dev.forgeperf.runtime.RuntimeService;
import dev.forgeperf.runtime.SampleRing;
import dev.forgeperf.util.Json;

/**
 * The {@code metrics.json} of a profiling session's span (at its start and at its end): the
 * metrics now, the sampler's samples of the span that its ring still holds, and the health verdict
 * on the metrics now. Writes only: reads the {@link RuntimeService}'s ring (a copy of what it holds),
 * keeps nothing; any thread may call it.
 */
final class SpanMetrics {
    private SpanMetrics() {
    }

    /**
     * {@code metrics.json} of a session's span: the metrics now, the sampler's samples taken since
     * sample number {@code fromWritten} and stamped within {@code fromMillis..toMillis} (those the
     * ring still holds: {@code droppedFromSpan} says how many it no longer had) and the health
     * verdict on the metrics now.
     */
    static void write(Path dir, long fromWritten, long fromMillis, long toMillis) throws IOException {
        RuntimeService service = RuntimeService.get();
        RuntimeMetrics now = RuntimeMetrics.collect();
        SampleRing.Samples all = service.history(0);
        long firstHeld = all.written() - all.size();
        int from = (int) Math.max(0, Math.min(all.size(), fromWritten - firstHeld));
        while (from < all.size() && all.timeMillis(from) < fromMillis) {
            from++;
        }
        int to = all.size();
        while (to > from && all.timeMillis(to - 1) > toMillis) {
            to--;
        }
        SampleRing.Samples span = all.range(from, to);
        Map<String, Object> history = History.toMap(span, service);
        history.put("samplesInSpan", Math.max(0, all.written() - fromWritten - (all.size() - to)));
        history.put("droppedFromSpan", Math.max(0, firstHeld - fromWritten));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("current", now.toMap());
        m.put("history", history);
        m.put("health", Health.evaluate(now, service.settings()).toMap());
        Files.writeString(dir.resolve(SnapshotLayout.METRICS), Json.write(m) + "\n");
    }
}
