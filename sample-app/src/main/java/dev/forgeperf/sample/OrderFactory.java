package dev.forgeperf.sample;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creates synthetic orders. Exactly every 10th order (by id) is malformed
 * (quantity 0) so that {@link OrderService#validate(Order)} rejects ~10% of orders.
 * Not a hot spot.
 */
public final class OrderFactory {

    /** SKUs known to the {@link Inventory}. */
    static final String[] SKUS = {
        "SKU-APPLE", "SKU-BANANA", "SKU-CHERRY", "SKU-DATE",
        "SKU-ELDER", "SKU-FIG", "SKU-GRAPE", "SKU-HONEYDEW"
    };

    /** One in this many orders is malformed. */
    static final int MALFORMED_EVERY = 10;

    private final AtomicLong nextId = new AtomicLong(1);

    /** Returns a new order with a fresh id. */
    public Order next() {
        long id = nextId.getAndIncrement();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int customerId = rnd.nextInt(OrderService.CUSTOMER_COUNT);
        String sku = SKUS[rnd.nextInt(SKUS.length)];
        int quantity = (id % MALFORMED_EVERY == 0) ? 0 : 1 + rnd.nextInt(5);
        double unitPrice = 1.0 + rnd.nextInt(10_000) / 100.0;
        return new Order(id, customerId, sku, quantity, unitPrice);
    }
}
