package io.streamops.exporter.notify.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.function.Supplier;

/**
 * One receiver's delivery counters, tagged {@code receiver} and {@code channel}:
 * <ul>
 *   <li>{@code streamops.exporter.notifications.sent}: delivered</li>
 *   <li>{@code streamops.exporter.notifications.retried}: attempts that failed temporarily and were rescheduled</li>
 *   <li>{@code streamops.exporter.notifications.failed}: given up after retrying (attempts or age exhausted)</li>
 *   <li>{@code streamops.exporter.notifications.rejected}: refused permanently by the channel, not retried</li>
 *   <li>{@code streamops.exporter.notifications.pending} (gauge): waiting, in memory and on disk</li>
 * </ul>
 */
public final class DeliveryMetrics {
    public static final String PREFIX = "streamops.exporter.notifications.";

    private final Counter sent;
    private final Counter retried;
    private final Counter failed;
    private final Counter rejected;
    private final MeterRegistry registry;
    private final Gauge pending;

    DeliveryMetrics(MeterRegistry registry, String receiver, String channel, Supplier<Number> pending) {
        this.registry = registry;
        Tags tags = Tags.of("receiver", receiver, "channel", channel);
        sent = counter(registry, "sent", "Notifications delivered", tags);
        retried = counter(registry, "retried", "Delivery attempts that failed temporarily and were rescheduled", tags);
        failed = counter(registry, "failed", "Notifications given up after retrying", tags);
        rejected = counter(registry, "rejected", "Notifications the channel refused permanently", tags);
        this.pending = Gauge.builder(PREFIX + "pending", pending)
                .description("Notifications waiting to be delivered")
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    private static Counter counter(MeterRegistry registry, String name, String description, Tags tags) {
        return Counter.builder(PREFIX + name).description(description).tags(tags).register(registry);
    }

    void sent() {
        sent.increment();
    }

    void retried() {
        retried.increment();
    }

    void failed() {
        failed.increment();
    }

    void rejected() {
        rejected.increment();
    }

    /**
     * Unregisters the pending gauge: it reads this queue's memory, and a later queue on the same
     * registry must get its own. The counters stay; counting on across queues is right for counters.
     */
    void close() {
        registry.remove(pending);
    }
}
