package dev.forgeperf.timing;

import java.lang.ref.ReferenceQueue;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

import dev.forgeperf.bootstrap.MethodStats;
import dev.forgeperf.bootstrap.Recorder;
import dev.forgeperf.bootstrap.TimingSnapshot;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;

/**
 * The registry of timed methods, shared by every installed spec of one {@link TimingService}.
 * <ul>
 * <li>Ids: a method gets one id in the bootstrap {@link Recorder} per defining class loader (held
 *     weakly) and method key (name and descriptor), or one per normalised name for generated classes
 *     ({@link GeneratedNames}); ids are registered at transform time, never on the hot path.</li>
 * <li>Claims: a method matched by two specs is timed once, by the first that claims it (claim key
 *     "loader serial/method key", -1 for generated classes); the other spec's transformer leaves it
 *     alone ({@link #mayTime}).</li>
 * <li>Collected loaders: once a loader is collected, its rows are folded into per-method "unloaded"
 *     rows, its ids released and its claims dropped ({@link #foldCollected}, run before each
 *     registration and each read of what is timed).</li>
 * </ul>
 * Thread-safety: ids, loaders and counts are guarded by one lock; claims are a concurrent map; the
 * loader of the class being transformed is kept per thread, from {@link #transforming} (the
 * transformer) to {@link #transformed} (the install's listener).
 */
final class TimedMethods {
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
    private final Map<String, InstalledSpec> claims = new ConcurrentHashMap<>();
    /** The loader of the class being transformed on this thread (set by the transformer, cleared by the listener). */
    private final ThreadLocal<LoaderIds> transforming = new ThreadLocal<>();

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

    /** Called by the transformer before it visits a class of {@code loader} (null: the boot loader) on this thread. */
    void transforming(ClassLoader loader) {
        transforming.set(loaderIds(loader));
    }

    /** Called once the class is transformed (or failed): this thread transforms nothing any more. */
    void transformed() {
        transforming.remove();
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
                    InstalledSpec owner = claims.remove(claimKey);
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

    /**
     * Forgets every row registered here (timed methods, generated classes' rows, unloaded rows):
     * their ids are retired in the {@link Recorder} (never reused, see {@link Recorder#retire}) and
     * every claim is dropped. For an agent that detaches, after its specs were removed: the
     * bootstrap registry outlives the agent, and a later agent must not find these rows beside its
     * own. Returns how many rows were dropped.
     */
    int retireAll() {
        synchronized (registry) {
            java.util.List<Map<String, Integer>> maps = new java.util.ArrayList<>();
            maps.add(bootLoader.ids);
            for (LoaderIds l : loaders.values()) {
                maps.add(l.ids);
            }
            maps.add(foldedIds);
            maps.add(unloadedRows);
            int dropped = 0;
            for (Map<String, Integer> ids : maps) {
                for (Integer id : ids.values()) {
                    if (Recorder.stats(id) != null) {
                        Recorder.retire(id);
                        dropped++;
                    }
                }
                ids.clear();
            }
            claims.clear();
            return dropped;
        }
    }

    /** Class loaders whose timed methods were folded after the loader was collected. */
    long loadersCollected() {
        synchronized (registry) {
            return loadersCollected;
        }
    }

    /**
     * Called at transform time: the id of a method {@code install} times, registering it on first
     * sight; -1 (not timed) when {@code timed.maxMethods} methods are registered already.
     */
    int idFor(InstalledSpec install, TypeDescription type, MethodDescription method) {
        LoaderIds loader = transforming.get();
        if (loader == null) {
            loader = bootLoader;
        }
        foldCollected();
        String folded = GeneratedNames.fold(type.getName());
        String key = key(folded == null ? type.getName() : folded, method);
        String claimKey = (folded == null ? loader.serial : -1) + "/" + key;
        claims.putIfAbsent(claimKey, install);
        synchronized (registry) {
            Map<String, Integer> ids = folded == null ? loader.ids : foldedIds;
            Integer id = ids.get(key);
            if (id == null) {
                String className = folded == null ? type.getTypeName() : folded;
                int registered = Recorder.register(new MethodStats(MethodSpec.displayName(className, method, false),
                        MethodSpec.displayName(className, method, true), folded == null ? loader.label : "generated"));
                if (registered < 0) {
                    install.refused.incrementAndGet(); // said once in the log by TimingLimits' listener
                    return -1;
                }
                id = registered;
                ids.put(key, id);
            }
            install.keys.put(claimKey, id);
            return id;
        }
    }

    /** Whether {@code install} may time {@code m} of the class being transformed: no other install claimed it. */
    boolean mayTime(InstalledSpec install, MethodDescription m) {
        LoaderIds loader = transforming.get();
        String type = m.getDeclaringType().asErasure().getName();
        String folded = GeneratedNames.fold(type);
        InstalledSpec owner = claims.get((folded == null ? (loader == null ? 0 : loader.serial) : -1) + "/"
                + key(folded == null ? type : folded, m));
        return owner == null || owner == install;
    }

    private static String key(String typeName, MethodDescription m) {
        return typeName + "#" + m.getInternalName() + m.getDescriptor();
    }

    /** Drops {@code install}'s claim on a method (removed spec, failed class), leaving the method to the next spec that matches it. */
    void unclaim(String claimKey, InstalledSpec install) {
        claims.remove(claimKey, install);
    }

    /**
     * The ids of the methods timed now (claimed by an installed spec), in id order; rows of removed
     * specs stay for {@code timings} but no call records into them.
     */
    Set<Integer> claimedIds() {
        Set<Integer> timedIds = new java.util.TreeSet<>();
        for (Map.Entry<String, InstalledSpec> e : claims.entrySet()) {
            Integer id = e.getValue().keys.get(e.getKey());
            if (id != null) {
                timedIds.add(id);
            }
        }
        return timedIds;
    }
}
