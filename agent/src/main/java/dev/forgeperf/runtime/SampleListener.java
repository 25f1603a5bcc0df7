package dev.forgeperf.runtime;

/**
 * Told about each sample on the sampler thread, right after it is stored (e.g. snapshot triggers).
 * It runs on every tick: it must be quick, must not block, and should not allocate.
 */
@FunctionalInterface
public interface SampleListener {
    /**
     * @param uptimeMillis the sample's JVM uptime
     * @param sample one value per {@link Series}, indexed by ordinal ({@code NaN}: unknown); valid
     *     only during the call: read it, do not keep or change it
     */
    void sampled(long uptimeMillis, double[] sample);
}
