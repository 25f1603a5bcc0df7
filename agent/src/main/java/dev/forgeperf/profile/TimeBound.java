package dev.forgeperf.profile;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

import dev.forgeperf.util.Durations;

/**
 * A {@code --from}/{@code --to} time as users write it, resolved against the recording's start:
 * <ul>
 *   <li>a duration after the start: {@code 30s}, {@code 2m}, {@code 1500ms};</li>
 *   <li>an instant: {@code 2025-01-31T10:15:00Z} or with an offset {@code …+02:00};</li>
 *   <li>a local date-time {@code 2025-01-31T10:15:00} or a local time {@code 10:15[:30]} (on the
 *       recording's start date), in this machine's time zone.</li>
 * </ul>
 */
public final class TimeBound {
    private TimeBound() {
    }

    /**
     * Nanoseconds since the epoch of {@code text}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static long resolve(String text, long recordingStartEpochNanos, ZoneId zone) {
        String s = text.trim();
        try {
            if (!s.isEmpty() && Character.isDigit(s.charAt(0)) && s.indexOf(':') < 0 && s.indexOf('-') < 0) {
                return recordingStartEpochNanos + Durations.parseNanos(s);
            }
            if (s.indexOf('T') > 0) {
                if (s.endsWith("Z") || s.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                    return nanos(OffsetDateTime.parse(s).toInstant());
                }
                return nanos(LocalDateTime.parse(s).atZone(zone).toInstant());
            }
            LocalTime t = LocalTime.parse(s);
            LocalDate day = Instant.ofEpochSecond(0, recordingStartEpochNanos).atZone(zone).toLocalDate();
            return nanos(day.atTime(t).atZone(zone).toInstant());
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a time; write a duration after the recording's start (30s, 2m), "
                    + "an instant (2025-01-31T10:15:00Z) or a local time (10:15:30)");
        }
    }

    static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
