package dev.forgeperf.util;

import java.io.IOException;

/** Handing a failure caught on one thread to another. */
public final class Failures {
    private Failures() {
    }

    /**
     * Throws {@code failure} as what it is (an {@link IOException}, a {@link RuntimeException} or an
     * {@link Error}; anything else wrapped in an {@link IllegalStateException}); returns when it is null.
     */
    public static void rethrow(Throwable failure) throws IOException {
        if (failure == null) {
            return;
        }
        if (failure instanceof IOException io) {
            throw io;
        } else if (failure instanceof RuntimeException re) {
            throw re;
        } else if (failure instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(failure);
    }
}
