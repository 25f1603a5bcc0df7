package dev.forgeperf.sample;

import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe counters for the sample workload, printed in the periodic stats line.
 * Not a hot spot.
 */
public final class WorkloadStats {

    final LongAdder ordersHandled = new LongAdder();
    final LongAdder ordersRejected = new LongAdder();
    final LongAdder reportsBuilt = new LongAdder();

    /** Orders that passed validation and were fully handled. */
    public long ordersHandled() {
        return ordersHandled.sum();
    }

    /** Orders rejected by {@link OrderService#validate(Order)}. */
    public long ordersRejected() {
        return ordersRejected.sum();
    }

    /** Reports produced by {@link ReportBuilder#buildReport(Order, String, double)}. */
    public long reportsBuilt() {
        return reportsBuilt.sum();
    }
}
