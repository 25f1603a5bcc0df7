package dev.forgeperf.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonReaderTest {
    @Test
    void escapesReadBackWhatJsonWrote() {
        String text = "tab\t nl\n cr\r bs\\ quote\" slash/ bell\u0007 é ☃ \b\f";
        assertEquals(text, JsonReader.parse(Json.write(text)));
        assertEquals("a/b\u00e9", JsonReader.parse("\"a\\/b\\u00e9\""));
        assertEquals(Map.of("k", List.of("x\ny")), JsonReader.parse("{\"k\": [\"x\\ny\"]}"));
    }

    @Test
    void aBrokenUnicodeEscapeIsAParseErrorNotANumberFormatException() {
        RuntimeException bad = assertThrows(RuntimeException.class, () -> JsonReader.parse("\"\\uZZZZ\""));
        assertEquals(false, bad instanceof NumberFormatException, bad::toString);
        RuntimeException shortEscape = assertThrows(RuntimeException.class, () -> JsonReader.parse("\"\\u12\""));
        assertEquals(false, shortEscape instanceof NumberFormatException, shortEscape::toString);
    }

    @Test
    void escapedStandsForTheCharacter() {
        assertEquals('\n', JsonReader.escaped('n'));
        assertEquals('\t', JsonReader.escaped('t'));
        assertEquals('"', JsonReader.escaped('"'));
        assertEquals('\\', JsonReader.escaped('\\'));
    }
}
