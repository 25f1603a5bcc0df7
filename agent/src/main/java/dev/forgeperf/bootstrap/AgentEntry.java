package dev.forgeperf.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

/**
 * The {@code Premain-Class} and {@code Agent-Class} of forge-perf.jar. It does almost nothing:
 * defines the jar's tiny bootstrap part in the boot class loader (so timed code in any class
 * loader reaches the recorder), then hands over to {@link AgentStarter}, loaded from there. Every
 * {@link Throwable} is caught and reported in one line: a failing agent never stops the host.
 *
 * <p>This class is loaded by the system class loader, so it refers to no other forge-perf class
 * directly but {@link AgentClassLoader}: the others must come from the boot loader.
 */
public final class AgentEntry {
    private AgentEntry() {
    }

    public static void premain(String options, Instrumentation inst) {
        start(options, inst, true);
    }

    public static void agentmain(String options, Instrumentation inst) {
        start(options, inst, false);
    }

    private static final String STARTER = "dev.forgeperf.bootstrap.AgentStarter";

    private static boolean inBootLoader(String name) {
        try {
            Class.forName(name, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * Puts the bootstrap part in the boot loader: defined there class by class from a throwaway
     * class loader that alone gets access to {@code jdk.internal.misc} (see
     * {@code dev.forgeperf.agent.BootInjector}), or, should the JDK not allow that, by appending
     * the jar to the boot class path (on JDK 17 the JVM then prints a warning about class data
     * sharing to stdout).
     */
    private static void defineBootstrapPart(String jar, Instrumentation inst) throws java.io.IOException {
        try {
            AgentClassLoader injector = new AgentClassLoader(jar, ClassLoader.getPlatformClassLoader());
            Module base = Object.class.getModule();
            inst.redefineModule(base, java.util.Set.of(), java.util.Map.of(), java.util.Map.of("jdk.internal.misc", java.util.Set.of(injector.getUnnamedModule())),
                    java.util.Set.of(), java.util.Map.of());
            Class.forName("dev.forgeperf.agent.BootInjector", true, injector).getMethod("inject", String.class).invoke(null, jar);
            if (inBootLoader(STARTER)) {
                return;
            }
        } catch (Throwable t) {
            System.err.println("[forge-perf] cannot define the agent's bootstrap classes in the boot loader (" + t
                    + "); appending forge-perf.jar to the boot class path instead (JDK 17 then warns about class data sharing)");
        }
        inst.appendToBootstrapClassLoaderSearch(new JarFile(jar, false));
    }

    private static void start(String options, Instrumentation inst, boolean premain) {
        try {
            String jar = new File(AgentEntry.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
            if (!inBootLoader(STARTER)) {
                defineBootstrapPart(jar, inst);
            }
            Class.forName(STARTER, true, null)
                    .getMethod("start", String.class, Instrumentation.class, boolean.class, String.class)
                    .invoke(null, options, inst, premain, jar);
        } catch (Throwable t) {
            Throwable cause = t instanceof java.lang.reflect.InvocationTargetException && t.getCause() != null ? t.getCause() : t;
            String todo = cause instanceof OutOfMemoryError && String.valueOf(cause.getMessage()).contains("Metaspace")
                    ? "raise -XX:MaxMetaspaceSize by 12 MB to use forge-perf"
                    : "check that forge-perf.jar is complete (`java -jar forge-perf.jar --version`), else report it";
            System.err.println("[forge-perf] agent not started, the application runs without it: " + cause + "; " + todo);
        }
    }
}
