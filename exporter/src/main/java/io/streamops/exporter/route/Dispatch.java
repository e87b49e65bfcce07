package io.streamops.exporter.route;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.notify.delivery.Origin;

import java.util.List;

/**
 * What routing hands to delivery: for one receiver and one group, the alerts to tell about now.
 *
 * @param status  FIRING if any alert in the group fires, else RESOLVED
 * @param sources where each alert came from, in the order of {@code alerts}
 */
public record Dispatch(String receiver, String groupKey, AlertPhase status, List<AlertTransition> alerts, List<Source> sources) {
    public Dispatch {
        alerts = List.copyOf(alerts);
        sources = List.copyOf(sources);
        if (sources.size() != alerts.size()) {
            throw new IllegalArgumentException("one source per alert: " + sources.size() + " for " + alerts.size());
        }
    }

    /**
     * The alerts' sources as the delivery queue keeps them, on {@code topic}: what lets it hand the notification
     * back to the next owner of their partitions ({@code RouterLoop} gives partitions up).
     */
    public List<Origin> origins(String topic) {
        return sources.stream().map(s -> new Origin(topic, s.partition(), s.offset())).toList();
    }
}
