package io.streamops.listener.capture;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A bounded FIFO between threads that, when full, gives up telemetry before lifecycle items.
 *
 * <p>{@link #offer} never blocks: it runs on Spark's threads. When the buffer is full, the oldest
 * telemetry item (progress, idle, heartbeat) makes room for the new one, whatever its kind: the
 * freshest telemetry is the most useful, and lifecycle items (started, terminated) are the last to
 * go. Only when the whole buffer is lifecycle is the new item refused. Every eviction and refusal is
 * reported to the {@link DropListener}.
 */
public final class EventBuffer<T> {

    /** Told of every item the buffer gives up, outside the buffer's lock. */
    public interface DropListener<T> {
        void dropped(T item);
    }

    /** How long a waiting consumer sleeps before looking again (offers never wake it). */
    public static final long POLL_SLICE_MILLIS = 10;

    private final int capacity;
    private final Predicate<T> isLifecycle;
    private final DropListener<T> onDrop;
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final Object lock = new Object();

    public EventBuffer(int capacity, Predicate<T> isLifecycle, DropListener<T> onDrop) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.isLifecycle = isLifecycle;
        this.onDrop = onDrop;
    }

    /** Adds at the tail. Returns false if {@code item} itself was refused. */
    public boolean offer(T item) {
        return add(item, false);
    }

    /** Puts an item back at the head, for a retry that must keep its place in line. */
    public boolean offerFirst(T item) {
        return add(item, true);
    }

    private boolean add(T item, boolean first) {
        T dropped = null;
        boolean accepted = true;
        synchronized (lock) {
            if (items.size() >= capacity) {
                dropped = evictOldestTelemetry();
                if (dropped == null) {
                    dropped = item;
                    accepted = false;
                }
            }
            if (accepted) {
                if (first) {
                    items.addFirst(item);
                } else {
                    items.addLast(item);
                }
                // No notify: waking the consumer is a system call that cost the listener-bus thread
                // ~20 µs per event and then often its core (BENCHMARKS.md). The consumer looks again
                // every POLL_SLICE_MILLIS instead.
            }
        }
        if (dropped != null) {
            onDrop.dropped(dropped);
        }
        return accepted;
    }

    private T evictOldestTelemetry() {
        Iterator<T> it = items.iterator();
        while (it.hasNext()) {
            T candidate = it.next();
            if (!isLifecycle.test(candidate)) {
                it.remove();
                return candidate;
            }
        }
        return null;
    }

    /**
     * The head item, waiting up to {@code timeout}; null if none came. Offers do not wake a waiting
     * poll, so an item waits at most {@link #POLL_SLICE_MILLIS} before a waiting consumer sees it.
     */
    public T poll(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (lock) {
            while (items.isEmpty()) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(POLL_SLICE_MILLIS)));
            }
            return items.pollFirst();
        }
    }

    public int size() {
        synchronized (lock) {
            return items.size();
        }
    }

    public int capacity() {
        return capacity;
    }
}
