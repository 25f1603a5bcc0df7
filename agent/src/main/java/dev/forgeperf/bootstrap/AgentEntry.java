package dev.forgeperf.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

/**
 * The {@code Premain-Class} and {@code Agent-Class} of forge-perf.jar. It does almost nothing:
 * puts the jar's tiny bootstrap part on the bootstrap class path (so timed code in any class
 * loader reaches the recorder), then hands over to {@link AgentStarter}, loaded from there. Every
 * {@link Throwable} is caught and reported in one line: a failing agent never stops the host.
 *
 * <p>This class is loaded by the system class loader, so it refers to no other forge-perf class
 * directly: those must come from the bootstrap class path.
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

    private static void start(String options, Instrumentation inst, boolean premain) {
        try {
            String jar = new File(AgentEntry.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
            try {
                Class.forName("dev.forgeperf.bootstrap.AgentStarter", false, null);
            } catch (ClassNotFoundException first) {
                inst.appendToBootstrapClassLoaderSearch(new JarFile(jar, false));
            }
            Class.forName("dev.forgeperf.bootstrap.AgentStarter", true, null)
                    .getMethod("start", String.class, Instrumentation.class, boolean.class, String.class)
                    .invoke(null, options, inst, premain, jar);
        } catch (Throwable t) {
            Throwable cause = t instanceof java.lang.reflect.InvocationTargetException && t.getCause() != null ? t.getCause() : t;
            System.err.println("[forge-perf] agent failed to start, the application continues without it: " + cause);
        }
    }
}
