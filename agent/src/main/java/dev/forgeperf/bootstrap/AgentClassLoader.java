package dev.forgeperf.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads forge-perf's internals (agent, CLI and relocated dependencies) from the {@code inst/}
 * folder of forge-perf.jar, where they are stored as {@code *.classdata} so that no application
 * class loader can see them. Resources are served under their ordinary names ({@code a/B.class}
 * maps to {@code inst/a/B.classdata}) so tools such as Byte Buddy's class file locator can read
 * the bytes of our own classes.
 *
 * <p>Thread-safe; parallel capable.
 */
public final class AgentClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private static final String PREFIX = "inst/";

    private final JarFile jar;
    private final String jarUrl;
    private final ProtectionDomain domain;

    public AgentClassLoader(String jarPath, ClassLoader parent) throws IOException {
        super("forge-perf", parent);
        this.jar = new JarFile(jarPath, false);
        URL location = new java.io.File(jarPath).toURI().toURL();
        this.jarUrl = "jar:" + location + "!/";
        this.domain = new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null, this, null);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + ".classdata");
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            String pkg = name.substring(0, dot);
            if (getDefinedPackage(pkg) == null) {
                try {
                    definePackage(pkg, null, null, null, null, null, null, null);
                } catch (IllegalArgumentException raced) {
                    // another thread defined it first
                }
            }
        }
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    @Override
    protected URL findResource(String name) {
        String path = name.startsWith("/") ? name.substring(1) : name;
        String stored = path.endsWith(".class")
                ? PREFIX + path.substring(0, path.length() - ".class".length()) + ".classdata"
                : PREFIX + path;
        if (jar.getJarEntry(stored) == null) {
            return null;
        }
        try {
            return new URL(jarUrl + stored);
        } catch (MalformedURLException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singletonList(url));
    }
}
