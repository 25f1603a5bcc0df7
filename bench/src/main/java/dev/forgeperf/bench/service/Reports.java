package dev.forgeperf.bench.service;

import java.util.List;
import java.util.Locale;

/** A small text report of the search results with their prices. */
final class Reports {
    private Reports() {
    }

    static String render(Catalog catalog, List<Integer> items, int quantity, String region) {
        StringBuilder b = new StringBuilder(256 + items.size() * 64);
        b.append(header(items.size(), region));
        long total = 0;
        for (int i : items) {
            long cents = Pricing.quoteCents(i, quantity, region);
            total += cents;
            b.append(row(catalog.name(i), quantity, cents));
        }
        b.append(String.format(Locale.ROOT, "total %d.%02d%n", total / 100, total % 100));
        return b.toString();
    }

    static String header(int n, String region) {
        return "report: " + n + " items, region " + region + "\n";
    }

    static String row(String name, int quantity, long cents) {
        return String.format(Locale.ROOT, "%-30s x%4d %10d.%02d%n", name, quantity, cents / 100, cents % 100);
    }
}
