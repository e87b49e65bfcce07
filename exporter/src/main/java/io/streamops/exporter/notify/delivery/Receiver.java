package io.streamops.exporter.notify.delivery;

import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.notify.Notifier;

import java.util.Objects;

/**
 * A named destination of notifications: the channel that sends and how its failures are retried.
 * The name is what rules list in {@code notify} and what {@link Notification#receiver()} holds.
 */
public record Receiver(String name, Notifier notifier, RetryPolicy retryPolicy) {

    public Receiver {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(notifier, "notifier");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        if (name.isBlank()) {
            throw new IllegalArgumentException("receiver name must not be blank");
        }
    }

    public static Receiver of(String name, Notifier notifier) {
        return new Receiver(name, notifier, RetryPolicy.DEFAULT);
    }
}
