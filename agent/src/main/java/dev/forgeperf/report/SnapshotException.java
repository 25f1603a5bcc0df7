package dev.forgeperf.report;

/**
 * A folder that cannot be read as a snapshot, or a report that cannot be written: the message is
 * one line meant for the user, such as {@code /tmp/x is not a forge-perf snapshot (no manifest.json)}.
 */
public final class SnapshotException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SnapshotException(String message) {
        super(message);
    }
}
