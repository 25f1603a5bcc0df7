package dev.forgeperf.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

import dev.forgeperf.snapshot.SnapshotWriter;

/**
 * {@code snapshotOnExit=DIR}: at JVM exit, writes a snapshot of what the agent holds into
 * {@code DIR/<pid>-<yyyyMMdd-HHmmss>/}, so short-lived programs can be timed too. The folder
 * appears complete or not at all.
 */
final class ExitSnapshot {
    private ExitSnapshot() {
    }

    static Path write(Path dir, Agent agent) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(agent.pid() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        agent.snapshotWriter(false).write(target, null);
        return target;
    }
}
