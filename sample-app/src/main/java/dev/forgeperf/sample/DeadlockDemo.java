package dev.forgeperf.sample;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Deadlock scenario (with {@code --deadlock}): two daemon threads, {@code deadlock-a} and
 * {@code deadlock-b}, acquire two monitors ({@link LedgerLock} and {@link AuditLock}) in
 * opposite order, producing a real Java-monitor deadlock that {@code jstack} /
 * {@code Thread.print} / {@code ThreadMXBean.findDeadlockedThreads()} report.
 */
public final class DeadlockDemo {

    /** First monitor (a dedicated class so thread dumps name it clearly). */
    static final class LedgerLock {
    }

    /** Second monitor. */
    static final class AuditLock {
    }

    private final LedgerLock ledger = new LedgerLock();
    private final AuditLock audit = new AuditLock();
    private final CountDownLatch bothHoldFirstLock = new CountDownLatch(2);
    private final Thread threadA = new Thread(this::ledgerThenAudit, "deadlock-a");
    private final Thread threadB = new Thread(this::auditThenLedger, "deadlock-b");

    public DeadlockDemo() {
        threadA.setDaemon(true);
        threadB.setDaemon(true);
    }

    /** Starts both threads; they deadlock almost immediately. */
    public void start() {
        threadA.start();
        threadB.start();
    }

    /**
     * Waits until both threads are {@code BLOCKED} on each other's monitor.
     *
     * @return {@code true} if the deadlock was observed within the timeout
     */
    public boolean awaitDeadlock(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (System.nanoTime() < deadline) {
            if (threadA.getState() == Thread.State.BLOCKED && threadB.getState() == Thread.State.BLOCKED) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    private void ledgerThenAudit() {
        synchronized (ledger) {
            rendezvous();
            synchronized (audit) {
                throw new IllegalStateException("unreachable: deadlock-a acquired both locks");
            }
        }
    }

    private void auditThenLedger() {
        synchronized (audit) {
            rendezvous();
            synchronized (ledger) {
                throw new IllegalStateException("unreachable: deadlock-b acquired both locks");
            }
        }
    }

    /** Ensures each thread holds its first monitor before either requests its second. */
    private void rendezvous() {
        bothHoldFirstLock.countDown();
        boolean interrupted = false;
        while (true) {
            try {
                bothHoldFirstLock.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
