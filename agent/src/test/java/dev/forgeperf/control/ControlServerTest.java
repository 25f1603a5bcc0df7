package dev.forgeperf.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ControlServerTest {
    /** A long command (a profile) holds one worker; short ones are answered meanwhile, not after it. */
    @Test
    void shortRequestsDoNotWaitBehindALongOne() throws Exception {
        CountDownLatch longStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ControlServer.Handler handler = (request, out, err, hungUp) -> {
            if (request.args.get(0).equals("long")) {
                longStarted.countDown();
                release.await(120, TimeUnit.SECONDS); // a hang bound
                out.write("long done\n");
                return 0;
            }
            out.write("short done\n");
            return 7;
        };
        ExecutorService clients = Executors.newCachedThreadPool();
        try (ControlServer server = ControlServer.start(ProcessHandle.current().pid(), handler)) {
            Future<Integer> longCall = clients.submit(() -> ControlClient.run(server.socket(), Map.of(), List.of("long"), (type, text) -> { }));
            assertTrue(longStarted.await(60, TimeUnit.SECONDS), "the long request runs");
            for (int i = 0; i < 3; i++) {
                StringBuilder text = new StringBuilder();
                CompletableFuture<Integer> shortCall = CompletableFuture.supplyAsync(() -> {
                    try {
                        return ControlClient.run(server.socket(), Map.of(), List.of("short"), (type, t) -> text.append(t));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, clients);
                // bounded only against a hang: the long request is still held, so an answer proves it did not wait
                assertEquals(7, shortCall.get(60, TimeUnit.SECONDS));
                assertEquals("short done\n", text.toString());
                assertTrue(!longCall.isDone(), "the long request is still running");
            }
            release.countDown();
            assertEquals(0, longCall.get(60, TimeUnit.SECONDS));
        } finally {
            release.countDown();
            clients.shutdownNow();
        }
    }
}
