package dev.forgeperf.timing;

import java.lang.instrument.Instrumentation;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

import dev.forgeperf.bootstrap.MethodStats;
import dev.forgeperf.bootstrap.Recorder;
import dev.forgeperf.bootstrap.TimingSnapshot;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Method timing: installs one resettable Byte Buddy transformer per spec, assigns each timed
 * method an id in the bootstrap {@link Recorder}, and removes a spec by resetting its transformer
 * (retransformation hands the JVM back the original bytecode). A method matched by two specs is
 * timed once, by the first. Thread-safe: installs and removals are serialized.
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
        /** Classes transformed beyond the {@value TimingService#MAX_CLASS_NAMES} named in {@link #classes}. */
        public long moreClasses;

        Result(String spec) {
            this.spec = spec;
        }
    }

    /** Class names kept per install for its result; more are only counted. */
    static final int MAX_CLASS_NAMES = 1000;

    private static volatile TimingService current;

    private final Instrumentation inst;
    private final boolean sampled;
    /** Methods of classes whose loader is collected are folded into these rows: qualified name -> id. */
    private final Map<String, Integer> unloadedRows = new HashMap<>();
    /** Methods of generated classes, one row per normalised name: key -> id. Guarded by {@link #registry}. */
    private final Map<String, Integer> foldedIds = new HashMap<>();
    /** Per defining loader (held weakly) its methods' ids. Guarded by {@link #registry}. */
    private final Map<ClassLoader, LoaderIds> loaders = new WeakHashMap<>();
    private final LoaderIds bootLoader = new LoaderIds(null, 0, "bootstrap", null);
    private final ReferenceQueue<ClassLoader> collected = new ReferenceQueue<>();
    private final Object registry = new Object();
    private int loaderSerial;
    /** Loaders collected so far whose rows were folded. Guarded by {@link #registry}. */
    private long loadersCollected;
    private final Map<String, Install> claims = new ConcurrentHashMap<>();
    private final Map<String, Install> installs = Collections.synchronizedMap(new LinkedHashMap<>());
    /** The loader of the class being transformed on this thread (set by the transformer, cleared by the listener). */
    private final ThreadLocal<LoaderIds> transforming = new ThreadLocal<>();

    public TimingService(Instrumentation inst, int sampleInterval) {
        this.inst = inst;
        this.sampled = sampleInterval > 1;
        Recorder.setSampleInterval(sampleInterval);
        current = this;
    }

    /**
     * The ids of one class loader's timed methods (key -> id); cleared with the loader, after
     * which its rows are folded into per-method "unloaded" rows and its ids freed.
     */
    private static final class LoaderIds extends java.lang.ref.WeakReference<ClassLoader> {
        final int serial;
        final String label;
        final Map<String, Integer> ids = new HashMap<>();

        LoaderIds(ClassLoader loader, int serial, String label, ReferenceQueue<ClassLoader> queue) {
            super(loader, queue);
            this.serial = serial;
            this.label = label;
        }
    }

    private LoaderIds loaderIds(ClassLoader loader) {
        if (loader == null) {
            return bootLoader;
        }
        synchronized (registry) {
            LoaderIds l = loaders.get(loader);
            if (l == null) {
                l = new LoaderIds(loader, ++loaderSerial, loaderLabel(loader), collected);
                loaders.put(loader, l);
            }
            return l;
        }
    }

    /** How a loader is named where two rows differ only by it: its name, or its class, and its identity. */
    static String loaderLabel(ClassLoader loader) {
        String n = loader.getName();
        return (n != null ? n : loader.getClass().getSimpleName()) + "@" + Integer.toHexString(System.identityHashCode(loader));
    }

    /** Folds the rows of collected class loaders into "unloaded" rows and frees their ids and memory. */
    void foldCollected() {
        java.lang.ref.Reference<? extends ClassLoader> r;
        while ((r = collected.poll()) != null) {
            LoaderIds gone = (LoaderIds) r;
            synchronized (registry) {
                loadersCollected++;
                for (Map.Entry<String, Integer> e : gone.ids.entrySet()) {
                    String claimKey = gone.serial + "/" + e.getKey();
                    Install owner = claims.remove(claimKey);
                    if (owner != null) {
                        owner.keys.remove(claimKey);
                    }
                    MethodStats s = Recorder.stats(e.getValue());
                    if (s == null) {
                        continue;
                    }
                    TimingSnapshot snap = s.snapshot();
                    Recorder.release(e.getValue());
                    if (snap.count() == 0 && snap.errors() == 0) {
                        continue;
                    }
                    Integer into = unloadedRows.get(s.qualifiedName());
                    if (into == null) {
                        int id = Recorder.register(new MethodStats(s.name(), s.qualifiedName(), "unloaded"));
                        if (id < 0) {
                            continue; // timed.maxMethods reached: the unloaded loader's calls are dropped
                        }
                        into = id;
                        unloadedRows.put(s.qualifiedName(), into);
                    }
                    Recorder.stats(into).add(snap);
                }
                gone.ids.clear();
            }
        }
    }

    /** Class loaders whose timed methods were folded after the loader was collected. */
    public long loadersCollected() {
        synchronized (registry) {
            return loadersCollected;
        }
    }

    /** One installed spec: its transformer and the methods it times. */
    final class Install {
        final MethodSpec spec;
        /** Claim key ("loader serial/method key") -> id of the methods this install times. */
        final Map<String, Integer> keys = new ConcurrentHashMap<>();
        final Set<String> transformed = ConcurrentHashMap.newKeySet();
        final java.util.concurrent.atomic.AtomicLong moreTransformed = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
        final Map<String, String> failures = new ConcurrentHashMap<>();
        volatile ResettableClassFileTransformer transformer;

        ThreadLocal<LoaderIds> transforming() {
            return transforming;
        }

        Install(MethodSpec spec) {
            this.spec = spec;
        }

        /**
         * Called at transform time: the id of a method, registering it on first sight; -1 (not
         * timed) when {@code timed.maxMethods} methods are registered already.
         */
        int idFor(TypeDescription type, MethodDescription method) {
            LoaderIds loader = transforming.get();
            if (loader == null) {
                loader = bootLoader;
            }
            foldCollected();
            String folded = GeneratedNames.fold(type.getName());
            String key = key(folded == null ? type.getName() : folded, method);
            String claimKey = (folded == null ? loader.serial : -1) + "/" + key;
            claims.putIfAbsent(claimKey, this);
            synchronized (registry) {
                Map<String, Integer> ids = folded == null ? loader.ids : foldedIds;
                Integer id = ids.get(key);
                if (id == null) {
                    String className = folded == null ? type.getTypeName() : folded;
                    int registered = Recorder.register(new MethodStats(MethodSpec.displayName(className, method, false),
                            MethodSpec.displayName(className, method, true), folded == null ? loader.label : "generated"));
                    if (registered < 0) {
                        refused.incrementAndGet(); // said once in the log by TimingLimits' listener
                        return -1;
                    }
                    id = registered;
                    ids.put(key, id);
                }
                keys.put(claimKey, id);
                return id;
            }
        }

        boolean mayTime(MethodDescription m) {
            LoaderIds loader = transforming.get();
            String type = m.getDeclaringType().asErasure().getName();
            String folded = GeneratedNames.fold(type);
            Install owner = claims.get((folded == null ? (loader == null ? 0 : loader.serial) : -1) + "/"
                    + key(folded == null ? type : folded, m));
            return owner == null || owner == this;
        }
    }

    private static String key(String typeName, MethodDescription m) {
        return typeName + "#" + m.getInternalName() + m.getDescriptor();
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
        Install install = new Install(spec);
        ElementMatcher<MethodDescription> methods = spec.methodMatcher();
        Advice advice = Advice.withCustomMapping().bind(new MethodIdBinding(install))
                .to(sampled ? SampledTimingAdvice.class : TimingAdvice.class);
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.RedefinitionStrategy.BatchAllocator.ForFixedSize.ofSize(64))
                .with(AgentBuilder.RedefinitionStrategy.Listener.BatchReallocator.splitting())
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                .with(new Listener(install))
                .ignore((type, loader, module, redefined, domain) -> ClassScope.excluded(type.getName(), loader, type.isSynthetic(), allowJdk))
                .type(spec.typeMatcher())
                .transform((b, type, loader, module, domain) -> {
                    transforming.set(loaderIds(loader));
                    return b.visit(advice.on(m -> methods.matches(m) && install.mayTime(m)));
                });
        install.transformer = builder.installOn(inst);
        installs.put(spec.text(), install);
        return result(install);
    }

    private Result result(Install install) {
        Result r = new Result(install.spec.text());
        for (String failed : install.failures.keySet()) {
            install.keys.keySet().removeIf(k -> {
                if (!k.substring(k.indexOf('/') + 1).startsWith(failed + "#")) {
                    return false;
                }
                claims.remove(k, install);
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
        List<Install> removing = new ArrayList<>();
        synchronized (installs) {
            if (specText == null) {
                removing.addAll(installs.values());
            } else {
                Install i = installs.get(MethodSpec.parse(specText).text());
                if (i == null) {
                    throw new IllegalArgumentException("'" + specText + "' is not instrumented; installed: "
                            + (installs.isEmpty() ? "none" : String.join(", ", installs.keySet())));
                }
                removing.add(i);
            }
        }
        List<Result> out = new ArrayList<>();
        for (Install i : removing) {
            installs.remove(i.spec.text());
            i.keys.keySet().forEach(k -> claims.remove(k, i));
            i.transformer.reset(inst, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION,
                    AgentBuilder.RedefinitionStrategy.BatchAllocator.ForFixedSize.ofSize(64));
            out.add(result(i));
        }
        return out;
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
        // rows of removed specs stay for `timings` but no call records into them: only claimed ids count
        Set<Integer> timedIds = new java.util.TreeSet<>();
        for (Map.Entry<String, Install> e : claims.entrySet()) {
            Integer id = e.getValue().keys.get(e.getKey());
            if (id != null) {
                timedIds.add(id);
            }
        }
        List<MethodStats> out = new ArrayList<>();
        for (Integer id : timedIds) {
            MethodStats s = Recorder.stats(id);
            if (s != null && names.contains(s.qualifiedName())) {
                out.add(s);
            }
        }
        return out;
    }

    /** Display names of the methods timed by an installed spec right now. */
    public Set<String> activeMethods() {
        foldCollected();
        Map<MethodStats, String> names = RowNames.displayNames(Recorder.all());
        Set<String> active = new java.util.HashSet<>();
        for (Map.Entry<String, Install> e : claims.entrySet()) {
            Integer id = e.getValue().keys.get(e.getKey());
            MethodStats s = id == null ? null : Recorder.stats(id);
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
            t.foldCollected();
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

    /** Collects, per install, the classes transformed and the failures. */
    private static final class Listener extends AgentBuilder.Listener.Adapter {
        private final Install install;

        Listener(Install install) {
            this.install = install;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded, DynamicType dynamicType) {
            if (install.transformed.size() < MAX_CLASS_NAMES || install.transformed.contains(type.getName())) {
                install.transformed.add(type.getName());
            } else {
                install.moreTransformed.incrementAndGet();
            }
        }

        @Override
        public void onComplete(String typeName, ClassLoader loader, JavaModule module, boolean loaded) {
            install.transforming().remove();
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable throwable) {
            install.failures.put(typeName, throwable.getClass().getSimpleName() + ": " + throwable.getMessage());
        }
    }
}
