package dev.forgeperf.profile;

import java.util.regex.Pattern;

/**
 * How to turn recorded events into a profile.
 *
 * @param threads       put the thread name at the root of every stack
 * @param include       keep only samples with a frame ({@code pkg.Class.method}) this pattern finds; null: all
 * @param exclude       drop samples with a frame this pattern finds; null: none
 * @param from          keep events that start at or after this time (see {@link TimeBound}); null: from the start
 * @param to            keep events that start before this time; null: to the end
 * @param intervalNanos the sampling period of {@code jdk.ExecutionSample} when known to the caller; 0: take it
 *                      from the recording's {@code jdk.ActiveSetting} events, else 20 ms
 * @param calibration   for a cpu or wall profile: the CPU time the threads were measured to use over the recording
 *                      (each thread's samples are scaled to it); null: none measured (the samples are an estimate)
 * @param waiting       for a wall profile: the threads waiting when the recording ended (their wait has no JFR
 *                      event yet); null: unknown
 * @param minDurationNanos for lock and park profiles: leave out waits shorter than this (a recording's threshold,
 *                      so that events another recording with a lower threshold put in the same stream are not counted); 0: all
 * @param calls         keep only what threads did inside these calls (a latency profile's slow calls): samples
 *                      taken inside one, the part of each wait that overlaps them; null: everything
 */
public record ProfileOptions(boolean threads, Pattern include, Pattern exclude, String from, String to, long intervalNanos,
        CpuCalibration calibration, WaitingThreads waiting, long minDurationNanos, CallWindows calls) {
    /** All samples, no thread roots, the whole recording. */
    public static final ProfileOptions DEFAULT = new ProfileOptions(false, null, null, null, null, 0, null, null, 0, null);

    public ProfileOptions withThreads(boolean value) {
        return new ProfileOptions(value, include, exclude, from, to, intervalNanos, calibration, waiting, minDurationNanos, calls);
    }

    public ProfileOptions withInclude(String regex) {
        return new ProfileOptions(threads, compile(regex, "--include"), exclude, from, to, intervalNanos, calibration, waiting, minDurationNanos, calls);
    }

    public ProfileOptions withExclude(String regex) {
        return new ProfileOptions(threads, include, compile(regex, "--exclude"), from, to, intervalNanos, calibration, waiting, minDurationNanos, calls);
    }

    public ProfileOptions withWindow(String fromTime, String toTime) {
        return new ProfileOptions(threads, include, exclude, fromTime, toTime, intervalNanos, calibration, waiting, minDurationNanos, calls);
    }

    public ProfileOptions withInterval(long nanos) {
        return new ProfileOptions(threads, include, exclude, from, to, nanos, calibration, waiting, minDurationNanos, calls);
    }

    public ProfileOptions withCalibration(CpuCalibration value) {
        return new ProfileOptions(threads, include, exclude, from, to, intervalNanos, value, waiting, minDurationNanos, calls);
    }

    public ProfileOptions withWaiting(WaitingThreads value) {
        return new ProfileOptions(threads, include, exclude, from, to, intervalNanos, calibration, value, minDurationNanos, calls);
    }

    public ProfileOptions withMinDuration(long nanos) {
        return new ProfileOptions(threads, include, exclude, from, to, intervalNanos, calibration, waiting, nanos, calls);
    }

    /** Only what threads did inside {@code value}'s calls (see {@link CallWindows}). */
    public ProfileOptions withCalls(CallWindows value) {
        return new ProfileOptions(threads, include, exclude, from, to, intervalNanos, calibration, waiting, minDurationNanos, value);
    }

    private static Pattern compile(String regex, String option) {
        if (regex == null) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalArgumentException(option + " '" + regex + "' is not a regular expression: " + e.getDescription());
        }
    }
}
