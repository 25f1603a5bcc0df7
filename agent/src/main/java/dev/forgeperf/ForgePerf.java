package dev.forgeperf;

import dev.forgeperf.bootstrap.MethodStats;
import dev.forgeperf.bootstrap.Recorder;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Public application API of forge-perf: explicit timing of code blocks.
 *
 * <pre>{@code
 * try (var t = ForgePerf.track("db.query")) {
 *     runQuery();
 * } // elapsed time recorded as "track:db.query"
 * }</pre>
 *
 * <p>Without the agent (or while it is inactive) {@link #track(String)} returns a shared no-op
 * {@link Track} and allocates nothing, so the calls can stay in production code.
 */
public final class ForgePerf {

    /** Track name -> registered method id; each name is registered once. */
    private static final ConcurrentHashMap<String, Integer> IDS = new ConcurrentHashMap<>();

    private ForgePerf() {
    }

    /**
     * Starts timing a block under the name {@code "track:" + name}.
     *
     * @param name the block's name, e.g. {@code "db.query"}
     * @return a {@link Track} to close when the block ends; a shared no-op one if the agent is
     *     not active, or if the name is new and {@code timed.maxMethods} methods and names are
     *     registered already (the agent counts those in {@code status})
     * @throws NullPointerException if the agent is active and {@code name} is null
     */
    public static Track track(String name) {
        if (!Recorder.isActive()) {
            return Track.NOOP;
        }
        Integer id = IDS.get(name);
        if (id == null) {
            if (name == null) {
                throw new NullPointerException("name");
            }
            synchronized (IDS) {
                id = IDS.get(name);
                if (id == null) {
                    int registered = Recorder.register(new MethodStats("track:" + name));
                    if (registered < 0) {
                        return Track.NOOP; // timed.maxMethods reached: not timed, and not remembered
                    }
                    id = registered;
                    IDS.put(name, id);
                }
            }
        }
        return new Track(id, System.nanoTime());
    }
}
