package dev.forgeperf.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import jdk.jfr.Configuration;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;

/** The chunk feed on this JVM's own JFR repository: each finished chunk once, never the one being written. */
class ChunkFeedTest {
    @Test
    void handsEachFinishedChunkOnceAndSkipsTheOneInProgress() throws Exception {
        List<Path> seen = new ArrayList<>();
        long since = System.currentTimeMillis() * 1_000_000L;
        try (Recording r = new Recording(Configuration.getConfiguration("default"))) {
            r.setToDisk(true);
            r.start();
            ChunkFeed feed = new ChunkFeed(() -> null, since, (chunk, end) -> {
                assertNotNull(ChunkFeed.header(chunk), "a finished chunk: " + chunk);
                seen.add(chunk);
            });
            Path repo = Path.of(System.getProperty("jdk.jfr.repository"));
            feed.catchUp(false);
            int before = seen.size();
            FlightRecorder.getFlightRecorder().takeSnapshot().close(); // what catchUp(true) does for the agent's recording
            feed.catchUp(false);
            assertEquals(before + 1, seen.size(), "the chunk just finished, and not the new one: " + seen);
            assertTrue(seen.get(seen.size() - 1).startsWith(repo));
            feed.catchUp(false);
            assertEquals(before + 1, seen.size(), "nothing twice");
            long inProgress = 0;
            try (var files = java.nio.file.Files.list(repo)) {
                for (Path p : files.filter(p -> p.toString().endsWith(".jfr")).toList()) {
                    if (ChunkFeed.header(p) == null) {
                        inProgress++;
                    }
                }
            }
            assertEquals(1, inProgress, "exactly one chunk is being written");
            assertEquals(before + 1, feed.chunksRead());
        }
    }
}
