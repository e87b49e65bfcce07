package io.streamops.exporter.notify;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.notify.delivery.DeliveryQueue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one send to one receiver carries: a group of alert transitions and what they have in common.
 * Immutable; it is also what the {@link DeliveryQueue} persists, so it holds only data (no secrets,
 * no configuration).
 *
 * @param receiver     the receiver (channel) name, as in the rules' {@code notify}
 * @param groupKey     identifies the group the alerts were batched under (stable for the same group)
 * @param status       FIRING if any alert in the group fires, else RESOLVED
 * @param alerts       the transitions, FIRING or RESOLVED (never PENDING); at least one
 * @param commonLabels the labels every alert carries with the same value
 * @param dashboardUrl the dashboard of the group's query, or "" when there is none
 */
public record Notification(
        String receiver,
        String groupKey,
        NotificationStatus status,
        List<AlertTransition> alerts,
        Map<String, String> commonLabels,
        String dashboardUrl) {

    public Notification {
        Objects.requireNonNull(receiver, "receiver");
        Objects.requireNonNull(groupKey, "groupKey");
        Objects.requireNonNull(status, "status");
        alerts = List.copyOf(alerts);
        commonLabels = Map.copyOf(commonLabels);
        dashboardUrl = dashboardUrl == null ? "" : dashboardUrl;
        if (receiver.isBlank()) {
            throw new IllegalArgumentException("receiver must not be blank");
        }
        if (alerts.isEmpty()) {
            throw new IllegalArgumentException("a notification carries at least one alert");
        }
        if (alerts.stream().anyMatch(a -> a.phase() == AlertPhase.PENDING)) {
            throw new IllegalArgumentException("pending alerts are not notified");
        }
        if (status != statusOf(alerts)) {
            throw new IllegalArgumentException("status " + status + " does not match the alerts' phases");
        }
    }

    /** Groups {@code alerts} for {@code receiver}: derives the status, the common labels and the dashboard link. */
    public static Notification of(String receiver, String groupKey, List<AlertTransition> alerts, DashboardLinks links) {
        Map<String, String> common = labelsSharedBy(alerts);
        return new Notification(receiver, groupKey, statusOf(alerts), alerts, common, links.forGroup(common));
    }

    public List<AlertTransition> firing() {
        return alerts.stream().filter(a -> a.phase() == AlertPhase.FIRING).toList();
    }

    public List<AlertTransition> resolved() {
        return alerts.stream().filter(a -> a.phase() == AlertPhase.RESOLVED).toList();
    }

    private static NotificationStatus statusOf(List<AlertTransition> alerts) {
        return alerts.stream().anyMatch(a -> a.phase() == AlertPhase.FIRING)
                ? NotificationStatus.FIRING
                : NotificationStatus.RESOLVED;
    }

    private static Map<String, String> labelsSharedBy(List<AlertTransition> alerts) {
        if (alerts.isEmpty()) {
            return Map.of();
        }
        Map<String, String> common = new HashMap<>(alerts.get(0).labels());
        for (AlertTransition alert : alerts) {
            common.entrySet().removeIf(e -> !e.getValue().equals(alert.labels().get(e.getKey())));
        }
        return common;
    }
}
