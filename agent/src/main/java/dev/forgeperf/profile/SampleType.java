package dev.forgeperf.profile;

/** What a sample value measures, as pprof names it: {@code samples/count}, {@code cpu/nanoseconds}, {@code alloc_space/bytes}. */
public record SampleType(String type, String unit) {
    @Override
    public String toString() {
        return type + "/" + unit;
    }
}
