package dev.forgeperf.profile;

import java.util.List;

/**
 * The raw columns a reader adds a kind's events to, and how they turn into the kind's sample types
 * ({@link #finish}). Each {@link Kind.Weighting} has its own layout, {@link Kind.Weighting#rawWidth}
 * wide, of counts and sums that keep apart what the end must tell apart:
 * <ul>
 *   <li>{@code CPU}: execution samples, their nanoseconds and the samples pending their chunk's period
 *       ({@link SamplingPeriods}); {@code jdk.CPUTimeSample}s and their {@code samplingPeriod}s. A recording
 *       with CPU-time samples is read from those alone.</li>
 *   <li>{@code WALL}: execution and native method samples, the off-CPU nanoseconds of waits, the samples'
 *       nanoseconds and pending counts.</li>
 *   <li>{@code ALLOCATION}: allocation samples and their bytes; TLAB events and their bytes. The two
 *       are never added up (they describe the same allocations): a recording with allocation samples is
 *       read from those alone.</li>
 *   <li>{@code CONTENTION}: waits and their nanoseconds.</li>
 * </ul>
 *
 * <p>Per event: one method per event role, one or two adds on the profile, no allocation. The
 * profile is the reader's own, keyed by the call-tree node the event's stack resolved to.
 *
 * <p>Not thread-safe: one per reader of chunks; parallel readers' counts are merged with
 * {@link #absorb} (their profiles by {@link Profile#addAll}) before {@link #finish}.
 */
final class RawColumns {
    // raw columns of a cpu profile: execution samples, their nanoseconds (weighted at the chunk's end), pending; CPU-time samples, nanoseconds
    private static final int CPU_EXEC_SAMPLES = 0;
    private static final int CPU_EXEC_NANOS = 1;
    private static final int CPU_EXEC_PENDING = 2;
    private static final int CPU_TIME_SAMPLES = 3;
    private static final int CPU_TIME_NANOS = 4;
    // raw columns of a wall profile: execution and native samples, off-CPU nanoseconds, the samples' nanoseconds and pending
    /**
     * What a wall profile's running part does not hold. JFR's sampler stops a thread to walk its stack
     * and gives up after 2 ms when the thread does not stop, which a thread waiting for a CPU cannot;
     * and it takes one native sample per period for all threads in native code. Measured on 2 busy
     * cores (JDK 17): a thread runnable the whole 4 s showed 1.1-3.1 s (its on-CPU time within 10%),
     * a thread in epoll_wait 1 s of 4.
     */
    static final String WALL_RUNNING_UNDERSTATED = "estimate, low for running threads: their samples count time on a CPU (JFR skips a thread"
            + " that is runnable but waiting for a CPU, and takes one native-method sample per period among all threads in native code),"
            + " so on busy cores a running thread shows less than its wall time; waits are measured in full";
    private static final int WALL_EXEC_SAMPLES = 0;
    private static final int WALL_NATIVE_SAMPLES = 1;
    private static final int WALL_OFF_CPU_NANOS = 2;
    private static final int WALL_EXEC_NANOS = 3;
    private static final int WALL_NATIVE_NANOS = 4;
    private static final int WALL_EXEC_PENDING = 5;
    private static final int WALL_NATIVE_PENDING = 6;

    private final Kind kind;
    private final Kind.Weighting weighting;
    private final ProfileOptions options;
    /** Whether the profile has a root per thread to scale to {@link ProfileOptions#calibration()} (cpu and wall). */
    private final boolean calibrating;
    private final Profile profile;
    private final SamplingPeriods periods;
    /** The raw column an execution sample counts in (it differs between cpu and wall), resolved once per reader. */
    private final int execSamples;
    private long cpuTimeSamples;
    private long failedCpuTimeSamples;
    private long lostCpuTimeSamples;
    private boolean sawAllocationSample;

    /** Columns of {@code kind} in {@code profile} (made with {@link #types}), its samples weighted by {@code periods}. */
    RawColumns(Kind kind, Profile profile, SamplingPeriods periods, ProfileOptions options, boolean calibrating) {
        this.profile = profile;
        this.periods = periods;
        this.kind = kind;
        this.weighting = kind.weighting();
        this.execSamples = weighting == Kind.Weighting.CPU ? CPU_EXEC_SAMPLES : WALL_EXEC_SAMPLES;
        this.options = options;
        this.calibrating = calibrating;
    }

    /**
     * The sampling periods that weigh the samples of a raw profile of {@code weighting}: which of its
     * columns hold the execution (and native) samples pending and their nanoseconds.
     */
    static SamplingPeriods periods(Profile profile, Kind.Weighting weighting, ProfileOptions options) {
        boolean cpu = weighting == Kind.Weighting.CPU;
        return new SamplingPeriods(profile, weighting, options, cpu ? CPU_EXEC_PENDING : WALL_EXEC_PENDING, cpu ? CPU_EXEC_NANOS : WALL_EXEC_NANOS,
                WALL_NATIVE_PENDING, WALL_NATIVE_NANOS);
    }

    /** The sample types of a raw profile of {@code weighting}: {@code raw0} … as many as its columns. */
    static List<SampleType> types(Kind.Weighting weighting) {
        int width = weighting.rawWidth;
        SampleType[] raw = new SampleType[width];
        for (int i = 0; i < width; i++) {
            raw[i] = new SampleType("raw" + i, "count");
        }
        return List.of(raw);
    }

    /** A {@code jdk.ExecutionSample} at {@code node}. */
    void execution(int node) {
        profile.add(node, execSamples, 1);
        periods.execution(node);
    }

    /** A {@code jdk.NativeMethodSample} at {@code node} (wall). */
    void nativeSample(int node) {
        profile.add(node, WALL_NATIVE_SAMPLES, 1);
        periods.nativeSample(node);
    }

    /** A {@code jdk.CPUTimeSample} at {@code node}, weighing {@code samplingPeriod} nanoseconds; {@code failed}: taken without a stack. */
    void cpuTime(int node, long samplingPeriod, boolean failed) {
        cpuTimeSamples++;
        if (failed) {
            failedCpuTimeSamples++;
        }
        profile.add(node, CPU_TIME_SAMPLES, 1);
        profile.add(node, CPU_TIME_NANOS, Math.max(0, samplingPeriod));
    }

    /** A {@code jdk.CPUTimeSamplesLost} event's count. */
    void lostCpuTime(long lostSamples) {
        lostCpuTimeSamples += Math.max(0, lostSamples);
    }

    /** A {@code jdk.ObjectAllocationSample} at {@code node}, weighing {@code bytes}. */
    void allocation(int node, long bytes) {
        sawAllocationSample = true;
        profile.add(node, 0, 1);
        profile.add(node, 1, bytes);
    }

    /** A TLAB event at {@code node} (a new TLAB or an allocation outside one) of {@code bytes}. */
    void tlab(int node, long bytes) {
        profile.add(node, 2, 1);
        profile.add(node, 3, bytes);
    }

    /** A contention at {@code node} that lasted {@code nanos}. */
    void contended(int node, long nanos) {
        profile.add(node, 0, 1);
        profile.add(node, 1, nanos);
    }

    /** A wait at {@code node} (wall) of which {@code nanos} fell in the profile's window. */
    void offCpu(int node, long nanos) {
        profile.add(node, WALL_OFF_CPU_NANOS, nanos);
    }

    /** Adds the counts another reader (of other chunks of the same file) kept beside its profile. */
    void absorb(RawColumns other) {
        cpuTimeSamples += other.cpuTimeSamples;
        failedCpuTimeSamples += other.failedCpuTimeSamples;
        lostCpuTimeSamples += other.lostCpuTimeSamples;
        sawAllocationSample |= other.sawAllocationSample;
    }

    /**
     * Turns the raw columns into the kind's sample types, now that the periods are known, and says in
     * the profile's comments where its values come from. A cpu profile read with a calibration is then
     * scaled by {@link CpuCalibrator}; a wall profile gets the waits still going on at the end of the
     * window ({@link WaitsInProgress#addWaiters}) and, read with a calibration, its running threads
     * scaled to the time they did not wait ({@link WallCalibrator}). Called once, after the last chunk (and after
     * the parallel readers' columns were absorbed).
     *
     * @return the profile: the one given to the constructor, or the calibrated one
     */
    Profile finish(StackInterner stacks, WaitsInProgress inProgress, long windowStart, long windowEnd) {
        Profile profile = this.profile;
        long period = periods.mainPeriod();
        boolean fromSamples = sawAllocationSample;
        boolean cpuTime = cpuTimeSamples > 0;
        String waiters = null;
        WallCalibrator.Result wallScaled = null;
        if (weighting == Kind.Weighting.WALL) {
            waiters = inProgress.addWaiters(profile, WALL_OFF_CPU_NANOS, windowStart, windowEnd);
            // without the thread dump of the end, the waits going on then are missing: the window less the waits would overstate
            if (calibrating && options.waiting() != null) {
                wallScaled = WallCalibrator.scaleRunning(profile, options.calibration(), windowEnd - windowStart, new int[] {WALL_EXEC_SAMPLES},
                        new int[] {WALL_EXEC_NANOS}, WALL_NATIVE_SAMPLES, WALL_OFF_CPU_NANOS);
            }
        }
        switch (weighting) {
            case CPU -> profile.remap(kind.sampleTypes(), kind.primary(), (raw, out) -> {
                out[0] = cpuTime ? raw[CPU_TIME_SAMPLES] : raw[CPU_EXEC_SAMPLES];
                out[1] = cpuTime ? raw[CPU_TIME_NANOS] : raw[CPU_EXEC_NANOS];
            });
            case WALL -> profile.remap(kind.sampleTypes(), kind.primary(), (raw, out) -> {
                // time off the CPU counts as the samples a sampler of every thread would have taken
                out[0] = raw[WALL_EXEC_SAMPLES] + raw[WALL_NATIVE_SAMPLES] + Math.round(raw[WALL_OFF_CPU_NANOS] / (double) period);
                out[1] = raw[WALL_EXEC_NANOS] + raw[WALL_NATIVE_NANOS] + raw[WALL_OFF_CPU_NANOS];
            });
            case ALLOCATION -> profile.remap(kind.sampleTypes(), kind.primary(), (raw, out) -> {
                out[0] = fromSamples ? raw[0] : raw[2];
                out[1] = fromSamples ? raw[1] : raw[3];
            });
            case CONTENTION -> profile.remap(kind.sampleTypes(), kind.primary(), (raw, out) -> {
                out[0] = raw[0];
                out[1] = raw[1];
            });
        }
        switch (weighting) {
            case CPU, WALL -> {
                if (weighting == Kind.Weighting.CPU && cpuTime) {
                    profile.addComment("CPU time from jdk.CPUTimeSample (JEP 509, each sample weighs its sampling period): "
                            + cpuTimeSamples + " samples, " + failedCpuTimeSamples + " without a stack (failed), "
                            + lostCpuTimeSamples + " lost (jdk.CPUTimeSamplesLost)");
                } else {
                    profile.addComment("jdk.ExecutionSample" + (weighting == Kind.Weighting.WALL ? "/NativeMethodSample" : "")
                            + " weighted by the period in force when taken: " + periods.text());
                }
                if (weighting == Kind.Weighting.CPU) {
                    if (calibrating) {
                        profile = CpuCalibrator.calibrate(profile, options.calibration(), kind, options, stacks.filteredFrame());
                    } else {
                        profile.addComment("estimate: not calibrated to the threads' CPU time (JFR's execution sampler takes a few threads"
                                + " per period, runnable ones too; profile a live JVM with `profile cpu` for calibrated numbers)");
                    }
                }
                if (weighting == Kind.Weighting.WALL) {
                    profile.addComment("off-CPU time from " + String.join(", ", kind.events(Kind.Role.BLOCKED))
                            + " (waits under each event's recording threshold are missing: none with `profile wall`, which"
                            + " records from 0 ms; under 10-20 ms in the JDK's default settings)");
                    profile.addComment(waiters);
                    if (calibrating) { // one root per thread: named roots with --threads, else none
                        Profile named = new Profile(kind.sampleTypes(), kind.primary());
                        CpuCalibrator.copyWithoutThreadRoots(profile, named, options.threads(), stacks.filteredFrame(),
                                CpuCalibrator.threadRoots(profile), null, 0);
                        profile.comments().forEach(named::addComment);
                        profile = named;
                    }
                    if (wallScaled != null) {
                        profile.addComment(wallScaled.sentence());
                    }
                    if (wallScaled == null || wallScaled.scaled() == 0) {
                        profile.addComment(WALL_RUNNING_UNDERSTATED);
                    }
                }
                profile.setPeriod(kind.periodType(), period);
            }
            case ALLOCATION -> {
                profile.setPeriod(kind.periodType(), 0);
                profile.addComment(fromSamples ? "from jdk.ObjectAllocationSample (weight in bytes)"
                        : "from jdk.ObjectAllocationInNewTLAB/OutsideTLAB");
            }
            case CONTENTION -> profile.setPeriod(kind.periodType(), 1);
        }
        if (stacks.ownLeafSamples() > 0) {
            profile.addComment(stacks.ownLeafSamples() + " allocation samples in forge-perf's own code (its recorder's slow-call events) left out");
        }
        if (stacks.foldedSamples() > 0) {
            profile.addComment("forge-perf's own frames (timing advice, recorder) folded into their callers in " + stacks.foldedSamples() + " samples");
        }
        return profile;
    }
}
