package dev.forgeperf.sample;

/**
 * The order-handling facade called by the worker threads. Contains:
 * <ul>
 *   <li>HOT SPOT 6 (exceptions): {@link #validate(Order)} throws
 *       {@link IllegalArgumentException} for ~1 in 10 orders (caught by the caller);</li>
 *   <li>HOT SPOT 7 (cheap method): {@link #lookupCustomer(int)} is a trivial array read,
 *       used for instrumentation-overhead measurements;</li>
 *   <li>{@link #handleOrder(Order)}, the caller of the CPU, contention and allocation hot spots.</li>
 * </ul>
 */
public class OrderService {

    /** Size of the customer table; customer ids are in {@code [0, CUSTOMER_COUNT)}. */
    public static final int CUSTOMER_COUNT = 16;

    /** Every Nth handled order also produces a report. */
    static final int REPORT_EVERY = 4;

    private static final String[] CUSTOMERS = {
        "Ada", "Babbage", "Curie", "Dijkstra", "Euler", "Feynman", "Gauss", "Hopper",
        "Ishango", "Jacquard", "Knuth", "Lovelace", "Mendel", "Noether", "Ohm", "Pascal"
    };

    private final PriceCalculator priceCalculator;
    private final Inventory inventory;
    private final ReportBuilder reportBuilder;
    private final WorkloadStats stats;

    public OrderService(PriceCalculator priceCalculator, Inventory inventory,
                        ReportBuilder reportBuilder, WorkloadStats stats) {
        this.priceCalculator = priceCalculator;
        this.inventory = inventory;
        this.reportBuilder = reportBuilder;
        this.stats = stats;
    }

    /**
     * Validates an order.
     *
     * @throws IllegalArgumentException if the order is malformed (about 1 in 10 orders)
     */
    public void validate(Order order) {
        if (order.quantity() <= 0) {
            stats.ordersRejected.increment();
            throw new IllegalArgumentException(
                    "order " + order.id() + ": quantity must be positive, was " + order.quantity());
        }
        if (order.sku() == null || order.sku().isEmpty()) {
            stats.ordersRejected.increment();
            throw new IllegalArgumentException("order " + order.id() + ": missing sku");
        }
    }

    /** Returns the customer name for an id. Deliberately trivial (overhead measurements). */
    public String lookupCustomer(int id) {
        return CUSTOMERS[id & (CUSTOMER_COUNT - 1)];
    }

    /**
     * Handles a validated order: prices it (CPU hot spot), reserves stock (contended monitor)
     * and, for every {@value #REPORT_EVERY}th order, builds a report (allocation hot spot).
     *
     * @return the computed order total
     */
    public double handleOrder(Order order) {
        return handleOrder(order, true);
    }

    /**
     * Handles a validated order; without {@code reserve} it only prices it and builds the
     * periodic report (the CPU-bound mode of {@code --cpu-only}).
     */
    public double handleOrder(Order order, boolean reserve) {
        String customer = lookupCustomer(order.customerId());
        double total = priceCalculator.computePrice(order);
        if (reserve) {
            inventory.reserve(order.sku(), order.quantity());
        }
        if (order.id() % REPORT_EVERY == 1) {
            reportBuilder.buildReport(order, customer, total);
            stats.reportsBuilt.increment();
        }
        stats.ordersHandled.increment();
        return total;
    }
}
