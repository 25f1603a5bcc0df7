package dev.forgeperf.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.forgeperf.util.Json;

/** One complete answer: status, content type, body and extra headers. Built whole before anything is sent. */
final class Reply {
    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json";
    static final String HTML = "text/html; charset=utf-8";
    static final String BINARY = "application/octet-stream";

    final int status;
    final String contentType;
    final byte[] body;
    final Map<String, String> headers = new LinkedHashMap<>();

    Reply(int status, String contentType, byte[] body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
    }

    static Reply text(int status, String text) {
        return new Reply(status, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code value} as pretty-printed JSON (the form the CLI's {@code --json} prints). */
    static Reply json(int status, Object value) {
        return new Reply(status, JSON, (Json.write(value) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static Reply html(String page) {
        return new Reply(200, HTML, page.getBytes(StandardCharsets.UTF_8));
    }

    /** An error: its one line, as text. */
    static Reply error(int status, String message) {
        return text(status, "forge-perf: " + message + "\n");
    }

    Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
