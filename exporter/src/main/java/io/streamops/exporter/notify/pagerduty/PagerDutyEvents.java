package io.streamops.exporter.notify.pagerduty;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.notify.NotificationText;
import io.streamops.exporter.notify.http.WireJson;
import io.streamops.exporter.support.Secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds Events API v2 events (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/):
 * one per alert, since the API has no groups. The dedup key is the alert's fingerprint, so the
 * trigger and the resolve of an alert (and every resend of either) meet in the same incident.
 */
final class PagerDutyEvents {
    static final int MAX_SUMMARY_LENGTH = 1024;
    static final int MAX_DEDUP_KEY_LENGTH = 255;

    private PagerDutyEvents() {
    }

    static Map<String, Object> event(AlertTransition alert, Notification notification, Secret routingKey) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("routing_key", routingKey.reveal());
        event.put("event_action", alert.phase() == AlertPhase.RESOLVED ? "resolve" : "trigger");
        event.put("dedup_key", dedupKey(alert.fingerprint()));
        if (alert.phase() == AlertPhase.RESOLVED) {
            return event; // a resolve needs nothing more; PagerDuty ignores a payload on it
        }
        event.put("client", "streamops");
        if (!notification.dashboardUrl().isEmpty()) {
            event.put("client_url", notification.dashboardUrl());
            event.put("links", List.of(Map.of("href", notification.dashboardUrl(), "text", "Query dashboard")));
        }
        event.put("payload", payload(alert));
        return event;
    }

    private static Map<String, Object> payload(AlertTransition alert) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("summary", NotificationText.truncate(NotificationText.oneLine(NotificationText.summary(alert)), MAX_SUMMARY_LENGTH));
        String job = alert.labels().getOrDefault("job", "");
        payload.put("source", job.isEmpty() ? "streamops" : job);
        payload.put("severity", severity(alert.severity()));
        payload.put("timestamp", alert.at().toString());
        String query = NotificationText.query(alert);
        if (!query.isEmpty()) {
            payload.put("component", query);
        }
        if (!job.isEmpty()) {
            payload.put("group", job);
        }
        payload.put("class", NotificationText.alertName(alert));
        Map<String, Object> details = new LinkedHashMap<>();
        // What the restart controller is doing about it ("restarting, attempt 2 of 5, next in 40 s"): PagerDuty
        // shows custom_details only, not the alert's annotations.
        String restart = alert.annotations().getOrDefault("restart", "");
        if (!restart.isEmpty()) {
            details.put("restart", restart);
        }
        details.putAll(WireJson.signals(alert.signals()));
        payload.put("custom_details", details);
        return payload;
    }

    /** A rule's severity as one of PagerDuty's four. Unknown ones become {@code error}, as Alertmanager does. */
    static String severity(String severity) {
        String s = severity == null ? "" : severity.trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "critical", "fatal", "page", "emergency", "alert" -> "critical";
            case "warning", "warn", "medium", "minor" -> "warning";
            case "info", "informational", "low", "notice", "none" -> "info";
            default -> "error";
        };
    }

    /** The fingerprint, or its SHA-256 when it is longer than PagerDuty accepts (still stable). */
    static String dedupKey(String fingerprint) {
        if (fingerprint.length() <= MAX_DEDUP_KEY_LENGTH) {
            return fingerprint;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(fingerprint.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
