package io.streamops.listener.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.streamops.events.EventType;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The listener's report on itself: what it sent, dropped and failed to send, and how fast. */
public final class ListenerHealth {
    /** Why an event was not sent. */
    public enum DropReason {
        /** The capture buffer between Spark's threads and ours was full. */
        BUFFER_FULL("buffer_full"),
        /** The Kafka outbox was full (the broker is slow or away). */
        OUTBOX_FULL("outbox_full"),
        /** Not forwarded on shutdown within the flush timeout. */
        SHUTDOWN("shutdown"),
        /** Spark's event could not be read or encoded (a bug: the log names it). */
        UNREADABLE("unreadable");

        final String label;

        DropReason(String label) {
            this.label = label;
        }
    }

    private final MeterRegistry registry;
    private final String job;
    private final Map<EventType, Counter> sent = new EnumMap<>(EventType.class);
    private final Map<EventType, Counter> failed = new EnumMap<>(EventType.class);
    private final Map<EventType, Map<DropReason, Counter>> dropped = new EnumMap<>(EventType.class);
    private final Timer sendLatency;

    public ListenerHealth(MeterRegistry registry, String job) {
        this.registry = registry;
        this.job = job;
        for (EventType type : EventType.values()) {
            sent.put(type, Counter.builder("streamops.listener.events.sent")
                    .description("Events the Kafka broker acknowledged")
                    .tag("job", job).tag("type", type.wireName()).register(registry));
            failed.put(type, Counter.builder("streamops.listener.events.failed")
                    .description("Events Kafka refused or timed out on (lifecycle events are retried, so a failure is not always a loss)")
                    .tag("job", job).tag("type", type.wireName()).register(registry));
            Map<DropReason, Counter> byReason = new EnumMap<>(DropReason.class);
            for (DropReason reason : DropReason.values()) {
                byReason.put(reason, Counter.builder("streamops.listener.events.dropped")
                        .description("Events given up without being sent")
                        .tag("job", job).tag("type", type.wireName()).tag("reason", reason.label)
                        .register(registry));
            }
            dropped.put(type, byReason);
        }
        sendLatency = Timer.builder("streamops.listener.send.latency")
                .description("From an event's capture on Spark's thread to the broker's acknowledgement")
                .tag("job", job)
                .register(registry);
    }

    /** Reports the depth of a buffer ({@code stage} = capture or outbox) and its capacity. */
    public void buffer(String stage, Supplier<Number> depth, int capacity) {
        Gauge.builder("streamops.listener.buffer.events", depth)
                .description("Events waiting in the listener's buffer")
                .tag("job", job).tag("stage", stage).register(registry);
        Gauge.builder("streamops.listener.buffer.capacity.events", () -> capacity)
                .description("Capacity of the listener's buffer")
                .tag("job", job).tag("stage", stage).register(registry);
    }

    public void sent(EventType type, long capturedAtMillis) {
        sent.get(type).increment();
        sendLatency.record(Math.max(0, System.currentTimeMillis() - capturedAtMillis), TimeUnit.MILLISECONDS);
    }

    public void failed(EventType type) {
        failed.get(type).increment();
    }

    public void dropped(EventType type, DropReason reason) {
        dropped.get(type).get(reason).increment();
    }

    public double droppedTotal() {
        double total = 0;
        for (Map<DropReason, Counter> byReason : dropped.values()) {
            for (Counter c : byReason.values()) {
                total += c.count();
            }
        }
        return total;
    }
}
