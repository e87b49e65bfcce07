package io.streamops.exporter.notify.webhook;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.notify.NotificationText;
import io.streamops.exporter.notify.http.WireJson;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The webhook body: a Slack-compatible {@code text} (so a Slack or Mattermost incoming webhook shows
 * it as is) plus the structured notification for programs.
 *
 * <pre>{"version": "1", "receiver", "status", "groupKey", "title", "text", "commonLabels",
 *  "dashboardUrl", "alerts": [{"status", "fingerprint", "rule", "severity", "labels", "annotations",
 *  "signals", "startsAt", "endsAt" (resolved only), "at"}]}</pre>
 */
final class WebhookPayload {
    private WebhookPayload() {
    }

    static Map<String, Object> of(Notification notification) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", "1");
        body.put("receiver", notification.receiver());
        body.put("status", notification.status().wireName());
        body.put("groupKey", notification.groupKey());
        body.put("title", NotificationText.title(notification));
        body.put("text", slackText(notification));
        body.put("commonLabels", notification.commonLabels());
        body.put("dashboardUrl", notification.dashboardUrl());
        body.put("alerts", notification.alerts().stream().map(WebhookPayload::alert).toList());
        return body;
    }

    private static Map<String, Object> alert(AlertTransition alert) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", alert.phase().wireName());
        json.put("fingerprint", alert.fingerprint());
        json.put("rule", alert.rule());
        json.put("severity", alert.severity());
        json.put("labels", alert.labels());
        json.put("annotations", alert.annotations());
        json.put("signals", WireJson.signals(alert.signals()));
        json.put("startsAt", alert.startsAt());
        if (alert.phase() == AlertPhase.RESOLVED && alert.endsAt() != null) {
            json.put("endsAt", alert.endsAt());
        }
        json.put("at", alert.at());
        return json;
    }

    /** The title in bold and one line per alert. Untrusted text is escaped so it cannot ping (<!channel>) or forge links. */
    static String slackText(Notification notification) {
        StringBuilder text = new StringBuilder("*").append(slackEscape(NotificationText.title(notification))).append('*');
        for (List<AlertTransition> alerts : List.of(notification.firing(), notification.resolved())) {
            for (AlertTransition alert : alerts) {
                text.append("\n\u2022 ").append(alert.phase() == AlertPhase.FIRING ? "firing: " : "resolved: ")
                        .append(slackEscape(NotificationText.oneLine(NotificationText.summary(alert))));
            }
        }
        if (!notification.dashboardUrl().isEmpty()) {
            text.append("\nDashboard: ").append(slackEscape(notification.dashboardUrl()));
        }
        return text.toString();
    }

    /** Slack's three control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
    static String slackEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
