package dev.forgeperf.http;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.function.Supplier;

import dev.forgeperf.jfr.ContinuousRecording;
import dev.forgeperf.jfr.LiveSamples;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.LiveObjects;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileOptions;
import dev.forgeperf.profile.TopTable;
import dev.forgeperf.runtime.HeapGuard;
import dev.forgeperf.util.Units;

/**
 * {@code /debug/pprof/allocs}, {@code heap}, {@code block}, {@code mutex} and {@code threadcreate}:
 * the profiles Go keeps cumulatively, answered from {@link CumulativeProfiles} (the continuous
 * recording's events since the agent's HTTP server started) in Go's form ({@link PprofEndpoints}).
 * {@code ?seconds=N} answers the difference over N seconds instead, in one of the
 * {@link ProfileSlots}; {@code heap} adds JFR's live-object samples.
 *
 * <p>Without a running continuous recording the answer is 503; so is a heap too full to read the
 * recording's chunks. Thread-safe: {@link CumulativeProfiles} is, and this holds nothing else that
 * changes.
 */
final class CumulativeEndpoints {
    private final Supplier<ContinuousRecording> recording;
    private final CumulativeProfiles cumulative;
    private final ProfileSlots slots;

    /**
     * Starts reading the recording's chunks ({@link CumulativeProfiles}); {@link #close()} stops it.
     *
     * @param recording the agent's continuous recording now (null when off)
     */
    CumulativeEndpoints(Supplier<ContinuousRecording> recording, ProfileSlots slots) {
        this.recording = recording;
        this.cumulative = new CumulativeProfiles(recording);
        this.slots = slots;
    }

    /** Stops reading the recording's chunks (server shutdown). */
    void close() {
        cumulative.close();
    }

    /** What the cumulative profiles hold, for {@code /api/status}. */
    String state() {
        return cumulative.describe();
    }

    /**
     * {@code allocs}, {@code heap}, {@code block}, {@code mutex} as Go answers them: cumulative since
     * the agent's HTTP server started ({@link CumulativeProfiles}; one request in a burst finishes the
     * recording's chunk in progress, the others within 1 s share it); with {@code ?seconds=N} the difference of two
     * reads N seconds apart ({@code DurationNanos} set, file name {@code <name>-delta});
     * {@code ?debug=1} the top table as text.
     */
    Reply profile(Request r, CumulativeProfiles.Source source, String name) throws HttpFailure, IOException {
        long asked = System.nanoTime();
        Integer seconds = r.intParam("seconds", null, 1, ProfileSlots.MAX_SECONDS);
        boolean text = r.intParam("debug", 0, 0, 1) == 1;
        boolean heap = name.equals("heap");
        boolean gc = heap && r.intParam("gc", 0, 0, 1) == 1;
        if (seconds != null && text) {
            throw HttpFailure.badRequest("?seconds and ?debug cannot be combined (as in Go): ask for the profile or the text");
        }
        if (r.method.equals("HEAD")) {
            return PprofEndpoints.headOnly(text, seconds == null ? name : name + "-delta");
        }
        if (!cumulative.live()) {
            ContinuousRecording c = recording.get();
            throw new HttpFailure(503, "the " + name + " profile is built from the continuous recording, which is "
                    + (c == null ? "off" : c.describe()) + "; start the agent with jfr=default (or jfr=profile)").header("Retry-After", "60");
        }
        try {
            HeapGuard.require("a " + name + " profile", HeapGuard.analysisNeed(0),
                    "retry when the heap is less full");
        } catch (HeapGuard.Refused e) {
            throw HttpFailure.heapRefused(e);
        }
        Profile profile;
        String what;
        if (seconds == null) {
            cumulative.catchUpRecent(asked); // requests arriving together share one finished chunk
            long now = epochNanosNow();
            profile = cumulative.since(source, null);
            profile.setTime(now, 0);
            what = "cumulative since the agent's HTTP server started at " + Instant.ofEpochSecond(0, cumulative.sinceEpochNanos());
        } else {
            slots.acquire();
            try {
                cumulative.catchUp();
                long start = epochNanosNow();
                long[] before = cumulative.mark(source);
                ProfileSlots.waitFor(seconds * 1000L, r);
                cumulative.catchUp();
                long end = epochNanosNow();
                profile = cumulative.since(source, before);
                profile.setTime(start, end - start);
                what = "the difference over " + Units.span(seconds * 1000L);
            } finally {
                slots.release();
            }
        }
        if (heap) {
            profile = withLiveObjects(profile, gc);
        }
        String title = name + " profile of pid " + ProcessHandle.current().pid() + ", " + what;
        profile.addComment(title + ", from the continuous recording's " + source.event
                + " events, by forge-perf");
        if (text) {
            StringWriter out = new StringWriter();
            PrintWriter w = new PrintWriter(out);
            TopTable.of(profile).print(w, title, PprofEndpoints.TOP_ROWS);
            w.flush();
            return Reply.text(200, out.toString());
        }
        return ProfileSlots.closing(PprofEndpoints.pprof(profile, seconds == null ? name : name + "-delta"), seconds != null);
    }

    /**
     * The heap profile: the allocation types and, from JFR's live-object samples now
     * ({@link LiveSamples}, after a full GC with {@code gc}), {@code inuse_objects}/{@code inuse_space}
     * (a sample, not scaled: the comments say so). When JFR cannot sample, the inuse types are empty
     * and a comment says why.
     */
    private static Profile withLiveObjects(Profile alloc, boolean gc) throws HttpFailure, IOException {
        Profile live;
        try {
            live = LiveSamples.now(gc, false, ProfileOptions.DEFAULT, "retry when the heap is less full").profile();
        } catch (HeapGuard.Refused e) {
            throw HttpFailure.heapRefused(e);
        } catch (IllegalStateException | SecurityException e) {
            live = Profile.of(Kind.LIVE);
            live.addComment("no live-object samples: " + e.getMessage());
        }
        if (gc) {
            live.addComment("a full GC ran first (?gc=1)");
        }
        return LiveObjects.heap(alloc, live);
    }

    private static long epochNanosNow() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
