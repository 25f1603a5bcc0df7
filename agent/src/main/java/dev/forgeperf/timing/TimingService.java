package dev.forgeperf.timing;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

        Result(String spec) {
            this.spec = spec;
        }
    }

    private final Instrumentation inst;
    private final boolean sampled;
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final Map<String, Install> claims = new ConcurrentHashMap<>();
    private final Map<String, Install> installs = Collections.synchronizedMap(new LinkedHashMap<>());

    public TimingService(Instrumentation inst, int sampleInterval) {
        this.inst = inst;
        this.sampled = sampleInterval > 1;
        Recorder.setSampleInterval(sampleInterval);
    }

    /** One installed spec: its transformer and the methods it times. */
    final class Install {
        final MethodSpec spec;
        final Set<String> keys = ConcurrentHashMap.newKeySet();
        final Set<String> transformed = ConcurrentHashMap.newKeySet();
        final Map<String, String> failures = new ConcurrentHashMap<>();
        volatile ResettableClassFileTransformer transformer;

        Install(MethodSpec spec) {
            this.spec = spec;
        }

        /** Called at transform time: the id of a method, registering it on first sight. */
        int idFor(TypeDescription type, MethodDescription method) {
            String key = key(type, method);
            claims.putIfAbsent(key, this);
            keys.add(key);
            return ids.computeIfAbsent(key, k -> Recorder.register(new MethodStats(MethodSpec.displayName(type, method))));
        }

        boolean mayTime(MethodDescription m) {
            Install owner = claims.get(key(m.getDeclaringType().asErasure(), m));
            return owner == null || owner == this;
        }
    }

    private static String key(TypeDescription type, MethodDescription m) {
        return type.getName() + "#" + m.getInternalName() + m.getDescriptor();
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
        ElementMatcher<TypeDescription> types = spec.typeMatcher();
        ElementMatcher<MethodDescription> methods = spec.methodMatcher();
        List<Class<?>> candidates = new ArrayList<>();
        int matchedMethods = 0;
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (!inst.isModifiableClass(c) || c.isArray() || c.isPrimitive() || excluded(c.getName(), c.getClassLoader(), c.isSynthetic(), request.allowJdk)) {
                continue;
            }
            try {
                TypeDescription t = TypeDescription.ForLoadedType.of(c);
                if (types.matches(t)) {
                    int n = (int) t.getDeclaredMethods().stream().filter(methods::matches).count();
                    if (n > 0) {
                        candidates.add(c);
                        matchedMethods += n;
                    }
                }
            } catch (Throwable unreadable) {
                // a class whose members cannot be resolved is not a candidate
            }
        }
        if (candidates.size() > request.limit && !request.force) {
            throw new IllegalArgumentException("'" + spec + "' matches " + candidates.size() + " loaded classes, more than the limit of "
                    + request.limit + "; narrow the spec, raise --limit, or add --force");
        }
        if (matchedMethods == 0 && !request.pending) {
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
                .ignore((type, loader, module, redefined, domain) -> excluded(type.getName(), loader, type.isSynthetic(), allowJdk))
                .type(spec.typeMatcher())
                .transform((b, type, loader, module, domain) -> b.visit(advice.on(m -> methods.matches(m) && install.mayTime(m))));
        install.transformer = builder.installOn(inst);
        installs.put(spec.text(), install);
        return result(install);
    }

    private Result result(Install install) {
        Result r = new Result(install.spec.text());
        for (String failed : install.failures.keySet()) {
            install.keys.removeIf(k -> {
                if (!k.startsWith(failed + "#")) {
                    return false;
                }
                claims.remove(k, install);
                return true;
            });
        }
        for (String key : install.keys) {
            MethodStats s = Recorder.stats(ids.get(key));
            if (s != null) {
                r.methods.add(s.name());
            }
        }
        Collections.sort(r.methods);
        java.util.TreeSet<String> ok = new java.util.TreeSet<>(install.transformed);
        ok.removeAll(install.failures.keySet());
        r.classes.addAll(ok);
        r.failures.putAll(install.failures);
        return r;
    }

    /**
     * forge-perf's own classes, never timed: the bootstrap part and public API (the agent's
     * internals are excluded by their class loader).
     */
    static boolean isOwn(String name) {
        return name.startsWith("dev.forgeperf.bootstrap.") || name.startsWith("dev.forgeperf.shaded.")
                || name.startsWith("dev.forgeperf.ForgePerf") || name.startsWith("dev.forgeperf.Track")
                || name.equals("dev.forgeperf.Timed");
    }

    /**
     * Classes never timed: forge-perf's own, lambdas and other synthetic classes, and JDK classes
     * (by package or bootstrap loader) unless {@code allowJdk}. One rule for the transformer and
     * for counting the loaded classes a spec matches.
     */
    private static boolean excluded(String name, ClassLoader loader, boolean synthetic, boolean allowJdk) {
        if (synthetic || isOwn(name) || name.contains("$$Lambda") || loader == TimingService.class.getClassLoader()) {
            return true;
        }
        return !allowJdk && (loader == null || MethodSpec.JDK_PACKAGES.stream().anyMatch(name::startsWith));
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
            i.keys.forEach(k -> claims.remove(k, i));
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

    /** Display names of the methods timed by an installed spec right now. */
    public Set<String> activeMethods() {
        Set<String> active = new java.util.HashSet<>();
        for (Map.Entry<String, Install> e : claims.entrySet()) {
            Integer id = ids.get(e.getKey());
            MethodStats s = id == null ? null : Recorder.stats(id);
            if (s != null) {
                active.add(s.name());
            }
        }
        return active;
    }

    /** Snapshots of every method timed so far (and of {@code ForgePerf.track} timers). */
    public static List<TimingSnapshot> snapshots() {
        List<TimingSnapshot> out = new ArrayList<>();
        for (MethodStats s : Recorder.all()) {
            out.add(s.snapshot());
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
            install.transformed.add(type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable throwable) {
            install.failures.put(typeName, throwable.getClass().getSimpleName() + ": " + throwable.getMessage());
        }
    }
}
