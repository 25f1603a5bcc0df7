package dev.forgeperf.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** How an endpoint's outcome becomes the answer: failures are one line, and the agent logs each kind once. */
class AnswerTest {
    @Test
    void anExceptionIsA500WithOneLineLoggedOnce() {
        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        Reply first;
        Reply second;
        Reply error;
        try {
            first = HttpRouter.answer("GET", "/answer-test", () -> {
                throw new IllegalStateException("boom\nsecond line");
            });
            second = HttpRouter.answer("GET", "/answer-test", () -> {
                throw new IllegalStateException("again");
            });
            error = HttpRouter.answer("GET", "/answer-test", () -> {
                throw new StackOverflowError();
            });
        } finally {
            System.setErr(err);
        }
        assertEquals(500, first.status);
        assertEquals("forge-perf: GET /answer-test failed in the agent: java.lang.IllegalStateException: boom\n",
                new String(first.body, StandardCharsets.UTF_8));
        assertEquals(500, second.status);
        assertEquals(500, error.status, "even an Error stays inside");
        String logged = log.toString(StandardCharsets.UTF_8);
        assertEquals(2, logged.lines().filter(l -> l.startsWith("[forge-perf] HTTP GET /answer-test failed")).count(), logged);
        assertTrue(logged.contains("IllegalStateException: boom"), logged);
    }

    @Test
    void aFailureKeepsItsStatusLineAndHeaders() {
        Reply r = HttpRouter.answer("GET", "/x", () -> {
            throw new HttpFailure(429, "busy").header("Retry-After", "5");
        });
        assertEquals(429, r.status);
        assertEquals("forge-perf: busy\n", new String(r.body, StandardCharsets.UTF_8));
        assertEquals("5", r.headers.get("Retry-After"));
        Reply ok = HttpRouter.answer("GET", "/x", () -> Reply.text(200, "fine\n"));
        assertEquals(200, ok.status);
    }
}
