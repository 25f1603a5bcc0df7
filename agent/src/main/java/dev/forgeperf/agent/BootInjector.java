package dev.forgeperf.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Defines the jar's bootstrap part ({@code dev/forgeperf/*.class} and
 * {@code dev/forgeperf/bootstrap/**}) in the boot class loader, so that timed code in every class
 * loader reaches the recorder, without appending the jar to the boot class path: on JDK 17 that
 * append makes the JVM print "Sharing is only supported for boot loader classes because bootstrap
 * classpath has been appended" (to the application's stdout) and stop sharing the application's
 * own classes from the CDS archive.
 *
 * <p>Runs in a throwaway {@code AgentClassLoader} to whose unnamed module, and to no other,
 * {@code AgentEntry} has opened {@code java.base/jdk.internal.misc}; uses
 * {@code jdk.internal.misc.Unsafe.defineClass} with the boot loader, as Byte Buddy's
 * {@code ClassInjector.UsingUnsafe} does.
 */
public final class BootInjector {
    private BootInjector() {
    }

    private static final String STARTER = "dev.forgeperf.bootstrap.AgentStarter";

    /**
     * Defines every class of the bootstrap part not yet defined in the boot loader.
     *
     * @return how many classes were defined
     * @throws Exception when the JDK does not allow it (the caller then appends the jar instead)
     */
    public static int inject(String jarPath) throws Exception {
        Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
        Method getUnsafe = unsafeClass.getMethod("getUnsafe");
        getUnsafe.setAccessible(true);
        Object unsafe = getUnsafe.invoke(null);
        Method define = unsafeClass.getMethod("defineClass", String.class, byte[].class, int.class, int.class, ClassLoader.class,
                java.security.ProtectionDomain.class);
        define.setAccessible(true);

        Map<String, byte[]> pending = bootstrapPart(jarPath);
        // AgentStarter last: the agent takes "AgentStarter is in the boot loader" to mean "all of it is"
        byte[] starter = pending.remove(STARTER);
        if (starter != null) {
            pending.put(STARTER, starter);
        }
        int defined = 0;
        // a class needs its supertypes defined first: repeat until nothing more can be defined
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, byte[]> e = it.next();
                if (e.getKey().equals(STARTER) && pending.size() > 1) {
                    continue;
                }
                if (definedInBoot(e.getKey())) {
                    it.remove();
                    progress = true;
                    continue;
                }
                try {
                    byte[] b = e.getValue();
                    define.invoke(unsafe, e.getKey().replace('.', '/'), b, 0, b.length, null, null);
                    it.remove();
                    defined++;
                    progress = true;
                } catch (InvocationTargetException ite) {
                    if (!(ite.getCause() instanceof NoClassDefFoundError)) {
                        throw ite.getCause() instanceof Exception ex ? ex : ite;
                    }
                    // a supertype is still pending: next round
                }
            }
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException("could not define " + pending.keySet() + " in the boot class loader");
        }
        return defined;
    }

    private static boolean definedInBoot(String name) {
        try {
            Class.forName(name, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Where the build lists the bootstrap part's class files, one jar path per line. */
    static final String INDEX = "inst/META-INF/forge-perf/bootstrap-part.txt";

    /**
     * Binary name → class file of every class of the jar's root part ({@code dev/forgeperf/*.class},
     * {@code dev/forgeperf/bootstrap/**}), as the build's index lists them. A jar without the index
     * is refused (the agent then appends the jar to the boot class path instead).
     */
    static Map<String, byte[]> bootstrapPart(String jarPath) throws IOException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        try (JarFile jar = new JarFile(jarPath, false)) {
            JarEntry index = jar.getJarEntry(INDEX);
            if (index == null) {
                throw new IOException(jarPath + " has no " + INDEX);
            }
            java.util.List<String> names;
            try (InputStream in = jar.getInputStream(index)) {
                names = new java.util.ArrayList<>();
                // a loop, not a stream: this runs in premain, where each lambda costs start-up time
                for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    String l = line.strip();
                    if (l.endsWith(".class")) {
                        names.add(l);
                    }
                }
            }
            for (String name : names) {
                JarEntry entry = jar.getJarEntry(name);
                if (entry == null) {
                    throw new IOException(jarPath + " lists " + name + " in " + INDEX + " but does not hold it");
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    classes.put(name.substring(0, name.length() - ".class".length()).replace('/', '.'), in.readAllBytes());
                }
            }
        }
        return classes;
    }
}
