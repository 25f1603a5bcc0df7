package dev.forgeperf.sample;

import java.util.ArrayList;
import java.util.List;

/** {@code --retain-mb N}: N MB of live data held for the whole run, for large-heap benchmarks. */
final class Ballast {
    private static final List<byte[]> CHUNKS = new ArrayList<>();

    private Ballast() {
    }

    static void retain(int megabytes) {
        for (int i = 0; i < megabytes; i++) {
            byte[] chunk = new byte[1 << 20];
            chunk[i % chunk.length] = (byte) i;
            CHUNKS.add(chunk);
        }
    }

    static int megabytes() {
        return CHUNKS.size();
    }
}
