package dev.forgeperf.timing;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * One installed spec: its resettable Byte Buddy transformer (retransformation, no class format
 * changes, the timing advice with each method's id baked in as a constant) and what it did so far:
 * the methods it times (claim key -> id, see {@link TimedMethods}), the classes it transformed
 * (the first {@value #MAX_CLASS_NAMES} by name, then counted), the methods refused at
 * {@code timed.maxMethods}, and the classes that failed to transform. {@link #reset} hands the
 * JVM back the original bytecode. Thread-safety: the JVM transforms classes on any thread, so
 * every record of what was done is concurrent; installing and resetting are serialized by
 * {@link TimingService}.
 */
final class InstalledSpec {
    /** Class names kept per install for its result; more are only counted. */
    static final int MAX_CLASS_NAMES = 1000;

    final MethodSpec spec;
    private final TimedMethods timed;
    /** Claim key ("loader serial/method key") -> id of the methods this install times. */
    final Map<String, Integer> keys = new ConcurrentHashMap<>();
    final Set<String> transformed = ConcurrentHashMap.newKeySet();
    final java.util.concurrent.atomic.AtomicLong moreTransformed = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
    final Map<String, String> failures = new ConcurrentHashMap<>();
    private volatile ResettableClassFileTransformer transformer;

    private InstalledSpec(MethodSpec spec, TimedMethods timed) {
        this.spec = spec;
        this.timed = timed;
    }

    /**
     * Installs a transformer for {@code spec}: retransforms the loaded classes it matches and
     * times matching classes loaded later, with the sampled advice when {@code sampled}.
     */
    static InstalledSpec install(Instrumentation inst, MethodSpec spec, boolean allowJdk, boolean sampled, TimedMethods timed) {
        InstalledSpec install = new InstalledSpec(spec, timed);
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
                    timed.transforming(loader);
                    return b.visit(advice.on(m -> methods.matches(m) && timed.mayTime(install, m)));
                });
        install.transformer = builder.installOn(inst);
        return install;
    }

    /**
     * Called at transform time: the id of a method, registering it on first sight; -1 (not
     * timed) when {@code timed.maxMethods} methods are registered already.
     */
    int idFor(TypeDescription type, MethodDescription method) {
        return timed.idFor(this, type, method);
    }

    /** Removes the transformer: the classes it changed are retransformed back to their original bytecode. */
    void reset(Instrumentation inst) {
        transformer.reset(inst, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION,
                AgentBuilder.RedefinitionStrategy.BatchAllocator.ForFixedSize.ofSize(64));
    }

    /** Collects, per install, the classes transformed and the failures. */
    private static final class Listener extends AgentBuilder.Listener.Adapter {
        private final InstalledSpec install;

        Listener(InstalledSpec install) {
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
            install.timed.transformed();
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable throwable) {
            install.failures.put(typeName, throwable.getClass().getSimpleName() + ": " + throwable.getMessage());
        }
    }
}
