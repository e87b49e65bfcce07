package io.streamops.benchmarks;

import org.apache.spark.sql.streaming.StreamingQueryListener;

import java.util.ArrayDeque;

/**
 * Diagnostic control, not a product: only the hand-off pattern streamops' callback uses (wrap the event
 * with a timestamp, add it to a lock-guarded ArrayDeque, and with {@code wake} notify a consumer thread
 * waiting on that lock), with none of streamops' code. Without {@code wake} the consumer drains the
 * deque every 100 ms instead and the callback wakes nobody. Compared with streamops it tells whether a
 * callback's cost is streamops' own or the price of handing work to another thread on this machine.
 */
final class HandoffListener extends StreamingQueryListener {
    private final Object lock = new Object();
    private final ArrayDeque<Object[]> items = new ArrayDeque<>();
    private final boolean wake;

    HandoffListener(boolean wake) {
        this.wake = wake;
        Thread consumer = new Thread(wake ? this::waitingConsumer : this::pollingConsumer, "handoff-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        Object[] captured = {event, System.currentTimeMillis()};
        synchronized (lock) {
            items.addLast(captured);
            if (wake && items.size() == 1) {
                lock.notifyAll();
            }
        }
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
    }

    private void waitingConsumer() {
        try {
            while (true) {
                synchronized (lock) {
                    while (items.isEmpty()) {
                        lock.wait(500);
                    }
                    items.pollFirst();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pollingConsumer() {
        try {
            while (true) {
                Thread.sleep(100);
                synchronized (lock) {
                    items.clear();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
