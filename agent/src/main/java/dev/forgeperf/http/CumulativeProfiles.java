package dev.forgeperf.http;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.forgeperf.jfr.ChunkFeed;
import dev.forgeperf.jfr.ContinuousRecording;
import dev.forgeperf.profile.JfrReader;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileOptions;
import dev.forgeperf.profile.StackTable;
import dev.forgeperf.util.DaemonThreads;
import dev.forgeperf.util.Log;
import dev.forgeperf.util.Units;

/**
 * The cumulative {@code allocs}/{@code heap}, {@code block}, {@code mutex} and {@code threadcreate}
 * profiles behind {@code /debug/pprof/}, as Go keeps them: every allocation sample
 * ({@code jdk.ObjectAllocationSample}), thread park ({@code jdk.ThreadPark}), contended monitor entry
 * ({@code jdk.JavaMonitorEnter}) and thread start ({@code jdk.ThreadStart}, the starting stack) the
 * continuous recording has recorded since this was made (with the agent's HTTP server: at agent start,
 * or when a later attach turns HTTP on), summed per stack in one {@link StackTable} per kind (bounded:
 * {@link StackTable#MAX_NODES} nodes, about {@link StackTable#MAX_BYTES} bytes each).
 *
 * <p>Only the continuous recording's events count: JFR writes one stream for all recordings, so
 * while a focused {@code profile lock|park} runs (no threshold) the chunks also hold its short
 * waits; parks and monitor waits under the continuous recording's own threshold
 * ({@code jdk.ThreadPark#threshold}, {@code jdk.JavaMonitorEnter#threshold}) are left out. Allocation
 * samples need no filter: each weighs the bytes its thread allocated since the previous sample, so
 * a focused profile's higher sampling rate refines the stacks without changing the totals.
 *
 * <p>Each finished chunk of the recording is read once ({@link ChunkFeed}; memory-mapped, off the
 * heap, as every read inside the host): by a daemon thread every {@value #POLL_SECONDS} s (chunks JFR
 * finished by itself), and on every request after making JFR finish the chunk in progress, so an
 * answer holds what was recorded up to the request. Thread-safe.
 */
final class CumulativeProfiles {
    static final int POLL_SECONDS = 15;

    /** One cumulative profile: what it is read from. */
    enum Source {
        ALLOC(Kind.ALLOC, "jdk.ObjectAllocationSample", false),
        BLOCK(Kind.PARK, "jdk.ThreadPark", true),
        MUTEX(Kind.LOCK, "jdk.JavaMonitorEnter", true),
        THREADCREATE(null, "jdk.ThreadStart", false);

        final Kind kind;
        final String event;
        /** Whether the continuous recording's {@code threshold} for {@link #event} applies. */
        final boolean thresholded;

        Source(Kind kind, String event, boolean thresholded) {
            this.kind = kind;
            this.event = event;
            this.thresholded = thresholded;
        }

        StackTable newTable() {
            return kind != null ? new StackTable(kind)
                    : new StackTable(java.util.List.of(JfrReader.THREAD_STARTS), 0, JfrReader.THREAD_STARTS);
        }

        Profile read(Path chunk, ProfileOptions options) throws IOException {
            return kind != null ? JfrReader.read(chunk, kind, options) : JfrReader.readThreadStarts(chunk, options);
        }
    }

    private final long sinceEpochNanos;
    private final Map<Source, StackTable> tables = new EnumMap<>(Source.class);
    private final ChunkFeed feed;
    private final ScheduledThreadPoolExecutor poller;
    private final ProfileOptions options;
    private final Supplier<ContinuousRecording> recording;

    CumulativeProfiles(Supplier<ContinuousRecording> recording) {
        this.recording = recording;
        Instant since = Instant.now();
        this.sinceEpochNanos = since.getEpochSecond() * 1_000_000_000L + since.getNano();
        this.options = ProfileOptions.DEFAULT.withWindow(since.toString(), null);
        for (Source s : Source.values()) {
            tables.put(s, s.newTable());
        }
        this.feed = new ChunkFeed(recording, sinceEpochNanos, this::read);
        this.poller = new ScheduledThreadPoolExecutor(1, DaemonThreads.factory("forge-perf-pprof-chunks"));
        poller.scheduleWithFixedDelay(this::poll, POLL_SECONDS, POLL_SECONDS, TimeUnit.SECONDS);
    }

    private void poll() {
        try {
            feed.catchUp(false);
        } catch (Throwable t) {
            Log.failureOnce("pprof poll", "cumulative profiles: reading the recording's chunks failed (retried every " + POLL_SECONDS + " s)", t);
        }
    }

    /** Reads one chunk into every table (called by the feed, one chunk at a time). */
    private void read(Path chunk, long chunkEnd) throws IOException {
        for (Source s : Source.values()) {
            Profile part = s.read(chunk, s.thresholded ? options.withMinDuration(threshold(s)) : options);
            synchronized (tables) {
                tables.get(s).add(part);
            }
        }
    }

    /** The continuous recording's threshold for the source's event (nanoseconds), 0 when it has none. */
    private long threshold(Source s) {
        ContinuousRecording r = recording.get();
        return r == null ? 0 : JfrReader.parsePeriod(r.setting(s.event + "#threshold"));
    }

    /** Whether the continuous recording runs (without it nothing is added). */
    boolean live() {
        return feed.live();
    }

    /** Reads the chunks finished up to now; returns the time the data reaches (epoch nanoseconds). */
    long catchUp() throws IOException {
        return feed.catchUp(true);
    }

    /**
     * Reads the chunks finished up to at most {@link ChunkFeed#FRESH_NANOS} before {@code askedNanos}
     * (when the request arrived, {@link System#nanoTime}), sharing a recent rotation of the chunk in
     * progress instead of making one per request ({@link ChunkFeed#catchUpRecent}).
     */
    long catchUpRecent(long askedNanos) throws IOException {
        return feed.catchUpRecent(askedNanos);
    }

    /** The table's values now, for {@link #since}; call {@link #catchUp} first. */
    long[] mark(Source source) {
        synchronized (tables) {
            return tables.get(source).values();
        }
    }

    /** The cumulative profile of {@code kind} minus {@code before} (null: since the start), with its comments. */
    Profile since(Source source, long[] before) {
        StackTable t = tables.get(source);
        synchronized (tables) {
            Profile p = t.since(before);
            if (t.foldedStacks() > 0) {
                p.addComment(t.foldedStacks() + " stacks beyond the table's bound (" + StackTable.MAX_NODES + " nodes) are in "
                        + StackTable.OTHER);
            }
            return p;
        }
    }

    long sinceEpochNanos() {
        return sinceEpochNanos;
    }

    /** For {@code /api/status} and the index: chunks and bytes read, table sizes. */
    String describe() {
        StringBuilder b = new StringBuilder();
        b.append(feed.chunksRead()).append(" chunks (").append(Units.bytes(feed.bytesRead())).append(") read, ").append(feed.rotations())
                .append(" of them finished early for requests");
        synchronized (tables) {
            for (Source s : Source.values()) {
                StackTable t = tables.get(s);
                b.append("; ").append(s.name().toLowerCase(java.util.Locale.ROOT)).append(": ").append(t.nodes()).append(" nodes, ~").append(Units.bytes(t.bytes()));
                if (t.foldedStacks() > 0) {
                    b.append(", ").append(t.foldedStacks()).append(" stacks folded");
                }
            }
        }
        if (feed.missed() > 0) {
            b.append("; ").append(feed.missed()).append(" chunks missed");
        }
        if (feed.deferred() > 0) {
            b.append("; reading deferred ").append(feed.deferred()).append(" times for lack of heap");
        }
        return b.toString();
    }

    void close() {
        poller.shutdownNow();
    }
}
