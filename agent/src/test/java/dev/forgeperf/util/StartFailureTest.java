package dev.forgeperf.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The note of a failed start is read back only from a regular file of ours, bounded, and not when older than asked. */
class StartFailureTest {
    private static final long PID = 4_000_000_123L; // no such process

    @Test
    void aNoteIsReadBackAsOneLineAndCleared() throws Exception {
        Path note = StartFailure.of(PID);
        try {
            assertEquals(true, StartFailure.record(PID, "the JVM's heap is full\nsecond line"));
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(note)));
            assertEquals("the JVM's heap is full second line", StartFailure.read(PID, 0));
            assertNull(StartFailure.read(PID, System.currentTimeMillis() + 60_000), "older than asked");
            StartFailure.clear(PID);
            assertEquals(false, Files.exists(note));
            assertNull(StartFailure.read(PID, 0));
        } finally {
            Files.deleteIfExists(note);
        }
    }

    @Test
    void aLinkOrAnOversizedFileIsNotTrusted() throws Exception {
        Path note = StartFailure.of(PID);
        Path elsewhere = Files.createTempFile("planted", ".txt");
        try {
            Files.writeString(elsewhere, "planted reason");
            SocketDir.ensure();
            Files.createSymbolicLink(note, elsewhere);
            assertNull(StartFailure.read(PID, 0), "a link is not followed");
            Files.delete(note);
            Files.writeString(note, "x".repeat(StartFailure.MAX_BYTES + 1));
            assertNull(StartFailure.read(PID, 0), "larger than a note");
        } finally {
            Files.deleteIfExists(note);
            Files.deleteIfExists(elsewhere);
        }
    }
}
