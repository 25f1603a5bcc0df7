package dev.forgeperf.sample;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * HOT SPOT 4 (parking): a bounded {@link ArrayBlockingQueue} of capacity {@value #CAPACITY}
 * fed by a fast producer thread ({@code eventbus-producer}) and drained by a slow consumer
 * thread ({@code eventbus-consumer}, ~{@value #CONSUME_MILLIS} ms per event). The producer
 * therefore spends most of its time parked in {@code ArrayBlockingQueue.put}
 * ({@code LockSupport.park}, jdk.ThreadPark events). Workers publish order events without
 * blocking; events that do not fit are counted as dropped.
 */
public final class EventBus {

    /** Queue capacity; deliberately tiny. */
    static final int CAPACITY = 8;
    /** Simulated processing time per consumed event, in milliseconds. */
    static final long CONSUME_MILLIS = 25;

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final LongAdder produced = new LongAdder();
    private final LongAdder published = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder consumed = new LongAdder();
    private final Thread producer = new Thread(this::produceLoop, "eventbus-producer");
    private final Thread consumer = new Thread(this::consumeLoop, "eventbus-consumer");
    private volatile boolean running = true;

    public EventBus() {
        producer.setDaemon(true);
        consumer.setDaemon(true);
    }

    /** Starts the producer and consumer threads. */
    public void start() {
        consumer.start();
        producer.start();
    }

    /** Stops both threads and waits briefly for them to finish. */
    public void stop() throws InterruptedException {
        running = false;
        producer.interrupt();
        consumer.interrupt();
        producer.join(1_000);
        consumer.join(1_000);
    }

    /**
     * Publishes an event without blocking.
     *
     * @return {@code true} if the event was enqueued, {@code false} if the queue was full
     */
    public boolean publish(String event) {
        if (queue.offer(event)) {
            published.increment();
            return true;
        }
        dropped.increment();
        return false;
    }

    /** Events consumed so far. */
    public long consumed() {
        return consumed.sum();
    }

    /** Worker events that did not fit into the queue. */
    public long dropped() {
        return dropped.sum();
    }

    /** Worker events that were enqueued. */
    public long published() {
        return published.sum();
    }

    /** Heartbeat events enqueued by the producer thread. */
    public long produced() {
        return produced.sum();
    }

    private void produceLoop() {
        long seq = 0;
        try {
            while (running) {
                queue.put("heartbeat-" + seq++);   // parks while the queue is full
                produced.increment();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void consumeLoop() {
        try {
            while (running) {
                String event = queue.take();
                process(event);
                consumed.increment();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void process(String event) throws InterruptedException {
        if (event.isEmpty()) {
            return;
        }
        Thread.sleep(CONSUME_MILLIS);   // slow downstream consumer
    }
}
