package dev.forgeperf.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The running part of a raw wall profile scaled per thread to the window less its waits, at least its CPU time. */
class WallCalibratorTest {
    private static final int EXEC = 0;
    private static final int NATIVE = 1;
    private static final int OFF_CPU = 2;
    private static final int EXEC_NANOS = 3;
    private static final int NATIVE_NANOS = 4;
    private static final long S = 1_000_000_000L;

    /** A leaf under a thread root ({@code tid} ≤ 0: a root without a Java thread id). */
    private static int leaf(Profile p, String thread, long tid, String method) {
        int root = p.child(Profile.ROOT, p.frame(p.function("[" + thread + "]", tid > 0 ? CpuCalibrator.TID_PREFIX + tid : ""), 0, FrameKind.THREAD));
        return p.child(root, p.frame(p.function(method, ""), 0, FrameKind.JAVA));
    }

    @Test
    void runningThreadsGetTheTimeTheyDidNotWaitAtLeastTheirCpuTime() {
        Profile p = new Profile(RawColumns.types(Kind.Weighting.WALL), 0);
        // a thread runnable all along, on a CPU 2 s of 10, waiting 3 s: 7 s running
        int busy = leaf(p, "busy", 1, "compute");
        p.add(busy, EXEC, 200);
        p.add(busy, EXEC_NANOS, 2 * S);
        int busyWait = leaf(p, "busy", 1, "park");
        p.add(busyWait, OFF_CPU, 3 * S);
        // waits counted twice (8 s) but 9 s on a CPU: the CPU time is the floor
        int overlap = leaf(p, "overlap", 2, "compute");
        p.add(overlap, EXEC, 100);
        p.add(overlap, EXEC_NANOS, S);
        p.add(leaf(p, "overlap", 2, "park"), OFF_CPU, 8 * S);
        // some time in native code (a socket read has no wait event): as sampled, Java frames too
        int reader = leaf(p, "reader", 4, "parse");
        p.add(reader, EXEC, 100);
        p.add(reader, EXEC_NANOS, S);
        int socketRead = leaf(p, "reader", 4, "socketRead0");
        p.add(socketRead, NATIVE, 45);
        p.add(socketRead, NATIVE_NANOS, S * 45 / 100);
        // started in the window, and a root without a thread id: as sampled
        int young = leaf(p, "young", 3, "compute");
        p.add(young, EXEC, 50);
        p.add(young, EXEC_NANOS, S / 2);
        int unknown = leaf(p, "unknown thread", -1, "compute");
        p.add(unknown, EXEC, 10);
        p.add(unknown, EXEC_NANOS, S / 10);
        CpuCalibration cal = new CpuCalibration(0, 10 * S, -1, Map.of(
                1L, new CpuCalibration.ThreadCpu("busy", 2 * S, true),
                2L, new CpuCalibration.ThreadCpu("overlap", 9 * S, true),
                3L, new CpuCalibration.ThreadCpu("young", S / 2, false),
                4L, new CpuCalibration.ThreadCpu("reader", S, true)));

        String said = WallCalibrator.scaleRunning(p, cal, 10 * S, new int[] {EXEC}, new int[] {EXEC_NANOS}, NATIVE, OFF_CPU).sentence();

        assertEquals(7 * S, p.value(busy, EXEC_NANOS));
        assertEquals(700, p.value(busy, EXEC));
        assertEquals(3 * S, p.value(busyWait, OFF_CPU), "waits are measured, never scaled");
        assertEquals(9 * S, p.value(overlap, EXEC_NANOS));
        assertEquals(900, p.value(overlap, EXEC));
        assertEquals(S, p.value(reader, EXEC_NANOS));
        assertEquals(S * 45 / 100, p.value(socketRead, NATIVE_NANOS));
        assertEquals(S / 2, p.value(young, EXEC_NANOS));
        assertEquals(50, p.value(young, EXEC));
        assertEquals(S / 10, p.value(unknown, EXEC_NANOS));
        assertTrue(said.contains(": 2 threads, sampled 3.00s, scaled to 16.00s (x5.33); 1 thread that started or ended in the window (or virtual)"
                + " kept as sampled; 1 thread with native-method samples kept as sampled"), said);
    }

    @Test
    void neverMoreThanTheWindow() {
        Profile p = new Profile(RawColumns.types(Kind.Weighting.WALL), 0);
        int x = leaf(p, "t", 1, "compute");
        p.add(x, EXEC, 1500);
        p.add(x, EXEC_NANOS, 15 * S); // more samples than the window holds (a period misread)
        CpuCalibration cal = new CpuCalibration(0, 10 * S, -1, Map.of(1L, new CpuCalibration.ThreadCpu("t", 4 * S, true)));
        WallCalibrator.scaleRunning(p, cal, 10 * S, new int[] {EXEC}, new int[] {EXEC_NANOS}, NATIVE, OFF_CPU);
        assertEquals(10 * S, p.value(x, EXEC_NANOS));
        assertEquals(1000, p.value(x, EXEC));
    }
}
