package io.streamops.listener.publish;

import io.streamops.events.EventType;
import io.streamops.listener.capture.EventBuffer;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded queue of encoded events waiting for Kafka. It gives up telemetry before lifecycle
 * events when full ({@link EventBuffer}), and takes back a lifecycle event Kafka failed to take.
 *
 * <p>Order on retry: the producer reports the failures of the records in flight one callback at a
 * time, oldest first. Putting each back at the head would reverse them (a run's terminated ahead of
 * its started, which made the exporter re-open the run). So failed events wait apart, ordered by when
 * they were first queued, and all of them go before anything queued later.
 */
final class Outbox {
    /** One encoded event on its way to Kafka. */
    static final class Outgoing {
        final EventType type;
        final String key;
        final byte[] value;
        final long capturedAtMillis;
        final int attempt;
        /** Place in line, given when first queued and kept on every retry. */
        final long sequence;

        Outgoing(EventType type, String key, byte[] value, long capturedAtMillis, int attempt) {
            this(type, key, value, capturedAtMillis, attempt, -1);
        }

        private Outgoing(EventType type, String key, byte[] value, long capturedAtMillis, int attempt, long sequence) {
            this.type = type;
            this.key = key;
            this.value = value;
            this.capturedAtMillis = capturedAtMillis;
            this.attempt = attempt;
            this.sequence = sequence;
        }

        Outgoing inLine(long place) {
            return new Outgoing(type, key, value, capturedAtMillis, attempt, place);
        }

        Outgoing retry() {
            return new Outgoing(type, key, value, capturedAtMillis, attempt + 1, sequence);
        }
    }

    private final EventBuffer<Outgoing> queue;
    private final AtomicLong nextSequence = new AtomicLong();
    /** Failed events, oldest first; guarded by itself. */
    private final PriorityQueue<Outgoing> retries = new PriorityQueue<>(Comparator.comparingLong((Outgoing o) -> o.sequence));

    Outbox(int capacity, EventBuffer.DropListener<Outgoing> onDrop) {
        queue = new EventBuffer<>(capacity, o -> o.type.isLifecycle(), onDrop);
    }

    /** Never blocks (the dispatcher calls it). */
    void add(Outgoing o) {
        queue.offer(o.inLine(nextSequence.getAndIncrement()));
    }

    /** Takes back an event that failed, to be sent again in its original place, before anything newer. */
    void retry(Outgoing failed) {
        synchronized (retries) {
            retries.add(failed.retry());
        }
    }

    /** The oldest failed event if any, else the head of the queue, waiting up to {@code timeout}. */
    Outgoing poll(long timeout, TimeUnit unit) throws InterruptedException {
        synchronized (retries) {
            Outgoing retry = retries.poll();
            if (retry != null) {
                return retry;
            }
        }
        return queue.poll(timeout, unit);
    }

    int size() {
        synchronized (retries) {
            return queue.size() + retries.size();
        }
    }
}
