package dev.forgeperf.bootstrap;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forgeperf.ForgePerf;
import dev.forgeperf.Track;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecorderTest {

    private boolean wasActive;
    private int oldInterval;

    @org.junit.jupiter.api.BeforeEach
    void saveGlobals() {
        wasActive = Recorder.isActive();
        oldInterval = Recorder.sampleInterval();
    }

    @AfterEach
    void restoreGlobals() {
        Recorder.setSlowCallListener(null, 0);
        Recorder.setActive(wasActive);
        Recorder.setSampleInterval(oldInterval);
    }

    @Test
    void registerReturnsIncreasingIdsAndLooksUp() {
        MethodStats a = new MethodStats("a");
        MethodStats b = new MethodStats("b");
        int ia = Recorder.register(a);
        int ib = Recorder.register(b);
        assertTrue(ib > ia);
        assertSame(a, Recorder.stats(ia));
        assertSame(b, Recorder.stats(ib));
        List<MethodStats> all = Recorder.all();
        assertSame(a, all.get(ia));
        assertSame(b, all.get(ib));
        assertTrue(Recorder.size() > ib);
    }

    @Test
    void registryGrowsBeyondTheFixedTable() {
        List<Integer> ids = new ArrayList<>();
        List<MethodStats> stats = new ArrayList<>();
        // past the static final table of the first ids, into the growable one (twice grown)
        int n = Recorder.FIXED_IDS + 600 - Recorder.size();
        for (int i = 0; i < n; i++) {
            MethodStats s = new MethodStats("grow" + i);
            stats.add(s);
            ids.add(Recorder.register(s));
        }
        for (int i = 0; i < ids.size(); i++) {
            assertSame(stats.get(i), Recorder.stats(ids.get(i)));
            Recorder.record(ids.get(i), 100 + i, false);
        }
        for (int i = 0; i < ids.size(); i++) {
            TimingSnapshot s = stats.get(i).snapshot();
            assertEquals(1, s.count());
            assertEquals(100 + i, s.totalNanos());
        }
        int last = ids.get(ids.size() - 1);
        assertTrue(last >= Recorder.FIXED_IDS + 500, "ids reached " + last);
        List<MethodStats> all = Recorder.all();
        assertTrue(all.containsAll(stats));
        // a released id on either side of the boundary is forgotten and given to the next method
        for (int id : List.of(ids.get(0), last)) {
            MethodStats gone = Recorder.stats(id);
            Recorder.release(id);
            assertNull(Recorder.stats(id));
            Recorder.record(id, 5, false);
            assertEquals(0, gone.snapshot().count());
            MethodStats next = new MethodStats("reused" + id);
            assertEquals(id, Recorder.register(next));
            Recorder.record(id, 7, false);
            assertEquals(7, next.snapshot().totalNanos());
        }
    }

    @Test
    void aRetiredIdIsForgottenAndNeverGivenOutAgain() {
        MethodStats old = new MethodStats("retired");
        int id = Recorder.register(old);
        int live = Recorder.live();
        Recorder.retire(id);
        assertNull(Recorder.stats(id));
        assertEquals(live - 1, Recorder.live());
        assertFalse(Recorder.all().contains(old));
        MethodStats next = new MethodStats("after retire");
        int other = Recorder.register(next);
        assertTrue(other != id, "a retired id is not reused");
        Recorder.record(id, 5, false); // a frame still running the old timed code
        assertEquals(0, old.snapshot().count());
        assertEquals(0, next.snapshot().count());
        Recorder.retire(id); // twice: nothing more happens
        assertEquals(live, Recorder.live());
    }

    @Test
    void recordViaRecorder() {
        MethodStats s = new MethodStats("rec");
        int id = Recorder.register(s);
        Recorder.record(id, 1000, false);
        Recorder.record(id, 3000, true);
        TimingSnapshot snap = s.snapshot();
        assertEquals(2, snap.count());
        assertEquals(1, snap.errors());
        assertEquals(4000, snap.totalNanos());
        assertEquals(1000, snap.minNanos());
        assertEquals(3000, snap.maxNanos());
    }

    @Test
    void unknownIdsAreIgnored() {
        int before = Recorder.size();
        assertDoesNotThrow(() -> {
            Recorder.record(-1, 100, false);
            Recorder.record(Integer.MIN_VALUE, 100, true);
            Recorder.record(Integer.MAX_VALUE, 100, false);
            Recorder.record(before + 10_000, 100, false);
            Recorder.recordSampled(-7, 100, true);
            Recorder.countError(Integer.MAX_VALUE);
            Recorder.countError(-1);
        });
        assertEquals(0L, Recorder.sampleStart(-1));
        assertEquals(0L, Recorder.sampleStart(Integer.MAX_VALUE));
        assertNull(Recorder.stats(-1));
        assertNull(Recorder.stats(Integer.MAX_VALUE));
        assertEquals(before, Recorder.size());
    }

    @Test
    void sampledModeCountsExactlyAndTimesOneInN() {
        Recorder.setSampleInterval(8);
        assertEquals(8, Recorder.sampleInterval());
        MethodStats s = new MethodStats("sampled");
        int id = Recorder.register(s);
        int calls = 10_000;
        int timedCalls = 0;
        int expectedErrors = 0;
        for (int i = 0; i < calls; i++) {
            boolean thrown = i % 7 == 0;
            if (thrown) {
                expectedErrors++;
            }
            long t = Recorder.sampleStart(id);
            if (t != 0L) {
                timedCalls++;
                Recorder.recordSampled(id, 2000, thrown); // synthetic elapsed time
            } else if (thrown) {
                Recorder.countError(id);
            }
        }
        TimingSnapshot snap = s.snapshot();
        assertTrue(snap.sampled());
        assertEquals(calls, snap.count());
        assertEquals(expectedErrors, snap.errors());
        assertEquals(timedCalls, snap.timedCount());
        // one thread always uses one stripe, whose counter selects exactly every 8th call
        assertEquals(calls / 8, snap.timedCount());
        assertEquals(2000L * calls, snap.totalNanos()); // estimated: sum * count / timed
        assertEquals(2000L * timedCalls, snap.timedTotalNanos());
        assertEquals(2000, snap.p50());
        assertEquals(2000.0, snap.meanNanos());
    }

    @Test
    void sampledModeFromFourThreads() throws Exception {
        Recorder.setSampleInterval(16);
        MethodStats s = new MethodStats("sampled-mt");
        int id = Recorder.register(s);
        int threads = 4;
        int perThread = 100_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        long t0 = Recorder.sampleStart(id);
                        if (t0 != 0L) {
                            Recorder.recordSampled(id, 500, false);
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            workers.add(w);
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        TimingSnapshot snap = s.snapshot();
        long count = (long) threads * perThread;
        assertEquals(count, snap.count());
        // each stripe times the calls where its previous count % 16 == 0
        long timed = snap.timedCount();
        assertTrue(timed >= count / 16 && timed <= count / 16 + MethodStats.STRIPES,
                "timed=" + timed);
        assertEquals(500L * count, snap.totalNanos());
    }

    @Test
    void sampleIntervalRoundsUpToPowerOfTwo() {
        Recorder.setSampleInterval(10);
        assertEquals(16, Recorder.sampleInterval());
        Recorder.setSampleInterval(1);
        assertEquals(1, Recorder.sampleInterval());
        Recorder.setSampleInterval(0);
        assertEquals(1, Recorder.sampleInterval());
    }

    @Test
    void slowCallListenerInvokedOnlyAtOrAboveThreshold() {
        MethodStats s = new MethodStats("slow");
        int id = Recorder.register(s);
        List<long[]> seen = new ArrayList<>();
        Recorder.setSlowCallListener((mid, elapsed, thrown) ->
                seen.add(new long[] {mid, elapsed, thrown ? 1 : 0}), 1_000_000);

        Recorder.record(id, 999_999, false);
        Recorder.record(id, 10, true);
        assertTrue(seen.isEmpty());

        Recorder.record(id, 1_000_000, false);
        Recorder.record(id, 5_000_000, true);
        assertEquals(2, seen.size());
        assertEquals(id, seen.get(0)[0]);
        assertEquals(1_000_000, seen.get(0)[1]);
        assertEquals(0, seen.get(0)[2]);
        assertEquals(5_000_000, seen.get(1)[1]);
        assertEquals(1, seen.get(1)[2]);

        Recorder.record(-1, 9_000_000, false); // unknown id: not reported
        assertEquals(2, seen.size());

        Recorder.setSlowCallListener(null, 0);
        Recorder.record(id, 9_000_000, false);
        assertEquals(2, seen.size());
        assertEquals(5, s.snapshot().count());
    }

    @Test
    void throwingListenerIsSwallowedAndReentryPrevented() {
        MethodStats s = new MethodStats("slow2");
        int id = Recorder.register(s);
        int[] invocations = new int[1];
        Recorder.setSlowCallListener((mid, elapsed, thrown) -> {
            invocations[0]++;
            Recorder.record(mid, elapsed, thrown); // a slow call made by the listener itself
            throw new IllegalStateException("listener bug");
        }, 100);
        assertDoesNotThrow(() -> Recorder.record(id, 1000, false));
        assertEquals(1, invocations[0]);
        assertEquals(2, s.snapshot().count()); // both recorded, listener entered once
        assertDoesNotThrow(() -> Recorder.record(id, 1000, false));
        assertEquals(2, invocations[0]);
    }

    @Test
    void trackIsNoOpWhenInactive() {
        Recorder.setActive(false);
        int before = Recorder.size();
        Track a = ForgePerf.track("inactive.a");
        Track b = ForgePerf.track("inactive.b");
        assertSame(a, b);
        a.fail();
        a.close();
        b.close();
        assertEquals(before, Recorder.size());
        for (MethodStats m : Recorder.all()) {
            assertFalse(m.name().startsWith("track:inactive."));
        }
    }

    @Test
    void trackRecordsWhenActive() {
        Recorder.setActive(true);
        try (Track t = ForgePerf.track("db.query")) {
            assertNotSame(t, ForgePerf.track("other"));
        }
        Track failed = ForgePerf.track("db.query");
        failed.fail();
        failed.close();
        failed.close(); // second close does nothing

        MethodStats found = null;
        int matches = 0;
        for (MethodStats m : Recorder.all()) {
            if (m.name().equals("track:db.query")) {
                found = m;
                matches++;
            }
        }
        assertEquals(1, matches, "registered once per name");
        TimingSnapshot snap = found.snapshot();
        assertEquals(2, snap.count());
        assertEquals(1, snap.errors());
        assertEquals("track:db.query", snap.name());
    }
}
