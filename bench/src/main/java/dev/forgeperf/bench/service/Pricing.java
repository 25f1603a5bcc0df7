package dev.forgeperf.bench.service;

/** Prices with quantity discounts and taxes, computed per line. */
final class Pricing {
    private Pricing() {
    }

    static long quoteCents(int product, int quantity, String region) {
        long base = basePrice(product);
        long gross = base * quantity;
        long net = gross - discount(gross, quantity);
        return net + tax(net, region);
    }

    static long basePrice(int product) {
        long h = product * 2654435761L;
        return 500 + Math.floorMod(h, 99_500L);
    }

    static long discount(long gross, int quantity) {
        int pct = quantity >= 100 ? 15 : quantity >= 20 ? 10 : quantity >= 5 ? 5 : 0;
        return gross * pct / 100;
    }

    static long tax(long net, String region) {
        int permille = switch (region) {
            case "eu" -> 200;
            case "us" -> 80;
            case "uk" -> 200;
            default -> 100;
        };
        return net * permille / 1000;
    }
}
