package dev.forgeperf.profile;

import java.util.List;
import java.util.Locale;

/**
 * A profile kind: which JFR events it is built from (with the settings a focused recording gives
 * them), how {@link JfrReader} weighs them ({@link Weighting}), which sample types it carries and
 * its help line. Adding a kind is adding one entry here: {@code forge-perf profile <id>},
 * {@code /api/profile?kind=}, {@link #of}, the focused recording's settings and the reader follow
 * from it (a new {@link Weighting} or {@link Role} is the only change elsewhere, in the reader's
 * {@code EventSlots}, {@code ChunkReader} and {@code RawColumns}).
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
 *   <li>{@code live}: {@code jdk.OldObjectSample} (read by {@link LiveObjects}); {@code inuse_objects/count},
 *       {@code inuse_space/bytes} of the sampled objects still live when the recording ended</li>
 * </ul>
 */
public enum Kind {
    CPU(Weighting.CPU, List.of(new SampleType("samples", "count"), new SampleType("cpu", "nanoseconds")), 0,
            new SampleType("cpu", "nanoseconds"),
            List.of("On-CPU samples (jdk.CPUTimeSample on JDK 25+, else jdk.ExecutionSample): where CPU time goes.",
                    "Each thread's samples are scaled to the CPU time it used (ThreadMXBean); the header says by how much.",
                    "The table gives each function's CPU time (self, total) sorted by self; CPU time without samples is a row too."),
            Event.sampled("jdk.ExecutionSample", Role.EXECUTION_SAMPLE, "period"),
            // JDK 25+ on Linux (JEP 509): samples per thread CPU time; a JVM without the event ignores these
            Event.sampled("jdk.CPUTimeSample", Role.CPU_TIME_SAMPLE, "throttle"),
            new Event("jdk.CPUTimeSamplesLost", Role.CPU_TIME_LOST, "enabled", "true")),
    WALL(Weighting.WALL, List.of(new SampleType("samples", "count"), new SampleType("wall", "nanoseconds")), 0,
            new SampleType("wall", "nanoseconds"),
            List.of("Wall-clock time of every thread: running, native, parked, blocked, waiting or sleeping.",
                    "Samples of running and native threads plus the waits' durations (waits still going on at the end from a thread dump);"
                            + " a running thread's samples are scaled to the time it did not wait (JFR rarely samples a thread waiting for a CPU)."),
            Event.sampled("jdk.ExecutionSample", Role.EXECUTION_SAMPLE, "period"),
            Event.sampled("jdk.NativeMethodSample", Role.NATIVE_SAMPLE, "period"),
            Event.everyOne("jdk.ThreadPark", Role.BLOCKED),
            Event.everyOne("jdk.JavaMonitorEnter", Role.BLOCKED),
            Event.everyOne("jdk.JavaMonitorWait", Role.BLOCKED),
            Event.everyOne("jdk.ThreadSleep", Role.BLOCKED)),
    ALLOC(Weighting.ALLOCATION, List.of(new SampleType("alloc_objects", "count"), new SampleType("alloc_space", "bytes")), 1,
            new SampleType("space", "bytes"),
            List.of("Allocation samples (jdk.ObjectAllocationSample): where memory is allocated."),
            new Event("jdk.ObjectAllocationSample", Role.ALLOCATION_SAMPLE, "enabled", "true", "throttle", "1000/s", "stackTrace", "true"),
            // read from older recordings, not recorded
            new Event("jdk.ObjectAllocationInNewTLAB", Role.NEW_TLAB),
            new Event("jdk.ObjectAllocationOutsideTLAB", Role.OUTSIDE_TLAB)),
    LOCK(Weighting.CONTENTION, List.of(new SampleType("contentions", "count"), new SampleType("delay", "nanoseconds")), 1,
            new SampleType("contentions", "count"),
            List.of("Contended monitor entries (jdk.JavaMonitorEnter, no threshold): where threads wait for locks."),
            Event.everyOne("jdk.JavaMonitorEnter", Role.CONTENDED)),
    PARK(Weighting.CONTENTION, List.of(new SampleType("contentions", "count"), new SampleType("delay", "nanoseconds")), 1,
            new SampleType("contentions", "count"),
            List.of("Thread parking (jdk.ThreadPark, no threshold): where threads block in j.u.c. locks and queues."),
            Event.everyOne("jdk.ThreadPark", Role.CONTENDED)),
    LIVE(Weighting.LIVE, List.of(new SampleType("inuse_objects", "count"), new SampleType("inuse_space", "bytes")), 1,
            new SampleType("space", "bytes"),
            List.of("Live objects sampled by JFR (jdk.OldObjectSample) at their allocation stacks: what holds memory now.",
                    "A sample (the JVM keeps at most 256 objects, old-object-queue-size), sizes not scaled; --gc first for only live ones.",
                    "The table gives each allocation site's sampled objects and bytes; with --roots, the GC roots holding the top sites."),
            new Event("jdk.OldObjectSample", Role.OLD_OBJECT, "enabled", "true", "stackTrace", "true", "cutoff", "0 ns"));

    /**
     * The events a wall profile takes off-CPU time from: a thread in one of these states is not
     * running Java code or native code, so JFR's samplers skip it ({@link #WALL}'s events of role
     * {@link Role#BLOCKED}).
     */
    public static final List<String> BLOCKED_EVENTS = WALL.events(Role.BLOCKED);

    /**
     * What {@link JfrReader} does with one event type: which raw columns it adds to. The reader
     * resolves an event type's role once per chunk, never per event.
     */
    enum Role {
        /** A sample of a running thread, weighted by the period in force ({@code jdk.ExecutionSample}). */
        EXECUTION_SAMPLE,
        /** A sample of a thread in native code, weighted by the period in force. */
        NATIVE_SAMPLE,
        /** A sample that weighs its {@code samplingPeriod} of CPU time ({@code jdk.CPUTimeSample}). */
        CPU_TIME_SAMPLE,
        /** A count of CPU-time samples lost ({@code lostSamples}). */
        CPU_TIME_LOST,
        /** An allocation sample weighing its {@code weight} in bytes. */
        ALLOCATION_SAMPLE,
        /** A TLAB allocated ({@code tlabSize}), counted when a recording has no allocation samples. */
        NEW_TLAB,
        /** An allocation outside a TLAB ({@code allocationSize}), as {@link #NEW_TLAB}. */
        OUTSIDE_TLAB,
        /** A wait: one contention, its duration the delay. */
        CONTENDED,
        /** A wait of a thread off the CPU: its duration (within the profile's window) is wall time. */
        BLOCKED,
        /** A sampled object still live at the end of the recording ({@link LiveObjects} reads these, not {@link JfrReader}). */
        OLD_OBJECT
    }

    /**
     * How the reader turns a kind's raw columns into its sample types ({@code RawColumns.finish}):
     * each is implemented once, so a new kind that weighs its events as an existing one does is one
     * entry in {@link Kind}.
     */
    enum Weighting {
        /** Samples weighted by their period, or CPU-time samples; calibrated to the threads' CPU time when measured. */
        CPU(5),
        /** Samples of running and native threads weighted by their period plus the blocked events' durations. */
        WALL(7),
        /** Allocation samples (count, bytes), else the TLAB events. */
        ALLOCATION(4),
        /** Waits: count and total duration. */
        CONTENTION(2),
        /** Sampled live objects: count and size ({@link LiveObjects}). */
        LIVE(2);

        /** The raw columns the reader adds to while reading. */
        final int rawWidth;

        Weighting(int rawWidth) {
            this.rawWidth = rawWidth;
        }

        /** Whether samples wait for their chunk's period (jdk.ActiveSetting) to be weighted. */
        boolean sampled() {
            return this == CPU || this == WALL;
        }
    }

    /**
     * One event type a kind reads: its JFR name, what the reader does with it, and the JFR settings
     * a focused recording gives it ({@code key, value} pairs; {@link #INTERVAL} stands for the
     * sampling period; none: read from recordings, not recorded).
     */
    record Event(String name, Role role, String... settings) {
        /** Stands for the focused recording's sampling period in {@link #settings}. */
        static final String INTERVAL = "\u0000interval";

        /** A sampler, sampling every interval ({@code period} or {@code throttle}). */
        static Event sampled(String name, Role role, String rateKey) {
            return new Event(name, role, "enabled", "true", rateKey, INTERVAL);
        }

        /** Every event with its stack, from 0 ms (the stock settings drop those under 10-20 ms, which hides most real contention). */
        static Event everyOne(String name, Role role) {
            return new Event(name, role, "enabled", "true", "threshold", "0 ms", "stackTrace", "true");
        }
    }

    private final Weighting weighting;
    private final List<SampleType> sampleTypes;
    private final int primary;
    private final SampleType periodType;
    private final List<Event> events;
    private final List<String> help;

    Kind(Weighting weighting, List<SampleType> sampleTypes, int primary, SampleType periodType, List<String> help, Event... events) {
        this.weighting = weighting;
        this.help = help;
        this.sampleTypes = sampleTypes;
        this.primary = primary;
        this.periodType = periodType;
        this.events = List.of(events);
    }

    /** What {@code forge-perf profile <id> --help} says of this kind, one line per entry. */
    public List<String> help() {
        return help;
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
        return events.stream().map(Event::name).toList();
    }

    /** The events of this kind and their roles, for {@link JfrReader}. */
    List<Event> eventRoles() {
        return events;
    }

    Weighting weighting() {
        return weighting;
    }

    List<String> events(Role role) {
        return events.stream().filter(e -> e.role() == role).map(Event::name).toList();
    }

    /** Whether a focused recording of this kind measures the threads' CPU time for calibration ({@link ProfileOptions#withCalibration}). */
    public boolean measuresCpuTime() {
        return weighting == Weighting.CPU;
    }

    /**
     * Whether a focused recording of this kind reads the threads' clocks at its start and end
     * ({@link CpuCalibration}): cpu profiles are scaled to them, wall profiles' running threads to
     * the time they did not wait ({@link WallCalibrator}).
     */
    public boolean readsThreadClocks() {
        return weighting == Weighting.CPU || weighting == Weighting.WALL;
    }

    /** Whether a focused recording of this kind notes the threads waiting at its end ({@link ProfileOptions#withWaiting}). */
    public boolean measuresWaiting() {
        return weighting == Weighting.WALL;
    }

    /**
     * JFR settings for a focused recording of this kind, for {@code jdk.jfr.Recording#setSettings}
     * (merge several kinds' maps to record them together): the kind's events with their settings
     * ({@link Event}), sampling every {@code interval}, and {@code jdk.ActiveSetting}, from which
     * {@link JfrReader} takes the period.
     */
    public java.util.Map<String, String> settings(java.time.Duration interval) {
        String period = Math.max(1, interval.toMillis()) + " ms";
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("jdk.ActiveSetting#enabled", "true");
        for (Event e : events) {
            for (int i = 0; i + 1 < e.settings().length; i += 2) {
                String value = e.settings()[i + 1];
                m.put(e.name() + "#" + e.settings()[i], Event.INTERVAL.equals(value) ? period : value);
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
        throw new IllegalArgumentException("unknown profile kind '" + name + "'; use " + names());
    }

    /** The kinds as users type them, for messages: {@code cpu, wall, alloc, lock or park}. */
    public static String names() {
        Kind[] all = values();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < all.length; i++) {
            b.append(i == 0 ? "" : i == all.length - 1 ? " or " : ", ").append(all[i].id());
        }
        return b.toString();
    }
}
