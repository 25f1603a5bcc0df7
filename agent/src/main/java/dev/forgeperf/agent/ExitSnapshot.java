package dev.forgeperf.agent;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

import dev.forgeperf.bootstrap.TimingSnapshot;
import dev.forgeperf.timing.TimingService;
import dev.forgeperf.timing.TimingTable;
import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.Json;

/**
 * {@code snapshotOnExit=DIR}: at JVM exit, writes what the agent holds into
 * {@code DIR/<pid>-<yyyyMMdd-HHmmss>/} ({@code timings.json}, {@code timings.txt}), so short-lived
 * programs can be timed too. The folder appears complete or not at all.
 */
final class ExitSnapshot {
    private ExitSnapshot() {
    }

    static Path write(Path dir, Agent agent) throws IOException {
        Files.createDirectories(dir);
        String name = agent.pid() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path tmp = Files.createTempDirectory(dir, "." + name + ".");
        try {
            List<TimingSnapshot> rows = TimingTable.sorted(TimingService.snapshots(), TimingTable.Sort.total);
            TimingService t = agent.timing();
            Set<String> active = t == null ? Set.of() : t.activeMethods();
            Files.writeString(tmp.resolve("timings.json"), Json.write(TimingTable.rows(rows, active)) + "\n");
            StringWriter text = new StringWriter();
            TimingTable.print(new PrintWriter(text), rows, active);
            Files.writeString(tmp.resolve("timings.txt"), text.toString());
            Path target = dir.resolve(name);
            AtomicFiles.moveIntoPlace(tmp, target);
            return target;
        } catch (IOException | RuntimeException e) {
            try (var walk = Files.walk(tmp)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            throw e;
        }
    }
}
