package dev.forgeperf.profile;

import java.util.List;
import java.util.Locale;

/**
 * A profile kind: which JFR events it is built from and which sample types it carries.
 * <ul>
 *   <li>{@code cpu}: {@code jdk.ExecutionSample}; {@code samples/count}, {@code cpu/nanoseconds} (count × sampling period)</li>
 *   <li>{@code wall}: every thread's time, running or not: {@code jdk.ExecutionSample} and
 *       {@code jdk.NativeMethodSample} (weighted by their period) plus the time threads spent parked,
 *       blocked on a monitor, in {@code Object.wait} or sleeping ({@link #BLOCKED_EVENTS}, weighted by
 *       duration); {@code samples/count} (off-CPU time counted in sampling periods),
 *       {@code wall/nanoseconds}</li>
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
            new SampleType("wall", "nanoseconds"), "jdk.ExecutionSample", "jdk.NativeMethodSample", "jdk.ThreadPark",
            "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait", "jdk.ThreadSleep"),
    ALLOC(List.of(new SampleType("alloc_objects", "count"), new SampleType("alloc_space", "bytes")), 1,
            new SampleType("space", "bytes"), "jdk.ObjectAllocationSample", "jdk.ObjectAllocationInNewTLAB", "jdk.ObjectAllocationOutsideTLAB"),
    LOCK(List.of(new SampleType("contentions", "count"), new SampleType("delay", "nanoseconds")), 1,
            new SampleType("contentions", "count"), "jdk.JavaMonitorEnter"),
    PARK(List.of(new SampleType("contentions", "count"), new SampleType("delay", "nanoseconds")), 1,
            new SampleType("contentions", "count"), "jdk.ThreadPark");

    /**
     * The events a wall profile takes off-CPU time from: a thread in one of these states is not
     * running Java code or native code, so JFR's samplers skip it.
     */
    public static final List<String> BLOCKED_EVENTS = List.of("jdk.ThreadPark", "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait", "jdk.ThreadSleep");

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

    /**
     * JFR settings for a focused recording of this kind, for {@code jdk.jfr.Recording#setSettings}
     * (merge several kinds' maps to record them together): the kind's events with stack traces,
     * sampling every {@code interval} (cpu, wall), allocation samples at up to 1000/s, monitor and
     * park events from 0 ms (the stock settings drop those under 10–20 ms, which hides most real
     * contention), and {@code jdk.ActiveSetting}, from which {@link JfrReader} takes the period.
     */
    public java.util.Map<String, String> settings(java.time.Duration interval) {
        String period = Math.max(1, interval.toMillis()) + " ms";
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("jdk.ActiveSetting#enabled", "true");
        switch (this) {
            case CPU -> {
                m.put("jdk.ExecutionSample#enabled", "true");
                m.put("jdk.ExecutionSample#period", period);
                // JDK 25+ on Linux (JEP 509): samples per thread CPU time; a JVM without the event ignores these
                m.put("jdk.CPUTimeSample#enabled", "true");
                m.put("jdk.CPUTimeSample#throttle", period);
                m.put("jdk.CPUTimeSamplesLost#enabled", "true");
            }
            case WALL -> {
                m.put("jdk.ExecutionSample#enabled", "true");
                m.put("jdk.ExecutionSample#period", period);
                m.put("jdk.NativeMethodSample#enabled", "true");
                m.put("jdk.NativeMethodSample#period", period);
                for (String blocked : BLOCKED_EVENTS) {
                    m.put(blocked + "#enabled", "true");
                    m.put(blocked + "#threshold", "0 ms");
                    m.put(blocked + "#stackTrace", "true");
                }
            }
            case ALLOC -> {
                m.put("jdk.ObjectAllocationSample#enabled", "true");
                m.put("jdk.ObjectAllocationSample#throttle", "1000/s");
                m.put("jdk.ObjectAllocationSample#stackTrace", "true");
            }
            case LOCK, PARK -> {
                String event = this == LOCK ? "jdk.JavaMonitorEnter" : "jdk.ThreadPark";
                m.put(event + "#enabled", "true");
                m.put(event + "#threshold", "0 ms");
                m.put(event + "#stackTrace", "true");
            }
        }
        return m;
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
