package dev.forgeperf.command;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.forgeperf.agent.Agent;
import dev.forgeperf.snapshot.SnapshotWriter;
import dev.forgeperf.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code snapshot PID [-o DIR]}: one folder with everything the agent holds now. */
@Command(name = "snapshot", description = {"Write one folder with everything the agent holds now: recording, profiles, threads, metrics,",
        "timings, class histogram and reports (heap dump with --heap). The folder is complete or absent;",
        "manifest.json lists each part and why any is missing."})
public final class SnapshotCommand extends AgentCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Folder to create (default: ./forge-perf-snapshot-PID-TIME).")
    String output;

    @Option(names = "--json", description = "Print the outcome as JSON.")
    boolean json;

    @Override
    public int run(Agent agent, Session session) throws IOException {
        String name = output != null ? output
                : "forge-perf-snapshot-" + agent.pid() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path target = session.resolve(name);
        SnapshotWriter writer = agent.snapshotWriter(true);
        Map<String, String> outcome;
        try {
            outcome = writer.write(target, part -> {
                if (session.tty && !json) {
                    session.out.print("\r\033[K  " + part + "…");
                    session.out.flush();
                }
            });
        } catch (IOException e) {
            throw new CommandException("cannot write the snapshot: " + e.getMessage());
        }
        if (session.tty && !json) {
            session.out.print("\r\033[K");
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", target.toString());
            m.put("parts", outcome);
            session.out.println(Json.write(m));
            return 0;
        }
        session.out.println("wrote snapshot " + target);
        outcome.forEach((part, result) -> session.out.printf("  %-10s %s%n", part, result));
        return 0;
    }
}
