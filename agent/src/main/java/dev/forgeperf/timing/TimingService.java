package dev.forgeperf.timing;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.forgeperf.bootstrap.MethodStats;
import dev.forgeperf.bootstrap.Recorder;
import dev.forgeperf.bootstrap.TimingSnapshot;

/**
 * Method timing, the face other packages use: installs a spec (checked against the loaded classes
 * first, {@link ClassScope}) as one resettable Byte Buddy transformer ({@link InstalledSpec}),
 * removes a spec by resetting its transformer (retransformation hands the JVM back the original
 * bytecode), and says what is timed. Each timed method has an id in the bootstrap
 * {@link Recorder} ({@link TimedMethods}); a method matched by two specs is timed once, by the
 * first. Rows are named by {@link RowNames}. One instance per agent; the last one created serves
 * the static {@link #snapshots}. Thread-safe: installs and removals are serialized; reads may run
 * beside them.
 */
public final class TimingService {
    /** How a spec is to be installed. */
    public static final class Request {
        public boolean force;
        public boolean allowJdk;
        public boolean pending;
        public int limit = 500;
    }

    /** The outcome of one install, for the user. */
    public static final class Result {
        public final String spec;
        public final List<String> methods = new ArrayList<>();
        public final Set<String> classes = new LinkedHashSet<>();
        public final Map<String, String> failures = new LinkedHashMap<>();
        /** Methods matched but not timed because {@code timed.maxMethods} was reached. */
        public long refused;
        /** Classes transformed beyond the {@value InstalledSpec#MAX_CLASS_NAMES} named in {@link #classes}. */
        public long moreClasses;

        Result(String spec) {
            this.spec = spec;
        }
    }

    private static volatile TimingService current;

    private final Instrumentation inst;
    private final boolean sampled;
    private final TimedMethods timed = new TimedMethods();
    private final Map<String, InstalledSpec> installs = Collections.synchronizedMap(new LinkedHashMap<>());

    public TimingService(Instrumentation inst, int sampleInterval) {
        this.inst = inst;
        this.sampled = sampleInterval > 1;
        Recorder.setSampleInterval(sampleInterval);
        current = this;
    }

    /** Class loaders whose timed methods were folded after the loader was collected. */
    public long loadersCollected() {
        return timed.loadersCollected();
    }

    /**
     * Installs a spec: retransforms the loaded classes it matches and times matching classes
     * loaded later.
     *
     * @throws IllegalArgumentException for a spec that is already installed, names JDK classes
     *     without {@code allowJdk}, matches more classes than the limit without {@code force}, or
     *     matches no loaded method without {@code pending}
     */
    public synchronized Result install(MethodSpec spec, Request request) {
        if (installs.containsKey(spec.text())) {
            throw new IllegalArgumentException("'" + spec + "' is already instrumented; see `forge-perf timings`");
        }
        if (spec.targetsJdk() && !request.allowJdk) {
            throw new IllegalArgumentException("'" + spec + "' names JDK classes; add --allow-jdk to time them");
        }
        ClassScope.Matches matched = ClassScope.matching(inst, spec, request.allowJdk);
        if (matched.classes() > request.limit && !request.force) {
            throw new IllegalArgumentException("'" + spec + "' matches " + matched.classes() + " loaded classes, more than the limit of "
                    + request.limit + "; narrow the spec, raise --limit, or add --force");
        }
        if (matched.methods() == 0 && !request.pending && !spec.subtypes()) {
            List<String> abstracts = ClassScope.abstractMethodsNamed(inst, spec, request.allowJdk);
            if (!abstracts.isEmpty()) {
                throw new IllegalArgumentException("'" + spec + "' matched no code: " + abstracts.get(0)
                        + (abstracts.size() > 1 ? " and " + (abstracts.size() - 1) + " more are" : " is") + " abstract or in an interface; write '"
                        + spec.withSubtypes() + "' to time every implementation");
            }
        }
        if (matched.methods() == 0 && !request.pending) {
            throw new IllegalArgumentException("'" + spec + "' matches no method of the " + inst.getAllLoadedClasses().length
                    + " loaded classes; check the spec, or add --pending to time classes loaded later");
        }
        return installTransformer(spec, request.allowJdk);
    }

    /** Installs a spec given at startup: no checks, applies to classes as they load. */
    public synchronized Result installAtStartup(MethodSpec spec) {
        if (installs.containsKey(spec.text())) {
            return new Result(spec.text());
        }
        return installTransformer(spec, spec.targetsJdk());
    }

    private Result installTransformer(MethodSpec spec, boolean allowJdk) {
        InstalledSpec install = InstalledSpec.install(inst, spec, allowJdk, sampled, timed);
        installs.put(spec.text(), install);
        return result(install);
    }

    private Result result(InstalledSpec install) {
        Result r = new Result(install.spec.text());
        for (String failed : install.failures.keySet()) {
            install.keys.keySet().removeIf(k -> {
                if (!k.substring(k.indexOf('/') + 1).startsWith(failed + "#")) {
                    return false;
                }
                timed.unclaim(k, install);
                return true;
            });
        }
        Map<MethodStats, String> names = RowNames.displayNames(Recorder.all());
        Set<String> seen = new java.util.HashSet<>();
        for (Integer id : install.keys.values()) {
            MethodStats s = Recorder.stats(id);
            if (s != null && seen.add(names.getOrDefault(s, s.name()))) {
                r.methods.add(names.getOrDefault(s, s.name()));
            }
        }
        Collections.sort(r.methods);
        r.refused = install.refused.get();
        r.moreClasses = install.moreTransformed.get();
        java.util.TreeSet<String> ok = new java.util.TreeSet<>(install.transformed);
        ok.removeAll(install.failures.keySet());
        r.classes.addAll(ok);
        r.failures.putAll(install.failures);
        return r;
    }

    /**
     * Removes one spec (or all when {@code specText} is null), restoring the original bytecode of
     * the classes it changed.
     *
     * @return the removed installs' results (methods no longer timed)
     * @throws IllegalArgumentException when no such spec is installed
     */
    public synchronized List<Result> uninstall(String specText) {
        List<InstalledSpec> removing = new ArrayList<>();
        synchronized (installs) {
            if (specText == null) {
                removing.addAll(installs.values());
            } else {
                InstalledSpec i = installs.get(MethodSpec.parse(specText).text());
                if (i == null) {
                    throw new IllegalArgumentException("'" + specText + "' is not instrumented; installed: "
                            + (installs.isEmpty() ? "none" : String.join(", ", installs.keySet())));
                }
                removing.add(i);
            }
        }
        List<Result> out = new ArrayList<>();
        for (InstalledSpec i : removing) {
            installs.remove(i.spec.text());
            i.keys.keySet().forEach(k -> timed.unclaim(k, i));
            i.reset(inst);
            out.add(result(i));
        }
        return out;
    }

    /**
     * The agent detaches: removes every spec (original bytecode back) and drops every row this
     * service timed, so an agent attached later starts from no rows instead of finding these frozen
     * beside its own. {@code ForgePerf.track} timers belong to the application and stay. Returns
     * how many rows were dropped.
     */
    public synchronized int close() {
        uninstall(null);
        timed.foldCollected();
        int dropped = timed.retireAll();
        if (current == this) {
            current = null;
        }
        return dropped;
    }

    /** The installed specs, in installation order. */
    public List<String> specs() {
        synchronized (installs) {
            return new ArrayList<>(installs.keySet());
        }
    }

    /**
     * The statistics of the methods of the loaded classes that {@code spec} names and that are timed
     * now (by any installed spec), in id order; rows of removed specs and unloaded classes left out.
     */
    public List<MethodStats> timedStats(MethodSpec spec) {
        Set<String> names = ClassScope.methodNames(inst, spec);
        List<MethodStats> out = new ArrayList<>();
        // rows of removed specs stay for `timings` but no call records into them: only claimed ids count
        for (Integer id : timed.claimedIds()) {
            MethodStats s = Recorder.stats(id);
            if (s != null && names.contains(s.qualifiedName())) {
                out.add(s);
            }
        }
        return out;
    }

    /** Display names of the methods timed by an installed spec right now. */
    public Set<String> activeMethods() {
        timed.foldCollected();
        Map<MethodStats, String> names = RowNames.displayNames(Recorder.all());
        Set<String> active = new java.util.HashSet<>();
        for (Integer id : timed.claimedIds()) {
            MethodStats s = Recorder.stats(id);
            if (s != null) {
                active.add(names.getOrDefault(s, s.name()));
            }
        }
        return active;
    }

    /**
     * Snapshots of every method timed so far (and of {@code ForgePerf.track} timers), one row per
     * method: where two rows would share a name, parameter types are written in full, and where
     * that is not enough, the defining class loader is added in brackets.
     */
    public static List<TimingSnapshot> snapshots() {
        TimingService t = current;
        if (t != null) {
            t.timed.foldCollected();
        }
        List<MethodStats> all = Recorder.all();
        Map<MethodStats, String> names = RowNames.displayNames(all);
        List<TimingSnapshot> out = new ArrayList<>();
        for (MethodStats s : all) {
            out.add(s.snapshot(names.get(s)));
        }
        return out;
    }

    /** Zeroes every method's statistics. */
    public static void reset() {
        for (MethodStats s : Recorder.all()) {
            s.reset();
        }
    }

    public boolean sampled() {
        return sampled;
    }
}
