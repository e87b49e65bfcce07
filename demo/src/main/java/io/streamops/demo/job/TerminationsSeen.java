package io.streamops.demo.job;

import org.apache.spark.sql.streaming.StreamingQueryListener;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The queries whose terminated event Spark's listener bus has delivered. Listeners are called in the order
 * they were registered, and this one is registered after those of the configuration, so once it has seen a
 * query's termination, every configured listener has been given it too.
 */
final class TerminationsSeen extends StreamingQueryListener {
    private final Set<UUID> terminated = ConcurrentHashMap.newKeySet();

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
        synchronized (this) {
            terminated.add(event.id());
            notifyAll();
        }
    }

    /** Waits until {@code id}'s terminated event was delivered; false if it was not within {@code timeout}. */
    synchronized boolean await(UUID id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!terminated.contains(id)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
