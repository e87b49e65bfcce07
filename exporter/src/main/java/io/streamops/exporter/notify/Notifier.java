package io.streamops.exporter.notify;

import io.streamops.exporter.notify.delivery.DeliveryQueue;

/**
 * Sends notifications over one kind of channel (email, PagerDuty, webhook, Alertmanager). One
 * instance per configured receiver.
 *
 * <p>{@link #send} blocks for at most the channel's configured timeout and never throws: every
 * failure is turned into a {@link DeliveryOutcome}. Retrying is not the notifier's job, it is the
 * {@link DeliveryQueue}'s.
 */
public interface Notifier {

    /** The kind of channel ({@code email}, {@code pagerduty}, ...), used as the {@code channel} metric tag. */
    String channel();

    DeliveryOutcome send(Notification notification);
}
