package io.streamops.exporter.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Notifications per receiver, read from the delivery queue's own meters
 * ({@code streamops.exporter.notifications.*}, one set per receiver), so the dashboard counts exactly
 * what {@code /metrics} counts: sent, retried, failed (given up), rejected, and pending now.
 */
public final class NotificationCounts {
    private static final String PREFIX = "streamops.exporter.notifications.";

    /** One receiver's counts since this instance started. */
    public record Receiver(String receiver, String channel, long sent, long retried, long failed, long rejected,
                           long pending) {
    }

    private final MeterRegistry registry;

    public NotificationCounts(MeterRegistry registry) {
        this.registry = registry;
    }

    public List<Receiver> receivers() {
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, String> channels = new TreeMap<>();
        String[] kinds = {"sent", "retried", "failed", "rejected", "pending"};
        for (int k = 0; k < kinds.length; k++) {
            for (Meter meter : registry.find(PREFIX + kinds[k]).meters()) {
                String receiver = meter.getId().getTag("receiver");
                if (receiver == null) {
                    continue;
                }
                channels.putIfAbsent(receiver, String.valueOf(meter.getId().getTag("channel")));
                counts.computeIfAbsent(receiver, r -> new long[kinds.length])[k] = Math.round(value(meter));
            }
        }
        return counts.entrySet().stream().map(e -> {
            long[] c = e.getValue();
            return new Receiver(e.getKey(), channels.get(e.getKey()), c[0], c[1], c[2], c[3], c[4]);
        }).toList();
    }

    private static double value(Meter meter) {
        if (meter instanceof Counter c) {
            return c.count();
        }
        if (meter instanceof Gauge g) {
            double v = g.value();
            return Double.isFinite(v) ? v : 0;
        }
        return 0;
    }
}
