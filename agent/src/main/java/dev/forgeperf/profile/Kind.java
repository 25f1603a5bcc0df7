package dev.forgeperf.profile;

import java.util.List;
import java.util.Locale;

/**
 * A profile kind: which JFR events it is built from and which sample types it carries.
 * <ul>
 *   <li>{@code cpu}: {@code jdk.ExecutionSample}; {@code samples/count}, {@code cpu/nanoseconds} (count × sampling period)</li>
 *   <li>{@code wall}: {@code jdk.ExecutionSample} and {@code jdk.NativeMethodSample}; {@code samples/count}, {@code wall/nanoseconds}</li>
 *   <li>{@code alloc}: {@code jdk.ObjectAllocationSample} (or, in recordings without it, the TLAB events);
 *       {@code alloc_objects/count}, {@code alloc_space/bytes}</li>
 *   <li>{@code lock}: {@code jdk.JavaMonitorEnter}; {@code contentions/count}, {@code delay/nanoseconds}</li>
 *   <li>{@code park}: {@code jdk.ThreadPark}; {@code contentions/count}, {@code delay/nanoseconds}</li>
 * </ul>
 */
public enum Kind {
    CPU(List.of(new SampleType("samples", "count"), new SampleType("cpu", "nanoseconds")), 0,
            new SampleType("cpu", "nanoseconds"), "jdk.ExecutionSample"),
    WALL(List.of(new SampleType("samples", "count"), new SampleType("wall", "nanoseconds")), 0,
            new SampleType("wall", "nanoseconds"), "jdk.ExecutionSample", "jdk.NativeMethodSample"),
    ALLOC(List.of(new SampleType("alloc_objects", "count"), new SampleType("alloc_space", "bytes")), 1,
            new SampleType("space", "bytes"), "jdk.ObjectAllocationSample", "jdk.ObjectAllocationInNewTLAB", "jdk.ObjectAllocationOutsideTLAB"),
    LOCK(List.of(new SampleType("contentions", "count"), new SampleType("delay", "nanoseconds")), 1,
            new SampleType("contentions", "count"), "jdk.JavaMonitorEnter"),
    PARK(List.of(new SampleType("contentions", "count"), new SampleType("delay", "nanoseconds")), 1,
            new SampleType("contentions", "count"), "jdk.ThreadPark");

    private final List<SampleType> sampleTypes;
    private final int primary;
    private final SampleType periodType;
    private final List<String> events;

    Kind(List<SampleType> sampleTypes, int primary, SampleType periodType, String... events) {
        this.sampleTypes = sampleTypes;
        this.primary = primary;
        this.periodType = periodType;
        this.events = List.of(events);
    }

    /** The sample types of a profile of this kind, in pprof order. */
    public List<SampleType> sampleTypes() {
        return sampleTypes;
    }

    /** The index of the sample type that tables, flame graphs and collapsed stacks show. */
    public int primary() {
        return primary;
    }

    public SampleType periodType() {
        return periodType;
    }

    /** The JFR event types this kind reads. */
    public List<String> events() {
        return events;
    }

    /** The lower-case name users type: {@code cpu}, {@code wall}, {@code alloc}, {@code lock}, {@code park}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a kind as users type it. */
    public static Kind of(String name) {
        for (Kind k : values()) {
            if (k.id().equalsIgnoreCase(name.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown profile kind '" + name + "'; use cpu, wall, alloc, lock or park");
    }
}
