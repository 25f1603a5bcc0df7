package dev.forgeperf.sample;

import java.util.ArrayList;
import java.util.List;

/** {@code --retain-mb N}: N MB of live data held for the whole run, for large-heap benchmarks. */
final class Ballast {
    private static final List<byte[]> CHUNKS = new ArrayList<>();

    private Ballast() {
    }

    /** 256 KiB: below G1's humongous threshold, so the ballast costs what it says. */
    private static final int CHUNK = 256 << 10;

    static void retain(int megabytes) {
        for (int i = 0; i < megabytes * 4; i++) {
            byte[] chunk = new byte[CHUNK];
            chunk[i % CHUNK] = (byte) i;
            CHUNKS.add(chunk);
        }
    }
}
