package dev.forgeperf.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the user running the tests. */
final class SocketDirs {
    private SocketDirs() {
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
