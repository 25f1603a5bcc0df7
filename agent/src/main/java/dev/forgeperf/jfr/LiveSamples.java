package dev.forgeperf.jfr;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.LiveObjects;
import dev.forgeperf.profile.ProfileOptions;
import dev.forgeperf.runtime.FullGc;

/**
 * The live objects JFR has sampled, now: a focused recording with {@code jdk.OldObjectSample} that
 * starts and stops at once (JFR writes the sampled objects still live when a recording with the
 * event stops), read by {@link LiveObjects}. The JVM samples while any recording has the event on:
 * with the continuous recording running (it enables the event with stacks) the samples go back to
 * the agent's start; without it there are none. For {@code /debug/pprof/heap} and the leak findings.
 */
public final class LiveSamples {
    /**
     * The JFR settings that make the recording's end compute each sampled object's path to a GC
     * root, searching for at most 1 s (a stop-the-world pause of about that much at worst).
     */
    public static final Map<String, String> ROOTS = Map.of("jdk.OldObjectSample#cutoff", "1 s");

    private LiveSamples() {
    }

    /**
     * The sampled live objects now.
     *
     * @param gc    run a full GC first, so that only objects still live count (as Go's {@code ?gc=1})
     * @param roots compute the paths to GC roots ({@link #ROOTS})
     * @throws dev.forgeperf.runtime.HeapGuard.Refused when the heap cannot spare the analysis
     */
    public static LiveObjects.Summary now(boolean gc, boolean roots, ProfileOptions options, String instead) throws IOException {
        FocusedProfile.requireHeap(Kind.LIVE, instead);
        try (FocusedProfile p = FocusedProfile.start(List.of(Kind.LIVE), 1, "live", roots ? ROOTS : Map.of())) {
            try {
                p.record(0, nanos -> {
                    if (gc) {
                        FullGc.run();
                    }
                    return true;
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while sampling live objects", e);
            }
            p.requireAnalysisHeap(Kind.LIVE, instead);
            return LiveObjects.summarize(p.file(), options);
        }
    }

    /** How many allocation sites a leak finding names. */
    public static final int FINDING_SITES = 3;

    /**
     * For a heap leak finding: the top {@link #FINDING_SITES} allocation sites of the sampled live
     * objects that survived a GC (no GC is forced), one line each
     * ({@link LiveObjects.Site#describe}), or one line saying why there are none. Never throws: a
     * failure is the line.
     */
    public static List<String> findingSites() {
        try {
            LiveObjects.Summary s = now(false, false, ProfileOptions.DEFAULT, "retry when the heap is less full");
            if (s.sites().isEmpty()) {
                return List.of("no live-object samples to name allocation sites (JFR samples them while the continuous recording runs)");
            }
            List<String> out = new java.util.ArrayList<>();
            for (LiveObjects.Site site : s.top(FINDING_SITES)) {
                out.add("allocated in " + site.describe());
            }
            return out;
        } catch (Exception | OutOfMemoryError e) {
            return List.of("allocation sites unavailable: " + e.getMessage());
        }
    }

    /**
     * Adds {@code allocationSites} ({@link #findingSites}) to the heap finding of {@code findings}
     * (the {@code findings} list of a metrics or health map) when there is one; one sampling for all.
     */
    @SuppressWarnings("unchecked")
    public static void addSitesToHeapFinding(Object findings) {
        if (!(findings instanceof List<?> list)) {
            return;
        }
        for (Object o : list) {
            if (o instanceof Map<?, ?> f && "heap".equals(f.get("kind"))) {
                ((Map<String, Object>) f).put("allocationSites", findingSites());
                return;
            }
        }
    }
}
