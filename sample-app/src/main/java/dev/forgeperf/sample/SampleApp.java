package dev.forgeperf.sample;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Entry point of the forge-perf sample "order service" workload used by tests and demos.
 * Starts {@code order-worker-N} threads that exercise the known hot spots:
 * <ol>
 *   <li>CPU: {@link PriceCalculator#computePrice(Order)}</li>
 *   <li>allocation: {@link ReportBuilder#buildReport(Order, String, double)}</li>
 *   <li>contended monitor: {@link Inventory#reserve(String, int)}</li>
 *   <li>parking queue: {@link EventBus} ({@code eventbus-producer} / {@code eventbus-consumer})</li>
 *   <li>memory leak ({@code --leak}): {@link SessionCache} / {@link LeakedSession}</li>
 *   <li>exceptions: {@link OrderService#validate(Order)}</li>
 *   <li>cheap method: {@link OrderService#lookupCustomer(int)}</li>
 * </ol>
 * plus an optional deadlock ({@code --deadlock}, {@link DeadlockDemo}).
 *
 * <p>Output protocol (stdout): {@code sample-app ready pid=<pid>} once everything is started,
 * {@code sample-app stats orders=<n> ...} every 5 s unless {@code --quiet}, and
 * {@code sample-app done orders=<n> second_half_per_s=<r>} (orders per second in the run's second half) before exiting 0 after {@code --duration}.
 */
public final class SampleApp {

    /** Interval between stats lines. */
    static final long STATS_INTERVAL_MILLIS = 5_000;

    private final Options options;
    private final WorkloadStats stats = new WorkloadStats();
    private final Inventory inventory = new Inventory();
    private final EventBus eventBus = new EventBus();
    private final List<OrderWorker> workers = new ArrayList<>();
    private final List<Thread> workerThreads = new ArrayList<>();

    private SampleApp(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (Options.UsageException e) {
            System.err.println("sample-app: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(Options.USAGE);
            System.out.flush();
            System.exit(0);
            return;
        }
        new SampleApp(options).run();
    }

    private void run() throws InterruptedException {
        startWorkload();

        PrintStream out = System.out;
        out.println("sample-app ready pid=" + ProcessHandle.current().pid());
        out.flush();

        long durationNanos = TimeUnit.SECONDS.toNanos(options.durationSeconds());
        long start = System.nanoTime();
        long nextStats = start + TimeUnit.MILLISECONDS.toNanos(STATS_INTERVAL_MILLIS);
        // the second half of a timed run, measured apart: throughput once start-up costs are paid
        long half = start + durationNanos / 2;
        long halfAt = 0;
        long ordersAtHalf = 0;
        long now;
        while (true) {
            now = System.nanoTime();
            if (durationNanos > 0 && halfAt == 0 && now - half >= 0) {
                halfAt = now;
                ordersAtHalf = stats.ordersHandled();
            }
            if (durationNanos > 0 && now - start >= durationNanos) {
                break;
            }
            if (now - nextStats >= 0) {
                if (!options.quiet()) {
                    out.println(statsLine());
                    out.flush();
                }
                nextStats += TimeUnit.MILLISECONDS.toNanos(STATS_INTERVAL_MILLIS);
            }
            long wakeUp = nextStats;
            if (durationNanos > 0 && halfAt == 0 && half - wakeUp < 0) {
                wakeUp = half;
            }
            if (durationNanos > 0 && start + durationNanos - wakeUp < 0) {
                wakeUp = start + durationNanos;
            }
            long sleepNanos = Math.max(0, wakeUp - System.nanoTime());
            TimeUnit.NANOSECONDS.sleep(Math.min(sleepNanos, TimeUnit.SECONDS.toNanos(1)));
        }

        long orders = stats.ordersHandled();
        stopWorkload();
        String secondHalf = durationNanos > 0 && halfAt != 0 && now != halfAt
                ? String.format(" second_half_per_s=%.1f", (orders - ordersAtHalf) * 1e9 / (now - halfAt)) : "";
        out.println("sample-app done orders=" + orders + secondHalf);
        out.flush();
        System.exit(0);
    }

    private void startWorkload() throws InterruptedException {
        Ballast.retain(options.retainMb());
        eventBus.start();
        if (options.leak()) {
            SessionCache.startLeaking();
        }
        OrderFactory factory = new OrderFactory();
        OrderService service = new OrderService(new PriceCalculator(), inventory, new ReportBuilder(), stats);
        for (int i = 1; i <= options.threads(); i++) {
            OrderWorker worker = new OrderWorker(factory, service, eventBus, options.cpuOnly());
            Thread thread = new Thread(worker, "order-worker-" + i);
            thread.setDaemon(true);
            workers.add(worker);
            workerThreads.add(thread);
            thread.start();
        }
        if (options.deadlock()) {
            DeadlockDemo deadlock = new DeadlockDemo();
            deadlock.start();
            if (!deadlock.awaitDeadlock(5, TimeUnit.SECONDS)) {
                System.err.println("sample-app: warning: deadlock threads not blocked after 5 s");
            }
        }
    }

    private void stopWorkload() throws InterruptedException {
        workers.forEach(OrderWorker::stop);
        for (Thread thread : workerThreads) {
            thread.interrupt();
        }
        for (Thread thread : workerThreads) {
            thread.join(2_000);
        }
        eventBus.stop();
        SessionCache.stopLeaking();
    }

    private String statsLine() {
        Runtime rt = Runtime.getRuntime();
        long heapUsedMb = (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024);
        return "sample-app stats"
                + " orders=" + stats.ordersHandled()
                + " rejected=" + stats.ordersRejected()
                + " reports=" + stats.reportsBuilt()
                + " reservations=" + inventory.reservations()
                + " events=" + eventBus.consumed()
                + " published=" + eventBus.published()
                + " dropped=" + eventBus.dropped()
                + " sessions=" + SessionCache.size()
                + " leakedKB=" + SessionCache.retainedBytes() / 1024
                + " heapUsedMB=" + heapUsedMb;
    }
}
