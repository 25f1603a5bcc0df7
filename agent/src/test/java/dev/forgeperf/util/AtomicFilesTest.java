package dev.forgeperf.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anExistingFileIsRefusedUnlessForcedAndTheResultIsOwnerOnly() throws Exception {
        Path out = dir.resolve("out.txt");
        Files.writeString(out, "old");
        IOException refused = assertThrows(IOException.class, () -> AtomicFiles.writeNew(out, false, o -> o.write('x')));
        assertEquals(out + " already exists; add --force to replace it", refused.getMessage());
        assertEquals("old", Files.readString(out));

        assertEquals(3, AtomicFiles.writeNew(out, true, o -> o.write("new".getBytes(StandardCharsets.UTF_8))));
        assertEquals("new", Files.readString(out));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        assertEquals(List.of("out.txt"), names(), "no temporary folder left");
    }

    @Test
    void aLinkIsReplacedItselfNeverWrittenThrough() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "precious");
        Path link = Files.createSymbolicLink(dir.resolve("out.jfr"), victim);
        assertThrows(IOException.class, () -> AtomicFiles.writeNew(link, false, o -> o.write('x')));
        AtomicFiles.writeNew(link, true, o -> o.write('x'));
        assertFalse(Files.isSymbolicLink(link));
        assertEquals("x", Files.readString(link));
        assertEquals("precious", Files.readString(victim));
    }

    @Test
    void aFolderIsNeverReplacedAndAMissingDirectoryIsNamed() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("folder"));
        IOException isDir = assertThrows(IOException.class, () -> AtomicFiles.writeNew(folder, true, o -> o.write('x')));
        assertEquals("cannot write " + folder + ": it is a directory", isDir.getMessage());
        Path missing = dir.resolve("no/such/out.txt");
        IOException noDir = assertThrows(IOException.class, () -> AtomicFiles.writeNew(missing, false, o -> o.write('x')));
        assertEquals("cannot write " + missing + ": directory " + dir.resolve("no/such") + " does not exist", noDir.getMessage());
    }

    @Test
    void aFailedWriteLeavesNothingAndNamesTheUsersPathAndTheCause() throws Exception {
        Path out = dir.resolve("out.hprof");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeNew(out, false, o -> {
            o.write(new byte[100]);
            throw new IOException("No space left on device");
        }));
        assertEquals("cannot write " + out + ": no space left on device", e.getMessage());
        assertEquals(List.of(), names());
        assertEquals("permission denied", AtomicFiles.reason(new java.nio.file.AccessDeniedException("/x/.tmp123")));
        IOException named = assertThrows(IOException.class, () -> AtomicFiles.writeVia(out, false, tmp -> {
            throw new IOException("heap dump failed: cannot open " + tmp + " for writing");
        }));
        assertEquals("cannot write " + out + ": heap dump failed: cannot open " + out + " for writing", named.getMessage());
        assertEquals(List.of(), names());
    }

    @Test
    void withoutForceAFileThatAppearsMeanwhileIsNotOverwritten() throws Exception {
        Path out = dir.resolve("race.txt");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeNew(out, false, o -> {
            Files.writeString(out, "theirs");
            o.write('x');
        }));
        assertEquals(out + " already exists; add --force to replace it", e.getMessage());
        assertEquals("theirs", Files.readString(out));
    }

    @Test
    void deleteTreeRemovesALinkNotWhatItPointsTo() throws Exception {
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Files.writeString(outside.resolve("keep"), "k");
        Path tree = Files.createDirectory(dir.resolve("tree"));
        Files.createSymbolicLink(tree.resolve("link"), outside);
        Files.writeString(tree.resolve("f"), "f");
        AtomicFiles.deleteTree(tree);
        assertFalse(Files.exists(tree, LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(outside.resolve("keep")));
    }
}
