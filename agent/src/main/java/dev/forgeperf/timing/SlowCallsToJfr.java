package dev.forgeperf.timing;

import dev.forgeperf.bootstrap.MethodStats;
import dev.forgeperf.bootstrap.Recorder;
import dev.forgeperf.bootstrap.SlowCallListener;

/**
 * Turns slow timed calls into {@code forge.MethodTiming} JFR events. Runs on the application
 * thread, only for calls over the threshold; the event class (and with it JFR's event machinery)
 * is loaded on the first slow call, not at agent start.
 */
public final class SlowCallsToJfr implements SlowCallListener {
    @Override
    public void slowCall(int id, long elapsedNanos, boolean thrown) {
        MethodTimingEvent e = new MethodTimingEvent();
        if (e.shouldCommit()) {
            MethodStats s = Recorder.stats(id);
            e.method = s == null ? "#" + id : s.name();
            e.elapsed = elapsedNanos;
            e.thrown = thrown;
            e.commit();
        }
    }
}
