package dev.forgeperf.sample;

/**
 * HOT SPOT 1 (CPU): {@link #computePrice(Order)} burns roughly 50-200 microseconds of
 * pure CPU per call (integer hash mixing plus floating-point math, no allocation,
 * no I/O), so it dominates CPU/execution samples.
 */
public final class PriceCalculator {

    /** Loop iterations per price computation; tuned for ~100 us per call on a typical x86 core. */
    static final int ROUNDS = 14_000;

    /**
     * Computes a discounted total price for the order. All of the work happens inline in this
     * method so that it is the top frame of CPU samples.
     */
    public double computePrice(Order order) {
        long h = order.id() * 0x9E3779B97F4A7C15L + order.customerId();
        double factor = 1.0;
        for (int i = 0; i < ROUNDS; i++) {
            // splitmix64-style mixing
            h += 0x9E3779B97F4A7C15L;
            long z = h;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            double x = (z & 0xFFFFF) / (double) 0xFFFFF;   // [0, 1]
            factor += Math.sqrt(x + i) * 1e-7 - x * x * 1e-7;
        }
        // a "loyalty discount" between 0% and ~5%, derived from the mixing above
        double discount = Math.min(0.05, Math.abs(factor - 1.0));
        return order.quantity() * order.unitPrice() * (1.0 - discount);
    }
}
