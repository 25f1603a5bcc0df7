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
    /** A body too big to hold in memory (a heap dump): an open file, already unlinked, streamed and then closed; else null. */
    final java.nio.channels.FileChannel stream;
    final long streamBytes;

    Reply(int status, String contentType, byte[] body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.stream = null;
        this.streamBytes = 0;
    }

    private Reply(int status, String contentType, java.nio.channels.FileChannel stream, long bytes) {
        this.status = status;
        this.contentType = contentType;
        this.body = new byte[0];
        this.stream = stream;
        this.streamBytes = bytes;
    }

    /**
     * An answer whose body is {@code bytes} read from {@code stream} (from position 0). The server
     * closes the channel once it has sent it or failed to; the caller should unlink its file first,
     * so nothing is left on disk whatever happens.
     */
    static Reply stream(int status, String contentType, java.nio.channels.FileChannel stream, long bytes) {
        return new Reply(status, contentType, stream, bytes);
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
