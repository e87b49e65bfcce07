package io.streamops.exporter.notify.delivery;

import io.streamops.exporter.notify.DeliveryOutcome;
import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.notify.Notifier;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A notifier whose outcomes a test decides: scripted ones first, then a default. It records every
 * call, and can be made to hang (like an SMTP server that accepts and never answers) until released.
 */
final class ScriptedNotifier implements Notifier {
    private final String channel;
    private final Deque<Supplier<DeliveryOutcome>> script = new ArrayDeque<>(); // guarded by this
    private final List<Notification> calls = new ArrayList<>(); // guarded by this
    private final List<Long> callNanos = new ArrayList<>(); // guarded by this
    private Supplier<DeliveryOutcome> otherwise = DeliveryOutcome::delivered; // guarded by this
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final AtomicInteger inFlight = new AtomicInteger();

    ScriptedNotifier(String channel) {
        this.channel = channel;
    }

    synchronized ScriptedNotifier then(DeliveryOutcome... outcomes) {
        for (DeliveryOutcome outcome : outcomes) {
            script.addLast(() -> outcome);
        }
        return this;
    }

    synchronized ScriptedNotifier thenThrow(RuntimeException failure) {
        script.addLast(() -> {
            throw failure;
        });
        return this;
    }

    synchronized ScriptedNotifier otherwise(DeliveryOutcome outcome) {
        otherwise = () -> outcome;
        return this;
    }

    /** Every send from now on blocks until {@link #release()} (or a minute passes). */
    ScriptedNotifier hang() {
        gate = new CountDownLatch(1);
        return this;
    }

    void release() {
        gate.countDown();
    }

    int inFlight() {
        return inFlight.get();
    }

    synchronized List<Notification> calls() {
        return List.copyOf(calls);
    }

    synchronized List<Long> callNanos() {
        return List.copyOf(callNanos);
    }

    @Override
    public String channel() {
        return channel;
    }

    @Override
    public DeliveryOutcome send(Notification notification) {
        Supplier<DeliveryOutcome> next;
        synchronized (this) {
            calls.add(notification);
            callNanos.add(System.nanoTime());
            next = script.isEmpty() ? otherwise : script.pollFirst();
        }
        inFlight.incrementAndGet();
        try {
            if (!gate.await(1, TimeUnit.MINUTES)) {
                return DeliveryOutcome.retryLater("test gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DeliveryOutcome.retryLater("interrupted");
        } finally {
            inFlight.decrementAndGet();
        }
        return next.get();
    }
}
