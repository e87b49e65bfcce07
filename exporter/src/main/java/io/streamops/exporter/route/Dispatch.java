package io.streamops.exporter.route;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;

import java.util.List;

/**
 * What routing hands to delivery: for one receiver and one group, the alerts to tell about now.
 *
 * @param status FIRING if any alert in the group fires, else RESOLVED
 */
public record Dispatch(String receiver, String groupKey, AlertPhase status, List<AlertTransition> alerts) {
    public Dispatch {
        alerts = List.copyOf(alerts);
    }
}
