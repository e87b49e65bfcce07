package io.streamops.exporter.notify.delivery;

import io.streamops.exporter.notify.DeliveryOutcome;
import io.streamops.exporter.notify.Failures;
import io.streamops.exporter.notify.NotificationText;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Delivers one receiver's notifications, in order, on its own thread: so a channel that hangs or is
 * down delays nobody but itself.
 *
 * <p>Strictly first in, first out: the head is retried (after its back-off) before anything behind it
 * is sent. That keeps a resolve from overtaking the trigger it resolves, which would reopen the incident.
 */
final class ReceiverWorker {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiverWorker.class);
    private static final Duration MAX_SINGLE_WAIT = Duration.ofHours(1);
    private static final Duration INTERRUPTED_SEND_GRACE = Duration.ofSeconds(1);

    private final Receiver receiver;
    private final DeliveryStore store;
    private final DeliveryMetrics metrics;
    private final Clock clock;
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<PendingDelivery> queue = new ArrayDeque<>(); // guarded by lock
    private boolean stopping; // guarded by lock

    ReceiverWorker(Receiver receiver, DeliveryStore store, MeterRegistry registry, Clock clock) {
        this.receiver = receiver;
        this.store = store;
        this.clock = clock;
        this.metrics = new DeliveryMetrics(registry, receiver.name(), receiver.notifier().channel(), this::pending);
        this.thread = new Thread(this::run, "streamops-notify-" + receiver.name());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void enqueue(PendingDelivery delivery) {
        lock.lock();
        try {
            queue.addLast(delivery);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int pending() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until nothing is pending (everything delivered, rejected or given up) or until
     * {@code deadlineNanos} (System.nanoTime); the thread goes on sending meanwhile. Whether it drained.
     */
    boolean awaitDrained(long deadlineNanos) {
        lock.lock();
        try {
            while (!queue.isEmpty()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return queue.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Asks the thread to stop after the current attempt. What is pending stays on disk. */
    void requestStop() {
        lock.lock();
        try {
            stopping = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the thread to end until {@code deadlineNanos} (System.nanoTime), then interrupts a send still going. */
    void awaitStop(long deadlineNanos) {
        try {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(INTERRUPTED_SEND_GRACE.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.close();
    }

    private void run() {
        PendingDelivery due;
        while ((due = awaitDue()) != null) {
            try {
                settle(due, attempt(due));
            } catch (RuntimeException e) {
                // A bug here must not end the thread: that would silence the receiver for good.
                LOG.error("unexpected failure settling notification {} to receiver {}", due.sequence(), receiver.name(), e);
                deferHead(due);
            }
        }
    }

    /** The head of the queue once it is due, or null when stopping. */
    private PendingDelivery awaitDue() {
        lock.lock();
        try {
            while (!stopping) {
                PendingDelivery head = queue.peekFirst();
                if (head == null) {
                    changed.await();
                    continue;
                }
                Duration wait = Duration.between(clock.instant(), head.nextAttemptAt());
                if (wait.isNegative() || wait.isZero()) {
                    return head;
                }
                // Capped so that an absurd date cannot overflow; the loop just waits again.
                changed.awaitNanos(Math.min(wait.toNanos(), MAX_SINGLE_WAIT.toNanos()));
            }
            return null;
        } catch (InterruptedException e) {
            return null;
        } finally {
            lock.unlock();
        }
    }

    private DeliveryOutcome attempt(PendingDelivery delivery) {
        try {
            return receiver.notifier().send(delivery.notification());
        } catch (RuntimeException e) {
            // A notifier must not throw; if one does (a bug), the notification still gets its retries.
            return DeliveryOutcome.retryLater("notifier failed: " + Failures.describe(e));
        }
    }

    private void settle(PendingDelivery delivery, DeliveryOutcome outcome) {
        String group = NotificationText.oneLine(delivery.notification().groupKey());
        if (outcome instanceof DeliveryOutcome.Delivered) {
            finish(delivery);
            metrics.sent();
            LOG.info("notification {} for group {} delivered to receiver {}{}", delivery.sequence(), group,
                    receiver.name(), delivery.attempts() == 0 ? "" : " after " + delivery.attempts() + " failed attempts");
        } else if (outcome instanceof DeliveryOutcome.Rejected rejected) {
            finish(delivery);
            metrics.rejected();
            LOG.warn("receiver {} rejected notification {} for group {} permanently, not retrying: {}",
                    receiver.name(), delivery.sequence(), group, rejected.reason());
        } else if (outcome instanceof DeliveryOutcome.RetryLater retry) {
            if (isStopping()) {
                // Most likely our own interrupt: not the channel's failure. The file stays as it was.
                LOG.info("notification {} to receiver {} left pending at shutdown", delivery.sequence(), receiver.name());
                return;
            }
            retryOrGiveUp(delivery, retry, group);
        }
    }

    private void retryOrGiveUp(PendingDelivery delivery, DeliveryOutcome.RetryLater retry, String group) {
        RetryPolicy policy = receiver.retryPolicy();
        int attempts = delivery.attempts() + 1;
        Instant now = clock.instant();
        Duration delay = policy.delayAfter(attempts, retry.serverDelay());
        Instant next = now.plus(delay);
        if (policy.givesUp(attempts, delivery.firstQueuedAt(), next)) {
            finish(delivery);
            metrics.failed();
            LOG.error("giving up notification {} for group {} to receiver {} after {} attempts since {}: {}",
                    delivery.sequence(), group, receiver.name(), attempts, delivery.firstQueuedAt(), retry.reason());
            return;
        }
        PendingDelivery again = delivery.failedAgain(next, retry.reason());
        try {
            store.save(again);
        } catch (UncheckedIOException e) {
            // Still retried from memory; only a restart before success would lose the new attempt count.
            LOG.warn("cannot persist retry state of notification {}: {}", delivery.sequence(), e.getCause().toString());
        }
        lock.lock();
        try {
            queue.pollFirst();
            queue.addFirst(again);
        } finally {
            lock.unlock();
        }
        metrics.retried();
        LOG.warn("notification {} for group {} to receiver {} failed (attempt {}), retrying in {} ms: {}",
                delivery.sequence(), group, receiver.name(), attempts, delay.toMillis(), retry.reason());
    }

    /** After a bug: keep the head, but not before the policy's longest delay, so it cannot spin. */
    private void deferHead(PendingDelivery delivery) {
        lock.lock();
        try {
            if (queue.peekFirst() == delivery) {
                queue.pollFirst();
                queue.addFirst(delivery.failedAgain(clock.instant().plus(receiver.retryPolicy().maxDelay()), "internal error"));
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean isStopping() {
        lock.lock();
        try {
            return stopping;
        } finally {
            lock.unlock();
        }
    }

    private void finish(PendingDelivery delivery) {
        store.remove(delivery);
        lock.lock();
        try {
            queue.pollFirst();
            changed.signalAll(); // for awaitDrained
        } finally {
            lock.unlock();
        }
    }
}
