package dev.forgeperf.http;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.forgeperf.util.Log;
import dev.forgeperf.util.DaemonThreads;
import dev.forgeperf.jfr.ChunkFeed;
import dev.forgeperf.jfr.ContinuousRecording;
import dev.forgeperf.profile.JfrReader;
import dev.forgeperf.profile.Kind;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.profile.ProfileOptions;
import dev.forgeperf.profile.StackTable;

/**
 * The cumulative {@code allocs}/{@code heap}, {@code block}, {@code mutex} and {@code threadcreate}
 * profiles behind {@code /debug/pprof/}, as Go keeps them: every allocation sample
 * ({@code jdk.ObjectAllocationSample}), thread park ({@code jdk.ThreadPark}), contended monitor entry
 * ({@code jdk.JavaMonitorEnter}) and thread start ({@code jdk.ThreadStart}, the starting stack) the
 * continuous recording has recorded since this was made (with the agent's HTTP server), summed per
 * stack in one {@link StackTable} per kind (bounded: {@link StackTable#MAX_NODES} nodes,
 * about {@link StackTable#MAX_BYTES} bytes each).
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
        ALLOC(Kind.ALLOC, "jdk.ObjectAllocationSample"),
        BLOCK(Kind.PARK, "jdk.ThreadPark"),
        MUTEX(Kind.LOCK, "jdk.JavaMonitorEnter"),
        THREADCREATE(null, "jdk.ThreadStart");

        final Kind kind;
        final String event;

        Source(Kind kind, String event) {
            this.kind = kind;
            this.event = event;
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

    CumulativeProfiles(Supplier<ContinuousRecording> recording) {
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
            Profile part = s.read(chunk, options);
            synchronized (tables) {
                tables.get(s).add(part);
            }
        }
    }

    /** Whether the continuous recording runs (without it nothing is added). */
    boolean live() {
        return feed.live();
    }

    /** Reads the chunks finished up to now; returns the time the data reaches (epoch nanoseconds). */
    long catchUp() throws IOException {
        return feed.catchUp(true);
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
        b.append(feed.chunksRead()).append(" chunks (").append(feed.bytesRead() >> 10).append(" KB) read");
        synchronized (tables) {
            for (Source s : Source.values()) {
                StackTable t = tables.get(s);
                b.append("; ").append(s.name().toLowerCase(java.util.Locale.ROOT)).append(": ").append(t.nodes()).append(" nodes, ~").append(t.bytes() >> 10).append(" KB");
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
