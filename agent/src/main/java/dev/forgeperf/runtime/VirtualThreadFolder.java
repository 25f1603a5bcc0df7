package dev.forgeperf.runtime;

import static dev.forgeperf.runtime.VirtualThreads.MAX_EXAMPLES;
import static dev.forgeperf.runtime.VirtualThreads.MAX_FRAMES;
import static dev.forgeperf.runtime.VirtualThreads.MAX_GROUPS;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.forgeperf.runtime.VirtualThreads.Group;

/**
 * Folds the thread entries of one JDK thread dump into {@link Group}s by identical stack as the
 * reader ({@link JsonThreadDumpReader}) meets them, then makes the dump's {@link VirtualThreads}
 * ({@link #result}: groups largest first, carriers named).
 *
 * <p>Which threads are virtual: an entry in JDK 25's format (it has a {@code "state"}) says so
 * ({@code "virtual": true}); in the older format, a thread whose id is not in the platform ids
 * given (read from {@code ThreadMXBean} right after the dump). Platform threads keep only their
 * name, to name the carriers of mounted virtual threads.
 *
 * <p>Bounded: at most {@value VirtualThreads#MAX_GROUPS} groups (threads on further stacks are
 * counted, not grouped), stacks cut to their {@value VirtualThreads#MAX_FRAMES} leaf-end frames,
 * each distinct frame string held once and shared between groups, at most
 * {@value VirtualThreads#MAX_EXAMPLES} names and carriers per group.
 *
 * <p>Not thread-safe: one per dump, fed and finished by the thread that reads it.
 */
final class VirtualThreadFolder {
    private final Set<String> platformIds;
    private final Map<List<String>, Group> groups = new LinkedHashMap<>();
    private final Map<String, String> frames = new HashMap<>();
    private final Map<String, String> platformNames = new HashMap<>();
    private final Map<String, Integer> states = new TreeMap<>();
    private final List<Object[]> pendingCarriers = new ArrayList<>();
    private int total;
    private int mounted;
    private int ungrouped;

    VirtualThreadFolder(Set<String> platformIds) {
        this.platformIds = platformIds;
    }

    /** Takes one entry of {@code threads[]} (its keys and values as the reader parsed them). */
    void thread(Map<String, Object> t) {
        String tid = String.valueOf(t.get("tid"));
        String name = t.get("name") instanceof String ? (String) t.get("name") : "";
        // JDK 25+ entries carry "state" and mark virtual threads; older ones mark neither
        boolean newFormat = t.containsKey("state");
        boolean virtual = newFormat ? Boolean.TRUE.equals(t.get("virtual")) : !platformIds.contains(tid);
        if (!virtual) {
            platformNames.put(tid, name);
            return;
        }
        total++;
        List<?> raw = t.get("stack") instanceof List ? (List<?>) t.get("stack") : List.of();
        int n = Math.min(raw.size(), MAX_FRAMES);
        String[] stack = new String[n];
        for (int i = 0; i < n; i++) {
            String f = String.valueOf(raw.get(i));
            String shared = frames.putIfAbsent(f, f);
            stack[i] = shared == null ? f : shared;
        }
        String state = t.get("state") instanceof String ? (String) t.get("state") : null;
        if (state != null) {
            states.merge(state, 1, Integer::sum);
        }
        Object carrier = t.get("carrier");
        if (carrier != null) {
            mounted++;
        }
        List<String> key = Arrays.asList(stack);
        Group g = groups.get(key);
        if (g == null) {
            if (groups.size() >= MAX_GROUPS) {
                ungrouped++;
                return;
            }
            g = new Group(Collections.unmodifiableList(key), raw.size() > MAX_FRAMES);
            groups.put(key, g);
        }
        g.count++;
        if (state != null) {
            g.states.merge(state, 1, Integer::sum);
        }
        if (g.examples.size() < MAX_EXAMPLES) {
            g.examples.add('"' + name + "\" #" + tid);
        }
        if (carrier != null) {
            g.mounted++;
            String cid = String.valueOf(carrier);
            if (g.carrierIds.size() < MAX_EXAMPLES && g.carrierIds.add(cid)) {
                pendingCarriers.add(new Object[] {g, cid});
            }
        }
    }

    /** The dump: what was folded, taken at {@code timeMillis} in {@code tookNanos}. Once, after the last entry. */
    VirtualThreads result(long timeMillis, long tookNanos) {
        for (Object[] p : pendingCarriers) {
            String cid = (String) p[1];
            String name = platformNames.get(cid);
            ((Group) p[0]).carriers.add((name == null ? "carrier" : '"' + name + '"') + " #" + cid);
        }
        List<Group> sorted = new ArrayList<>(groups.values());
        sorted.sort((a, b) -> Integer.compare(b.count, a.count));
        return new VirtualThreads(timeMillis, tookNanos, total, mounted, ungrouped, states, sorted);
    }
}
