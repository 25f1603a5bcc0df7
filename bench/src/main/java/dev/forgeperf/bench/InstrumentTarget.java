package dev.forgeperf.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The target JVM of {@link InstrumentBench}: loads every class under a directory of generated
 * classes (which must be on its class path), then answers commands on stdin, one per line:
 * <ul>
 * <li>{@code mem}: {@code mem <metaspace used> <metaspace committed> <class space used>} (bytes),
 * after two {@code System.gc()} so that old method versions left by retransformation can be
 * purged;</li>
 * <li>{@code call N}: calls every method of the first N classes once (N small: each method that
 * is timed and called allocates its histogram);</li>
 * <li>{@code quit}.</li>
 * </ul>
 */
public final class InstrumentTarget {
    private InstrumentTarget() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class")).sorted()::iterator) {
                String rel = root.relativize(f).toString();
                classes.add(Class.forName(rel.substring(0, rel.length() - ".class".length()).replace('/', '.')));
            }
        }
        System.out.println("ready " + classes.size());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] cmd = line.trim().split(" ");
            switch (cmd[0]) {
                case "mem" -> System.out.println(mem());
                case "call" -> System.out.println("called " + call(classes, Integer.parseInt(cmd[1])));
                case "quit" -> {
                    return;
                }
                default -> System.out.println("unknown " + line);
            }
        }
    }

    private static String mem() {
        System.gc();
        System.gc();
        long used = -1;
        long committed = -1;
        long classSpace = -1;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getName().equals("Metaspace")) {
                used = p.getUsage().getUsed();
                committed = p.getUsage().getCommitted();
            } else if (p.getName().equals("Compressed Class Space")) {
                classSpace = p.getUsage().getUsed();
            }
        }
        // (not ClassLoadingMXBean.getLoadedClassCount(): HotSpot counts every retransformed class
        // as one more load, so it grows by the number of classes on each (un)instrument)
        return "mem " + used + " " + committed + " " + classSpace;
    }

    private static long call(List<Class<?>> classes, int n) throws IOException, ReflectiveOperationException {
        long sum = 0;
        for (Class<?> c : classes.subList(0, Math.min(n, classes.size()))) {
            Object o = c.getConstructor().newInstance();
            for (Method m : c.getDeclaredMethods()) {
                if (m.getParameterCount() == 1 && m.getParameterTypes()[0] == int.class) {
                    sum += ((Number) m.invoke(o, 3)).longValue();
                }
            }
        }
        return sum;
    }
}
