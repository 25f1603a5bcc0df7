package dev.forgeperf.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import dev.forgeperf.profile.FrameKind;
import dev.forgeperf.profile.Profile;
import dev.forgeperf.runtime.ThreadDump;

class ThreadProfileTest {
    @Test
    void oneSamplePerThreadEvenWithSharedNamesAndStacks() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        Thread[] twins = new Thread[2];
        for (int i = 0; i < twins.length; i++) {
            twins[i] = new Thread(() -> {
                try {
                    stop.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "twin");
            twins[i].setDaemon(true);
            twins[i].start();
        }
        try {
            for (Thread t : twins) {
                while (t.getState() != Thread.State.WAITING) {
                    Thread.sleep(5);
                }
            }
            ThreadDump dump = ThreadDump.take();
            Profile p = ThreadProfile.of(dump);
            assertEquals(dump.threads().size(), p.total(0), "one sample per thread");
            int samples = 0;
            int twinRoots = 0;
            for (int node = 1; node < p.nodeCount(); node++) {
                if (p.hasSamples(node)) {
                    samples++;
                    assertEquals(1, p.value(node, 0));
                }
                if (p.parent(node) == Profile.ROOT) {
                    assertEquals(FrameKind.THREAD, p.frameKind(p.nodeFrame(node)));
                    if (p.frameName(p.nodeFrame(node)).startsWith("[twin #")) {
                        twinRoots++;
                    }
                }
            }
            assertEquals(dump.threads().size(), samples);
            assertEquals(2, twinRoots, "threads of one name are told apart by id");
            String text = ThreadProfile.grouped(dump);
            assertTrue(text.startsWith("thread profile: total " + dump.threads().size()), text);
            assertTrue(text.contains("2 threads: \"twin\" WAITING, \"twin\" WAITING"), text);
        } finally {
            stop.countDown();
        }
    }
}
