package dev.forgeperf.sample;

/**
 * A worker thread body ({@code order-worker-N}): creates an order, validates it (catching the
 * occasional {@link IllegalArgumentException}), handles it, publishes an event and sleeps ~1 ms.
 * Not a hot spot itself; it drives all the others.
 */
public final class OrderWorker implements Runnable {

    /** Pause between orders, keeping total CPU use moderate. */
    static final long PAUSE_MILLIS = 1;

    private final OrderFactory factory;
    private final OrderService service;
    private final EventBus eventBus;
    private final boolean cpuOnly;
    private volatile boolean running = true;
    private double revenue;   // read by nobody; keeps results alive

    public OrderWorker(OrderFactory factory, OrderService service, EventBus eventBus) {
        this(factory, service, eventBus, false);
    }

    /** @param cpuOnly price orders back to back: no inventory lock, no event, no pause */
    public OrderWorker(OrderFactory factory, OrderService service, EventBus eventBus, boolean cpuOnly) {
        this.cpuOnly = cpuOnly;
        this.factory = factory;
        this.service = service;
        this.eventBus = eventBus;
    }

    /** Asks the worker to finish after its current order. */
    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        try {
            while (running && !Thread.currentThread().isInterrupted()) {
                processOne();
                if (!cpuOnly) {
                    Thread.sleep(PAUSE_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void processOne() {
        Order order = factory.next();
        try {
            service.validate(order);
        } catch (IllegalArgumentException rejected) {
            return;
        }
        double total = service.handleOrder(order, !cpuOnly);
        revenue += total;
        if (!cpuOnly) {
            eventBus.publish("order-" + order.id());
        }
    }

    /** Sum of order totals handled by this worker (only for keeping results observable). */
    public double revenue() {
        return revenue;
    }
}
