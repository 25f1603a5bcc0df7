package dev.forgeperf.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgeperf.config.HttpTokenOption;
import dev.forgeperf.config.AgentOptions;
import dev.forgeperf.config.HttpAddress;

/** The http options: address forms, their checks in AgentOptions, the token. */
class HttpOptionsTest {
    @Test
    void addressForms() {
        assertEquals(new HttpAddress("127.0.0.1", 6060), HttpAddress.parse("6060"));
        assertEquals(new HttpAddress("127.0.0.1", 0), HttpAddress.parse("0"));
        assertEquals(new HttpAddress("127.0.0.1", 6060), HttpAddress.parse(" 127.0.0.1:6060 "));
        assertEquals(new HttpAddress("localhost", 80), HttpAddress.parse("localhost:80"));
        assertEquals(new HttpAddress("0.0.0.0", 6060), HttpAddress.parse("0.0.0.0:6060"));
        assertEquals(new HttpAddress("::1", 6060), HttpAddress.parse("[::1]:6060"));
        assertEquals("[::1]:6060", HttpAddress.parse("[::1]:6060").toString());
        assertEquals("127.0.0.1:0", HttpAddress.parse("0").toString());
    }

    @Test
    void badAddressesSayWhatIsExpected() {
        for (String bad : List.of("", "x", ":6060", "::1:6060", "[::1]", "[::1]6060", "[x]:1", "host:", "host:port", "65536", "-1",
                "a b:1", "[]:1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpAddress.parse(bad), bad);
            assertTrue(e.getMessage().contains("expected") || e.getMessage().contains("range"), bad + ": " + e.getMessage());
        }
    }

    @Test
    void optionsAreCheckedAtParseTime() {
        AgentOptions ok = AgentOptions.parse("http=127.0.0.1:6060,http.allowRemote=TRUE,http.token=0123456789abcdefXYZ");
        assertTrue(ok.warnings().isEmpty(), ok.warnings()::toString);
        assertEquals("127.0.0.1:6060", ok.get("http", null));

        AgentOptions bad = AgentOptions.parse("http=:6060,http.allowRemote=maybe,http.token=short");
        assertEquals(3, bad.warnings().size(), bad.warnings()::toString);
        assertNull(bad.get("http", null), "a malformed address leaves HTTP off");
        assertNull(bad.get("http.allowRemote", null));
        assertNull(bad.get("http.token", null));
        assertTrue(bad.warnings().stream().anyMatch(w -> w.startsWith("ignoring http=:6060") && w.contains("expected PORT")), bad.warnings()::toString);
        assertTrue(bad.warnings().stream().anyMatch(w -> w.contains("http.allowRemote=maybe") && w.contains("true, false")));
        assertTrue(bad.warnings().stream().anyMatch(w -> w.startsWith("ignoring http.token=(hidden)")), "a rejected token is not echoed");
        assertFalse(String.join(" ", bad.warnings()).contains("short"));
    }

    @Test
    void theTokenIsHiddenFromStatus() {
        AgentOptions o = AgentOptions.parse("http=0,http.token=0123456789abcdefXYZ");
        assertEquals(List.of("(hidden)"), o.displayMap().get("http.token"));
        assertEquals(List.of("0"), o.displayMap().get("http"));
        assertEquals(List.of("0123456789abcdefXYZ"), o.asMap().get("http.token"));
        assertTrue(AgentOptions.KNOWN.keySet().containsAll(List.of("http", "http.allowRemote", "http.token")));
    }

    @Test
    void generatedTokenIsOwnerOnlyAndComparedExactly(@TempDir Path dir) throws Exception {
        HttpToken t = HttpToken.generate(dir, 4242);
        Path file = dir.resolve("4242.http-token");
        assertEquals(file, t.file());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String token = Files.readString(file).trim();
        assertTrue(token.length() >= 40, token);
        assertTrue(t.matches(token));
        assertFalse(t.matches(token + "x"));
        assertFalse(t.matches(token.substring(1)));
        assertFalse(t.matches(""));
        assertFalse(t.matches(null));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left");
        }
        HttpToken again = HttpToken.generate(dir, 4242);
        assertFalse(again.matches(token), "a new token replaces a stale one");
        again.deleteFile();
        assertFalse(Files.exists(file));

        HttpToken given = HttpToken.of("0123456789abcdefXYZ");
        assertNull(given.file());
        assertTrue(given.matches("0123456789abcdefXYZ"));
        assertThrows(IllegalArgumentException.class, () -> HttpTokenOption.check("0123456789abcde"));
        assertThrows(IllegalArgumentException.class, () -> HttpTokenOption.check("0123456789 abcdefXYZ"));
    }
}
