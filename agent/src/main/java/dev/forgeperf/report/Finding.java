package dev.forgeperf.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One thing a report wants a person to look at: how bad it is, what kind of problem, a sentence,
 * and optional detail lines (the deadlock's locks, the other hot methods).
 */
public record Finding(Severity severity, String kind, String message, List<String> details) {
    /** How bad: critical (act now: deadlock, unhealthy), warning (a trend or pressure to look into), info. */
    public enum Severity { critical, warning, info }

    public Finding {
        details = List.copyOf(details);
    }

    static Finding of(Severity severity, String kind, String message) {
        return new Finding(severity, kind, message, List.of());
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("severity", severity.name());
        m.put("kind", kind);
        m.put("message", message);
        m.put("details", details);
        return m;
    }
}
