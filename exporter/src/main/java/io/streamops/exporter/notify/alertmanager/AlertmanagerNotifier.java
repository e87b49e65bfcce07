package io.streamops.exporter.notify.alertmanager;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.notify.DeliveryOutcome;
import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.notify.Notifier;
import io.streamops.exporter.notify.http.HttpEndpoint;
import io.streamops.exporter.notify.http.JsonHttpSender;
import io.streamops.exporter.notify.http.WireJson;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * POSTs the alerts to an Alertmanager's {@code /api/v2/alerts}, as Prometheus does.
 *
 * <p>A firing alert carries an {@code endsAt} beyond its next repeat: without one, Alertmanager
 * resolves it by itself after {@code resolve_timeout} (5m by default), long before a rule's repeat
 * interval (4h in the default rules) sends it again. Each repeat pushes {@code endsAt} further; if the
 * exporter is gone for good, the alert still ends on its own. A resolved alert carries its real end.
 */
public final class AlertmanagerNotifier implements Notifier {
    private final HttpEndpoint config;
    private final URI alertsUrl;
    private final JsonHttpSender sender;
    private final Clock clock;

    public AlertmanagerNotifier(HttpEndpoint config) {
        this(config, Clock.systemUTC());
    }

    public AlertmanagerNotifier(HttpEndpoint config, Clock clock) {
        this.config = config;
        this.alertsUrl = JsonHttpSender.join(config.url(), "/api/v2/alerts");
        this.sender = config.sender(clock);
        this.clock = clock;
    }

    @Override
    public String channel() {
        return "alertmanager";
    }

    @Override
    public DeliveryOutcome send(Notification notification) {
        List<Map<String, Object>> alerts = notification.alerts().stream()
                .map(alert -> postableAlert(alert, notification.dashboardUrl(), clock.instant()))
                .toList();
        return sender.post(alertsUrl, config.authHeaders(), WireJson.bytes(alerts));
    }

    /** Alertmanager's postableAlert: labels, annotations, startsAt, endsAt, generatorURL. */
    static Map<String, Object> postableAlert(AlertTransition alert, String dashboardUrl, Instant now) {
        Map<String, String> labels = new LinkedHashMap<>(alert.labels());
        labels.putIfAbsent("alertname", alert.rule()); // Alertmanager groups and routes by it
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("labels", labels);
        json.put("annotations", alert.annotations());
        json.put("startsAt", alert.startsAt() != null ? alert.startsAt() : alert.at());
        if (alert.phase() == AlertPhase.RESOLVED) {
            json.put("endsAt", alert.endsAt() != null ? alert.endsAt() : alert.at());
        } else {
            json.put("endsAt", firingUntil(alert, now));
        }
        if (!dashboardUrl.isEmpty()) {
            json.put("generatorURL", dashboardUrl);
        }
        return json;
    }

    /**
     * The next repeat, plus as long again (at least an hour) for that repeat's own retries: the alert
     * stays firing in Alertmanager while we keep sending it.
     */
    static Instant firingUntil(AlertTransition alert, Instant now) {
        Duration repeat = alert.repeatInterval();
        Duration slack = repeat.compareTo(Duration.ofHours(1)) > 0 ? repeat : Duration.ofHours(1);
        return now.plus(repeat).plus(slack);
    }

    @Override
    public String toString() {
        return "AlertmanagerNotifier[" + JsonHttpSender.origin(config.url()) + "]";
    }
}
