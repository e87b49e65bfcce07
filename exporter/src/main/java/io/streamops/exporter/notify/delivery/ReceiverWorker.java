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
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Delivers one receiver's notifications, in order, on its own thread: so a channel that hangs or is
 * down delays nobody but itself.
 *
 * <p>Strictly first in, first out: the head is retried (after its back-off) before anything behind it
 * is sent. That keeps a resolve from overtaking the trigger it resolves, which would reopen the incident.
 *
 * <p>Deliveries being handed back ({@link #hold}) are not started until they are withdrawn or released; the
 * store is written only for a delivery still queued, so a withdrawn one cannot come back to disk.
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
    /** The delivery being attempted, or null. */
    private PendingDelivery inFlight; // guarded by lock
    /** Deliveries not to be started: they are being handed back. */
    private Predicate<PendingDelivery> held = delivery -> false; // guarded by lock

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
            } finally {
                lock.lock();
                try {
                    inFlight = null;
                    changed.signalAll(); // for hold
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** The head of the queue once it is due, or null when stopping. */
    private PendingDelivery awaitDue() {
        lock.lock();
        try {
            while (!stopping) {
                PendingDelivery head = queue.peekFirst();
                if (head == null || held.test(head)) {
                    changed.await();
                    continue;
                }
                Duration wait = Duration.between(clock.instant(), head.nextAttemptAt());
                if (wait.isNegative() || wait.isZero()) {
                    inFlight = head;
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
        lock.lock();
        try {
            if (queue.peekFirst() != delivery) {
                LOG.info("notification {} to receiver {} failed (attempt {}) after it was handed back: its partition's next owner sends it",
                        delivery.sequence(), receiver.name(), attempts);
                return;
            }
            // Written under the lock: a delivery withdrawn meanwhile must not come back to disk.
            try {
                store.save(again);
            } catch (UncheckedIOException e) {
                // Still retried from memory; only a restart before success would lose the new attempt count.
                LOG.warn("cannot persist retry state of notification {}: {}", delivery.sequence(), e.getCause().toString());
            }
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
            if (queue.peekFirst() == delivery) { // else it was handed back while in flight
                queue.pollFirst();
            }
            changed.signalAll(); // for awaitDrained
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits, until {@code deadlineNanos} at most, while something {@code handedBack} selects may still go out
     * from here soon: some is queued and the head is new or being sent. A head waiting out a back-off
     * (its channel is down) ends the wait at once: nothing behind it moves before its next attempt.
     */
    void awaitSettled(Predicate<PendingDelivery> handedBack, long deadlineNanos) {
        lock.lock();
        try {
            while (true) {
                PendingDelivery head = queue.peekFirst();
                boolean moving = head != null && (head.attempts() == 0 || head == inFlight);
                if (!moving || queue.stream().noneMatch(handedBack)) {
                    return;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts no more of what {@code handedBack} selects, waits (until {@code deadlineNanos} at most) for such a
     * send in progress to end, and returns what it selects still queued: to be {@link #withdraw}n once their
     * partitions' next owner is told to send them, or {@link #release}d. A send still in progress at the
     * deadline is among them: if it succeeds after all, the next owner sends it again (at least once).
     */
    List<PendingDelivery> hold(Predicate<PendingDelivery> handedBack, long deadlineNanos) {
        lock.lock();
        try {
            held = handedBack;
            while (inFlight != null && handedBack.test(inFlight)) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
            }
            return queue.stream().filter(handedBack).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return queue.stream().filter(handedBack).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Drops {@code deliveries} from the queue and the disk (another instance sends them now), and ends the hold. */
    void withdraw(Collection<PendingDelivery> deliveries) {
        Set<Long> sequences = deliveries.stream().map(PendingDelivery::sequence).collect(Collectors.toSet());
        lock.lock();
        try {
            queue.removeIf(d -> sequences.contains(d.sequence()));
            deliveries.forEach(store::remove);
        } finally {
            lock.unlock();
        }
        release();
    }

    /** Ends a {@link #hold}: what it held is sent from here after all. */
    void release() {
        lock.lock();
        try {
            held = delivery -> false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
