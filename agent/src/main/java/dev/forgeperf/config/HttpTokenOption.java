package dev.forgeperf.config;

/** The {@code http.token} option's rule (moved here from {@code http.HttpToken} so that options do not depend on HTTP). */
public final class HttpTokenOption {
    /** Shortest token the {@code http.token} option accepts. */
    static final int MIN_LENGTH = 16;

    private HttpTokenOption() {
    }

    /**
     * Checks an {@code http.token} option value.
     *
     * @throws IllegalArgumentException saying what is expected
     */
    public static void check(String token) {
        if (token.length() < MIN_LENGTH || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("expected at least " + MIN_LENGTH + " printable ASCII characters without spaces");
        }
    }
}
