package io.streamops.exporter.notify.delivery;

import io.streamops.exporter.notify.Notification;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A notification waiting to reach its receiver: the unit the {@link DeliveryStore} keeps one file for.
 *
 * @param version       the file format, {@value #FORMAT}
 * @param sequence      the order of submission, kept across restarts (deliveries to a receiver go in this order)
 * @param attempts      attempts made so far (all failed temporarily)
 * @param firstQueuedAt when it was submitted: the give-up age counts from here
 * @param nextAttemptAt not before this
 * @param lastFailure   the reason of the last failed attempt, "" before the first: for operators reading the files
 * @param origins       the alerts-topic records (and repeated alerts) the notification was made from; null in files
 *                      written before they were kept, and for notifications submitted without: such a delivery is
 *                      never handed back, it stays with this data_dir. An older exporter ignores the field.
 */
record PendingDelivery(
        int version,
        long sequence,
        Notification notification,
        int attempts,
        Instant firstQueuedAt,
        Instant nextAttemptAt,
        String lastFailure,
        List<Origin> origins) {

    static final int FORMAT = 1;

    PendingDelivery {
        Objects.requireNonNull(notification, "notification");
        Objects.requireNonNull(firstQueuedAt, "firstQueuedAt");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        lastFailure = lastFailure == null ? "" : lastFailure;
        origins = origins == null ? null : List.copyOf(origins);
    }

    static PendingDelivery first(long sequence, Notification notification, List<Origin> origins, Instant now) {
        return new PendingDelivery(FORMAT, sequence, notification, 0, now, now, "", origins);
    }

    /**
     * Whether every alert of this notification came from {@code partitions} of {@code topic}: then their next
     * owner can make it again, and it can be handed back. One with an origin elsewhere, or none known, cannot.
     */
    boolean onlyFrom(String topic, Collection<Integer> partitions) {
        return origins != null && !origins.isEmpty()
                && origins.stream().allMatch(o -> o.topic().equals(topic) && partitions.contains(o.partition()));
    }

    String receiver() {
        return notification.receiver();
    }

    /** This delivery, due no later than {@code now}. */
    PendingDelivery dueBy(Instant now) {
        return nextAttemptAt.isAfter(now)
                ? new PendingDelivery(version, sequence, notification, attempts, firstQueuedAt, now, lastFailure, origins)
                : this;
    }

    PendingDelivery failedAgain(Instant next, String reason) {
        return new PendingDelivery(version, sequence, notification, attempts + 1, firstQueuedAt, next, reason, origins);
    }
}
