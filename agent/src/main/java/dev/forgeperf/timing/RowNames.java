package dev.forgeperf.timing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.forgeperf.bootstrap.MethodStats;

/**
 * The names timing rows are shown under ({@code timings}, snapshots, the per-interval history):
 * one name per row, told apart where rows would share one. A pure function of the rows given;
 * stateless and thread-safe.
 */
final class RowNames {
    private RowNames() {
    }

    /**
     * The name each row is shown under: the short name; the qualified one (full parameter
     * types) for rows whose short names collide and differ in it; plus {@code " [loader]"} for
     * rows that still collide (same method in two class loaders, or rows of unloaded loaders);
     * a row whose name is still taken by an earlier one (in {@code all}'s order) gets
     * {@code " #2"}, {@code " #3"}, …, so every name is unique.
     */
    static Map<MethodStats, String> displayNames(List<MethodStats> all) {
        Map<String, List<MethodStats>> byName = new HashMap<>();
        for (MethodStats s : all) {
            byName.computeIfAbsent(s.name(), k -> new ArrayList<>(1)).add(s);
        }
        Map<MethodStats, String> out = new java.util.IdentityHashMap<>();
        for (List<MethodStats> same : byName.values()) {
            if (same.size() == 1) {
                out.put(same.get(0), same.get(0).name());
                continue;
            }
            Map<String, List<MethodStats>> byQualified = new HashMap<>();
            for (MethodStats s : same) {
                byQualified.computeIfAbsent(s.qualifiedName(), k -> new ArrayList<>(1)).add(s);
            }
            for (List<MethodStats> q : byQualified.values()) {
                String base = byQualified.size() > 1 ? q.get(0).qualifiedName() : q.get(0).name();
                for (MethodStats s : q) {
                    out.put(s, q.size() == 1 || s.loader() == null ? base : base + " [" + s.loader() + "]");
                }
            }
        }
        // two loaders with one label (same name, same identity hash) would still collide: the later row gets a number
        java.util.Set<String> taken = new java.util.HashSet<>();
        for (MethodStats s : all) {
            String n = out.get(s);
            for (int i = 2; !taken.add(n); i++) {
                n = out.get(s) + " #" + i;
            }
            out.put(s, n);
        }
        return out;
    }
}
