package dev.forgeperf.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The join of samples and waits with calls: membership by thread and time, overlaps counted once. */
class CallWindowsTest {
    @Test
    void samplesCountOnlyOnTheCallsThreadInsideTheCall() {
        CallWindows w = CallWindows.builder().add(7, 100, 200).add(7, 300, 400).add(8, 150, 160).build();
        assertTrue(w.contains(7, 100));
        assertTrue(w.contains(7, 199));
        assertFalse(w.contains(7, 200)); // the end is outside: [start, end)
        assertFalse(w.contains(7, 250));
        assertTrue(w.contains(7, 350));
        assertFalse(w.contains(7, 99));
        assertFalse(w.contains(9, 150)); // another thread
        assertTrue(w.contains(8, 155));
        assertEquals(3, w.calls());
        assertEquals(100 + 100 + 10, w.totalNanos());
    }

    @Test
    void waitsCountByTheirOverlapWithTheCalls() {
        CallWindows w = CallWindows.builder().add(1, 100, 200).add(1, 300, 400).build();
        assertEquals(200, w.overlap(1, 0, 1000)); // of a 1000 ns wait, 200 inside calls
        assertEquals(50, w.overlap(1, 150, 250));
        assertEquals(100, w.overlap(1, 150, 350)); // 50 at the end of one call, 50 at the start of the next
        assertEquals(0, w.overlap(1, 200, 300));
        assertEquals(0, w.overlap(2, 0, 1000));
    }

    @Test
    void nestedOrOverlappingCallsCountOnce() {
        // a timed method calling itself: the inner call inside the outer one
        CallWindows w = CallWindows.builder().add(1, 100, 500).add(1, 200, 300).add(1, 450, 600).build();
        assertEquals(500, w.overlap(1, 0, 1000));
        assertTrue(w.contains(1, 550));
        assertEquals(3, w.calls());
    }
}
