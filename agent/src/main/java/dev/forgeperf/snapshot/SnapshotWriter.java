package dev.forgeperf.snapshot;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.forgeperf.agent.Agent;
import dev.forgeperf.bootstrap.TimingSnapshot;
import dev.forgeperf.timing.TimingService;
import dev.forgeperf.timing.TimingTable;
import dev.forgeperf.util.AtomicFiles;
import dev.forgeperf.util.Json;

/**
 * Writes a snapshot: one folder with everything the agent holds at that moment. It is built in a
 * hidden temporary folder beside the target and renamed into place at the end, so the folder is
 * complete or absent. A part that cannot be made (JFR off, say) is listed in
 * {@code manifest.json} with the reason; the others are still written. The manifest also says how
 * long each part took ({@code partMillis}) and the whole snapshot ({@code totalMillis}).
 */
public final class SnapshotWriter {
    /** The file every snapshot has; {@code diff} recognises snapshots by it. */
    public static final String MANIFEST = "manifest.json";

    /** One part of a snapshot. */
    public interface Part {
        /** Writes the part's files into {@code dir}; throws to report why it could not. */
        void write(Path dir) throws Exception;
    }

    private final Agent agent;
    private final Map<String, Part> parts = new LinkedHashMap<>();
    private final Map<String, Part> finalParts = new LinkedHashMap<>();

    public SnapshotWriter(Agent agent) {
        this.agent = agent;
        add("timings", dir -> writeTimings(dir, agent));
    }

    /** Adds a part, run in the order added. */
    public SnapshotWriter add(String name, Part part) {
        parts.put(name, part);
        return this;
    }

    /**
     * Adds a part that reads the others (the reports): it runs after every other part, once
     * {@link #MANIFEST} is written, so it sees a complete snapshot folder; the manifest is then
     * rewritten with its outcome.
     */
    public SnapshotWriter addFinal(String name, Part part) {
        finalParts.put(name, part);
        return this;
    }

    /**
     * Writes the snapshot to {@code target} (which must not exist yet).
     *
     * @param progress told the name of each part as it starts (may be null)
     * @return the outcome of each part: "ok" or the reason it is missing
     * @throws IOException when the folder itself cannot be made; nothing is left behind then
     */
    public Map<String, String> write(Path target, java.util.function.Consumer<String> progress) throws IOException {
        if (Files.exists(target)) {
            throw new IOException(target + " already exists; choose a new folder");
        }
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IOException("directory " + parent + " does not exist");
        }
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
        try {
            long start = System.nanoTime();
            Map<String, String> outcome = new LinkedHashMap<>();
            Map<String, Long> millis = new LinkedHashMap<>();
            run(parts, tmp, outcome, millis, progress);
            Map<String, Object> manifest = manifest(outcome);
            manifest.put("name", String.valueOf(target.getFileName()));
            manifest.put("partMillis", millis);
            manifest.put("totalMillis", (System.nanoTime() - start) / 1_000_000);
            Files.writeString(tmp.resolve(MANIFEST), Json.write(manifest) + "\n");
            if (!finalParts.isEmpty()) {
                run(finalParts, tmp, outcome, millis, progress);
                manifest.put("totalMillis", (System.nanoTime() - start) / 1_000_000);
                Files.writeString(tmp.resolve(MANIFEST), Json.write(manifest) + "\n");
            }
            AtomicFiles.moveIntoPlace(tmp, target);
            return outcome;
        } catch (IOException | RuntimeException | Error e) {
            deleteTree(tmp);
            throw e;
        }
    }

    /** Runs {@code parts} in order, noting each one's outcome and how long it took (ms). */
    private static void run(Map<String, Part> parts, Path dir, Map<String, String> outcome, Map<String, Long> millis,
            java.util.function.Consumer<String> progress) {
        for (Map.Entry<String, Part> p : parts.entrySet()) {
            if (progress != null) {
                progress.accept(p.getKey());
            }
            long start = System.nanoTime();
            try {
                p.getValue().write(dir);
                outcome.put(p.getKey(), "ok");
            } catch (Exception | LinkageError e) {
                outcome.put(p.getKey(), e.getMessage() == null ? e.toString() : e.getMessage());
            }
            millis.put(p.getKey(), (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** The manifest; {@code outcome} is referenced, not copied. */
    private Map<String, Object> manifest(Map<String, String> outcome) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("forgePerfSnapshot", 1);
        manifest.put("pid", agent.pid());
        manifest.put("mainClass", Agent.mainClass());
        manifest.put("agentVersion", Agent.VERSION);
        manifest.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        manifest.put("takenAt", Instant.now().toString());
        manifest.put("uptimeMillis", Agent.uptimeMillis());
        manifest.put("parts", outcome);
        return manifest;
    }

    static void writeTimings(Path dir, Agent agent) throws IOException {
        List<TimingSnapshot> rows = TimingTable.sorted(TimingService.snapshots(), TimingTable.Sort.total);
        TimingService t = agent.timing();
        Set<String> active = t == null ? Set.of() : t.activeMethods();
        Files.writeString(dir.resolve("timings.json"), Json.write(TimingTable.rows(rows, active)) + "\n");
        StringWriter text = new StringWriter();
        TimingTable.print(new PrintWriter(text), rows, active);
        Files.writeString(dir.resolve("timings.txt"), text.toString());
    }

    /** Removes a folder and everything in it, best effort. */
    public static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }
}
