package dev.forgeperf.command;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.forgeperf.context.AgentContext;
import dev.forgeperf.profile.CpuCalibration;
import dev.forgeperf.snapshot.SnapshotWriter;
import dev.forgeperf.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.forgeperf.control.CommandException;
import dev.forgeperf.jfr.FocusedProfile;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.runtime.HeapGuard;
import dev.forgeperf.util.Durations;
import dev.forgeperf.util.Units;

/** {@code snapshot PID [-o DIR]}: one folder with everything the agent holds now. */
@Command(name = "snapshot", description = {"Write one folder with everything the agent holds now (recording, profiles, threads, metrics, "
        + "timings, class histogram, reports; a heap dump with --heap).",
        "The folder is complete or absent; manifest.json lists each part and why any is missing."})
public final class SnapshotCommand extends AgentCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Folder to create (default: ./forge-perf-snapshot-PID-TIME).")
    String output;

    @Option(names = "--force", description = {"Replace DIR if it holds a snapshot already (an empty DIR is always used; any other non-empty DIR",
            "is refused). Files are 0600, folders 0700; an I/O failure such as a full disk fails the whole snapshot: exit 1, no folder."})
    boolean force;

    @Option(names = "--heap", description = "Also write heap.hprof (live objects; the JVM pauses while it is written).")
    boolean heap;

    @Option(names = "--profile", paramLabel = "DURATION", description = "Record cpu, alloc and lock for this long first, and build the profiles from that"
            + " (default: the continuous recording's last 5 minutes).")
    String profile;

    @Option(names = "--json", description = "Print the outcome as JSON.")
    boolean json;

    @Override
    public int run(AgentContext agent, Session session) throws IOException {
        String name = output != null ? output
                : "forge-perf-snapshot-" + agent.pid() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path target = session.resolve(name);
        try {
            SnapshotWriter.checkTarget(target, force);
        } catch (IOException e) {
            throw new CommandException(e.getMessage());
        }
        HeapGuard.require("the snapshot", HeapGuard.analysisNeed(0) + HeapGuard.HISTOGRAM_BYTES,
                "retry when the heap is less full, or take parts outside the JVM: `forge-perf dump jfr PID -o FILE.jfr`, then `forge-perf convert FILE.jfr`");
        FocusedProfile recorded = profile == null ? null : record(agent, session);
        try {
            return write(agent, session, target, recorded == null ? null : recorded.file(), recorded == null ? null : recorded.calibration());
        } finally {
            if (recorded != null) {
                recorded.close();
            }
        }
    }

    /** The {@code --profile} run: cpu, alloc and lock events together; Ctrl-C ends it early. */
    private FocusedProfile record(AgentContext agent, Session session) throws IOException {
        long nanos;
        try {
            nanos = Durations.parseNanos(profile);
        } catch (IllegalArgumentException e) {
            throw new CommandException("--profile: " + e.getMessage(), 2);
        }
        FocusedProfile recorded = FocusedProfile.start(java.util.List.of(Kind.CPU, Kind.ALLOC, Kind.LOCK), 10, "snapshot");
        try {
            recorded.record(nanos, n -> session.await(n, left -> {
                if (session.tty && !json) {
                    session.out.printf("\r\033[Kprofiling for the snapshot: %ds left (Ctrl-C stops early)", left);
                    session.out.flush();
                }
            }));
            return recorded;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            recorded.close();
            throw new CommandException("interrupted");
        } catch (IOException | RuntimeException e) {
            recorded.close();
            throw e;
        }
    }

    /** @param calibration the CPU time the threads used during the {@code --profile} run, what cpu.pb.gz is scaled to; null without one */
    private int write(AgentContext agent, Session session, Path target, Path recorded, CpuCalibration calibration) throws IOException {
        SnapshotWriter writer = agent.snapshotWriter(true, recorded, calibration, heap, bytes -> {
            if (session.tty && !json) {
                session.out.printf("\r\033[K  heap dump… %s", Units.bytes(bytes));
                session.out.flush();
            }
        });
        Map<String, String> outcome;
        try {
            outcome = writer.write(target, force, part -> {
                if (session.tty && !json) {
                    session.out.print("\r\033[K  " + part + "…");
                    session.out.flush();
                }
            });
        } catch (IOException e) {
            throw new CommandException(e.getMessage());
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
