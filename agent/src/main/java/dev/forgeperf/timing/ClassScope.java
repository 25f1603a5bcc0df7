package dev.forgeperf.timing;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import dev.forgeperf.util.AgentClasses;

/**
 * Which classes method timing may touch, and what a spec matches among the loaded ones. One
 * exclusion rule ({@link #excluded}) serves the transformer and every scan of the loaded classes
 * (the checks before an install, {@code timedStats}). A class whose members cannot be resolved
 * matches nothing. Stateless and thread-safe; each scan walks
 * {@link Instrumentation#getAllLoadedClasses}.
 */
final class ClassScope {
    /** What a spec matches among the loaded classes it may time. */
    record Matches(int classes, int methods) {
    }

    private ClassScope() {
    }

    /**
     * forge-perf's own classes, never timed ({@link AgentClasses}): by name, because the class loader
     * is not enough: after a detach and an attach the previous agent's classes stay loaded by a
     * loader that is no longer ours (a spec of everything timed 53 of its methods).
     */
    static boolean isOwn(String name) {
        return AgentClasses.contains(name);
    }

    /**
     * Classes never timed: forge-perf's own, lambdas and other synthetic classes, and JDK classes
     * (by package or bootstrap loader) unless {@code allowJdk}. One rule for the transformer and
     * for counting the loaded classes a spec matches.
     */
    static boolean excluded(String name, ClassLoader loader, boolean synthetic, boolean allowJdk) {
        if (synthetic || isOwn(name) || name.contains("$$Lambda") || loader == TimingService.class.getClassLoader()) {
            return true;
        }
        return !allowJdk && (loader == null || MethodSpec.JDK_PACKAGES.stream().anyMatch(name::startsWith));
    }

    /** The modifiable loaded classes with a method {@code spec} matches, and how many methods those are. */
    static Matches matching(Instrumentation inst, MethodSpec spec, boolean allowJdk) {
        ElementMatcher<TypeDescription> types = spec.typeMatcher();
        ElementMatcher<MethodDescription> methods = spec.methodMatcher();
        List<Class<?>> candidates = new ArrayList<>();
        int matchedMethods = 0;
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (!inst.isModifiableClass(c) || c.isArray() || c.isPrimitive() || excluded(c.getName(), c.getClassLoader(), c.isSynthetic(), allowJdk)) {
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
        return new Matches(candidates.size(), matchedMethods);
    }

    /** The abstract and interface methods of the loaded classes that a spec without {@code +} names (at most 10). */
    static List<String> abstractMethodsNamed(Instrumentation inst, MethodSpec spec, boolean allowJdk) {
        List<String> out = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (out.size() >= 10) {
                break;
            }
            if (c.isArray() || c.isPrimitive() || !java.lang.reflect.Modifier.isAbstract(c.getModifiers())
                    || excluded(c.getName(), c.getClassLoader(), c.isSynthetic(), allowJdk || spec.targetsJdk())) {
                continue;
            }
            try {
                out.addAll(spec.abstractMethodsNamed(TypeDescription.ForLoadedType.of(c)));
            } catch (Throwable unreadable) {
                // a class whose members cannot be resolved names nothing
            }
        }
        return out;
    }

    /** The qualified display names of the methods of the loaded classes (JDK ones included) that {@code spec} names. */
    static Set<String> methodNames(Instrumentation inst, MethodSpec spec) {
        ElementMatcher<TypeDescription> types = spec.typeMatcher();
        ElementMatcher<MethodDescription> methods = spec.methodMatcher();
        Set<String> names = new java.util.HashSet<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.isArray() || c.isPrimitive() || excluded(c.getName(), c.getClassLoader(), c.isSynthetic(), true)) {
                continue;
            }
            try {
                TypeDescription t = TypeDescription.ForLoadedType.of(c);
                if (types.matches(t)) {
                    for (MethodDescription m : t.getDeclaredMethods()) {
                        if (methods.matches(m)) {
                            names.add(MethodSpec.displayName(t.getTypeName(), m, true));
                        }
                    }
                }
            } catch (Throwable unreadable) {
                // a class whose members cannot be resolved names nothing
            }
        }
        return names;
    }
}
