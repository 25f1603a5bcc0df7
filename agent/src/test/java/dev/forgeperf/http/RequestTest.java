package dev.forgeperf.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Query parameters and headers as the endpoints read them; bad ones are 400 with one line. */
class RequestTest {
    @Test
    void requestParameters() throws Exception {
        Request r = Request.of("GET", "/debug/pprof/profile", "seconds=5&debug&name=a%20b&x=1&x=2",
                Map.of("accept", List.of("text/html, application/json;q=0.9")));
        assertEquals(5, r.intParam("seconds", 30, 1, 300));
        assertEquals(30, Request.of("GET", "/", null, null).intParam("seconds", 30, 1, 300));
        assertTrue(r.flag("debug"));
        assertFalse(r.flag("absent"));
        assertEquals("a b", r.param("name"));
        assertEquals("2", r.param("x"), "the last value counts");
        assertTrue(r.wantsJson(), "Accept naming application/json, any header case");
        assertEquals("text/html, application/json;q=0.9", r.header("Accept"));

        HttpFailure range = assertThrows(HttpFailure.class, () -> Request.of("GET", "/", "seconds=301", null).intParam("seconds", 30, 1, 300));
        assertEquals(400, range.status);
        assertEquals("?seconds=301 is not valid: expected a whole number from 1 to 300", range.getMessage());
        assertThrows(HttpFailure.class, () -> Request.of("GET", "/", "seconds=abc", null).intParam("seconds", 30, 1, 300));
        assertThrows(HttpFailure.class, () -> Request.of("GET", "/", "a=%zz", null));
        assertThrows(HttpFailure.class, () -> Request.of("GET", "/", "all=perhaps", null).flag("all"));
        assertTrue(Request.of("GET", "/", "format=json", null).wantsJson());
        assertFalse(Request.of("GET", "/", "format=text", Map.of("Accept", List.of("application/json"))).wantsJson());
        assertEquals(400, assertThrows(HttpFailure.class, () -> Request.of("GET", "/", "format=xml", null).wantsJson()).status);
    }
}
