package dev.forgeperf.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the server answers with an error: the status and one line for the user (what went
 * wrong and what to do), optionally extra headers such as {@code Allow} or {@code Retry-After}.
 */
final class HttpFailure extends Exception {
    private static final long serialVersionUID = 1L;

    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();

    HttpFailure(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    HttpFailure header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    static HttpFailure badRequest(String message) {
        return new HttpFailure(400, message);
    }

    /** The heap is too full for the work asked: 503, the refusal's line, and a retry in a minute. */
    static HttpFailure heapRefused(dev.forgeperf.runtime.HeapGuard.Refused refused) {
        return new HttpFailure(503, refused.getMessage()).header("Retry-After", "60");
    }
}
