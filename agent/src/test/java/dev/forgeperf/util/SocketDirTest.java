package dev.forgeperf.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketDirTest {
    @TempDir
    Path tmp;

    private Path privateDir(String name) throws IOException {
        return Files.createDirectory(tmp.resolve(name), PosixFilePermissions.asFileAttribute(SocketDir.OWNER_ONLY_DIR));
    }

    @Test
    void aLooseDirectoryIsRefusedAndKeepsItsMode() throws Exception {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> SocketDir.checkPrivateDir(shared, "socket directory"));
        assertTrue(e.getMessage().startsWith("socket directory " + shared + " has mode rwxrwxrwx, not rwx------"), e.getMessage());
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
        SocketDir.checkPrivateDir(privateDir("mine"), "socket directory");
    }

    @Test
    void aPlantedLinkOrFileIsReplacedByAFreshPrivateFolder() throws Exception {
        Path dir = privateDir("sockets");
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(dir.resolve("jfr-42"), elsewhere);
        Files.writeString(dir.resolve("snapshots"), "planted");
        for (String name : new String[] {"jfr-42", "snapshots"}) {
            Path made = SocketDir.privateChild(dir, name);
            assertFalse(Files.isSymbolicLink(made));
            assertTrue(Files.isDirectory(made, LinkOption.NOFOLLOW_LINKS));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made, LinkOption.NOFOLLOW_LINKS)));
        }
        assertTrue(Files.isDirectory(elsewhere), "the link's target is untouched");
        assertEquals(dir.resolve("jfr-42"), SocketDir.privateChild(dir, "jfr-42"), "our own folder is reused");
    }

    @Test
    void aFolderThatIsNotPrivateIsRefused() throws Exception {
        Path dir = privateDir("sockets");
        Path loose = Files.createDirectory(dir.resolve("snapshots"));
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rwxr-xr-x"));
        IOException e = assertThrows(IOException.class, () -> SocketDir.privateChild(dir, "snapshots"));
        assertTrue(e.getMessage().contains(loose + " has mode rwxr-xr-x"), e.getMessage());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(loose)));
    }
}
