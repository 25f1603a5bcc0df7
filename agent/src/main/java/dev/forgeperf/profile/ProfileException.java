package dev.forgeperf.profile;

/**
 * Input that cannot be read as a profile: the message is one line meant for the user, such as
 * {@code x.jfr: not a JFR file} or {@code x.jfr: truncated at byte 4096 (…)}.
 */
public final class ProfileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProfileException(String message) {
        super(message);
    }

    public ProfileException(String message, Throwable cause) {
        super(message, cause);
    }
}
