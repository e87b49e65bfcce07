package io.streamops.exporter.notify;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * POSTs the alerts to an Alertmanager's {@code /api/v2/alerts}, as Prometheus does.
 *
 * <p>A firing alert goes without {@code endsAt}: Alertmanager then resolves it by itself after its
 * {@code resolve_timeout} unless it is sent again, so the rule's repeat interval must be shorter than
 * that. A resolved alert carries its {@code endsAt}.
 */
public final class AlertmanagerNotifier implements Notifier {
    private final HttpEndpoint config;
    private final URI alertsUrl;
    private final JsonHttpSender sender;

    public AlertmanagerNotifier(HttpEndpoint config) {
        this(config, Clock.systemUTC());
    }

    public AlertmanagerNotifier(HttpEndpoint config, Clock clock) {
        this.config = config;
        this.alertsUrl = JsonHttpSender.join(config.url(), "/api/v2/alerts");
        this.sender = config.sender(clock);
    }

    @Override
    public String channel() {
        return "alertmanager";
    }

    @Override
    public DeliveryOutcome send(Notification notification) {
        List<Map<String, Object>> alerts = notification.alerts().stream()
                .map(alert -> postableAlert(alert, notification.dashboardUrl()))
                .toList();
        return sender.post(alertsUrl, config.authHeaders(), WireJson.bytes(alerts));
    }

    /** Alertmanager's postableAlert: labels, annotations, startsAt, endsAt, generatorURL. */
    static Map<String, Object> postableAlert(AlertTransition alert, String dashboardUrl) {
        Map<String, String> labels = new LinkedHashMap<>(alert.labels());
        labels.putIfAbsent("alertname", alert.rule()); // Alertmanager groups and routes by it
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("labels", labels);
        json.put("annotations", alert.annotations());
        json.put("startsAt", alert.startsAt() != null ? alert.startsAt() : alert.at());
        if (alert.phase() == AlertPhase.RESOLVED) {
            json.put("endsAt", alert.endsAt() != null ? alert.endsAt() : alert.at());
        }
        if (!dashboardUrl.isEmpty()) {
            json.put("generatorURL", dashboardUrl);
        }
        return json;
    }

    @Override
    public String toString() {
        return "AlertmanagerNotifier[" + JsonHttpSender.origin(config.url()) + "]";
    }
}
