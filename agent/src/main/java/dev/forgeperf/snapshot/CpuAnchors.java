package dev.forgeperf.snapshot;

import java.util.ArrayDeque;
import java.util.Iterator;

import dev.forgeperf.jfr.ThreadCpuClock;
import dev.forgeperf.profile.CpuCalibration;

/**
 * Readings of the threads' CPU clocks taken along the way, so that a snapshot's CPU profile from
 * the continuous recording (the last {@link SnapshotParts#PROFILE_WINDOW}) can be calibrated as
 * {@code profile cpu} is: its window starts at the oldest reading inside the last
 * {@link SnapshotParts#PROFILE_WINDOW} and ends at a reading taken right before the recording is
 * dumped, and each thread's samples are scaled to the CPU time its clock shows between the two.
 *
 * <p>A reading is taken at most every {@link #EVERY_NANOS} ({@link #tick}, on the runtime
 * sampler's thread) and at most {@link #KEEP} are kept: memory is {@code KEEP x 16 bytes} per live
 * thread (about 1 MB with 10,000 threads). Thread-safe.
 */
public final class CpuAnchors {
    /** How often a reading is taken. */
    static final long EVERY_NANOS = 60_000_000_000L;
    /** How many readings are kept: enough to reach back a whole window. */
    static final int KEEP = (int) (SnapshotParts.PROFILE_WINDOW.toNanos() / EVERY_NANOS) + 1;

    private final ArrayDeque<ThreadCpuClock> readings = new ArrayDeque<>();
    private long lastNanos;
    private boolean unsupported;

    /**
     * Takes a reading when the last one is {@link #EVERY_NANOS} old, or there is none, or it was
     * taken before {@code recordingStartEpochNanos} (a window must not start before the recording
     * does; {@code Long.MAX_VALUE} while it has not started). Never throws.
     */
    public void tick(long recordingStartEpochNanos) {
        long now = System.nanoTime();
        synchronized (this) {
            boolean fresh = !readings.isEmpty() && now - lastNanos < EVERY_NANOS
                    && (recordingStartEpochNanos == Long.MAX_VALUE || readings.peekLast().epochNanos() >= recordingStartEpochNanos);
            if (unsupported || fresh) {
                return;
            }
            lastNanos = now;
        }
        ThreadCpuClock reading;
        try {
            reading = ThreadCpuClock.read();
        } catch (RuntimeException | LinkageError | OutOfMemoryError e) {
            return;
        }
        synchronized (this) {
            if (reading == null) {
                unsupported = true;
                return;
            }
            readings.addLast(reading);
            while (readings.size() > KEEP) {
                readings.removeFirst();
            }
        }
    }

    /**
     * The CPU time used from the oldest reading no older than {@code window} before now and not
     * before {@code notBeforeEpochNanos} (the recording's start) until a reading taken now, or null
     * when there is no such reading (the agent has just started, or thread CPU time is not measured).
     */
    public CpuCalibration sinceOldest(java.time.Duration window, long notBeforeEpochNanos) {
        ThreadCpuClock start = null;
        java.time.Instant now = java.time.Instant.now();
        long earliest = Math.max(notBeforeEpochNanos, now.getEpochSecond() * 1_000_000_000L + now.getNano() - window.toNanos());
        synchronized (this) {
            for (Iterator<ThreadCpuClock> it = readings.iterator(); it.hasNext(); ) {
                ThreadCpuClock r = it.next();
                if (r.epochNanos() >= earliest) {
                    start = r;
                    break;
                }
            }
        }
        if (start == null) {
            return null;
        }
        ThreadCpuClock end = ThreadCpuClock.read();
        return end == null ? null : end.since(start);
    }
}
