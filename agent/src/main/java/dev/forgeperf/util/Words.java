package dev.forgeperf.util;

/** Small helpers for text meant for people. */
public final class Words {
    private Words() {
    }

    /** {@code 1 method}, {@code 2 methods}, {@code 0 classes}: a count with its noun in the right number. */
    public static String count(long n, String singular) {
        if (n == 1) {
            return "1 " + singular;
        }
        String plural = singular.endsWith("s") || singular.endsWith("x") || singular.endsWith("ch") || singular.endsWith("sh")
                ? singular + "es" : singular + "s";
        return n + " " + plural;
    }
}
