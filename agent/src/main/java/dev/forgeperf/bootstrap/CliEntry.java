package dev.forgeperf.bootstrap;

import java.io.File;

/**
 * The {@code Main-Class} of forge-perf.jar: starts the CLI inside an {@link AgentClassLoader}
 * (parent: the system class loader, which sees {@code jdk.attach}).
 */
public final class CliEntry {
    private CliEntry() {
    }

    public static void main(String[] args) throws Throwable {
        String jar = new File(CliEntry.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        ClassLoader loader = jar.endsWith(".jar")
                ? new AgentClassLoader(jar, ClassLoader.getSystemClassLoader())
                : CliEntry.class.getClassLoader(); // running from target/classes (tests, IDE)
        Thread.currentThread().setContextClassLoader(loader);
        try {
            Class.forName("dev.forgeperf.cli.Main", true, loader).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
