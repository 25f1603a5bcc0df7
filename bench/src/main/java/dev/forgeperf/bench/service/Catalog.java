package dev.forgeperf.bench.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The shop's products and a word search over them: tokenizing, scoring, sorting. */
final class Catalog {
    private final List<String> names = new ArrayList<>();
    private final List<String> descriptions = new ArrayList<>();

    Catalog(int size) {
        String[] words = {"red", "blue", "steel", "oak", "chair", "table", "lamp", "desk", "soft", "large", "small", "round", "glass",
            "shelf", "linen", "wool", "black", "white", "outdoor", "kitchen"};
        for (int i = 0; i < size; i++) {
            names.add(words[i % words.length] + " " + words[(i / 3) % words.length] + " " + i);
            descriptions.add(words[(i * 7) % words.length] + " " + words[(i * 11) % words.length] + " " + words[(i * 13) % words.length]);
        }
    }

    int size() {
        return names.size();
    }

    String name(int i) {
        return names.get(i);
    }

    /** Indices of the best {@code limit} matches for {@code query}, best first. */
    List<Integer> search(String query, int limit) {
        String[] terms = tokenize(query);
        List<int[]> scored = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            int s = score(terms, names.get(i), descriptions.get(i));
            if (s > 0) {
                scored.add(new int[] {i, s});
            }
        }
        scored.sort((a, b) -> b[1] != a[1] ? Integer.compare(b[1], a[1]) : Integer.compare(a[0], b[0]));
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < Math.min(limit, scored.size()); k++) {
            out.add(scored.get(k)[0]);
        }
        return out;
    }

    static String[] tokenize(String text) {
        return text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+");
    }

    static int score(String[] terms, String name, String description) {
        int s = 0;
        for (String t : terms) {
            if (!t.isEmpty()) {
                if (name.contains(t)) {
                    s += 3;
                }
                if (description.contains(t)) {
                    s += 1;
                }
            }
        }
        return s;
    }
}
