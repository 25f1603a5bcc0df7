package dev.forgeperf.sample;

import java.util.HashMap;
import java.util.Map;

/**
 * HOT SPOT 3 (contended monitor): {@link #reserve(String, int)} is {@code synchronized} and
 * holds the monitor for ~1-2 ms (simulated slow write under the lock), and every
 * {@value #RECONCILE_EVERY}th reservation for ~{@value #RECONCILE_MILLIS} ms (a "reconciliation"),
 * so concurrently calling workers block on monitor entry (jdk.JavaMonitorEnter events,
 * including some above JFR's default 20 ms threshold).
 */
public final class Inventory {

    /** Every Nth reservation performs a long reconciliation while holding the lock. */
    static final int RECONCILE_EVERY = 50;
    /** Duration of the long reconciliation, in milliseconds. */
    static final int RECONCILE_MILLIS = 25;

    private static final int INITIAL_STOCK = 1_000;

    private final Map<String, Integer> stock = new HashMap<>();
    /** Written only while holding the monitor; volatile so stats can read them lock-free. */
    private volatile long reservations;
    private volatile long restocks;

    public Inventory() {
        for (String sku : OrderFactory.SKUS) {
            stock.put(sku, INITIAL_STOCK);
        }
    }

    /**
     * Reserves {@code qty} units of {@code sku}, restocking when running low.
     *
     * @return the remaining stock after the reservation
     */
    public synchronized int reserve(String sku, int qty) {
        int available = stock.getOrDefault(sku, 0);
        if (available < qty) {
            available += INITIAL_STOCK;
            restocks++;
        }
        int remaining = available - qty;
        stock.put(sku, remaining);
        reservations++;
        // Simulate a slow, synchronous persistence step while still holding the monitor.
        holdLock(reservations % RECONCILE_EVERY == 0 ? RECONCILE_MILLIS : 1);
        return remaining;
    }

    /** Number of successful reservations so far. */
    public long reservations() {
        return reservations;
    }

    /** Number of restocks triggered by reservations so far. */
    public long restocks() {
        return restocks;
    }

    private static void holdLock(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
