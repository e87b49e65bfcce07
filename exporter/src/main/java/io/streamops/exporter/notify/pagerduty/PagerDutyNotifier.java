package io.streamops.exporter.notify.pagerduty;

import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.notify.DeliveryOutcome;
import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.notify.Notifier;
import io.streamops.exporter.notify.http.JsonHttpSender;
import io.streamops.exporter.notify.http.WireJson;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sends each alert of a notification as one PagerDuty Events API v2 event (POST /v2/enqueue).
 * 202 is delivered, 400 rejected (a malformed event stays malformed), 429 and 5xx retried.
 *
 * <p>On a temporary failure it stops and asks for a retry of the whole notification: the events
 * sent before are sent again then, which is harmless because PagerDuty deduplicates on the dedup key.
 */
public final class PagerDutyNotifier implements Notifier {
    private final PagerDutyConfig config;
    private final URI enqueueUrl;
    private final JsonHttpSender sender;

    public PagerDutyNotifier(PagerDutyConfig config) {
        this(config, Clock.systemUTC());
    }

    public PagerDutyNotifier(PagerDutyConfig config, Clock clock) {
        this.config = config;
        this.enqueueUrl = JsonHttpSender.join(config.baseUrl(), "/v2/enqueue");
        // PagerDuty's error answers can echo the event, routing key included.
        this.sender = new JsonHttpSender(config.timeout(), config.routingKey()::redactFrom, clock);
    }

    @Override
    public String channel() {
        return "pagerduty";
    }

    @Override
    public DeliveryOutcome send(Notification notification) {
        List<String> rejections = new ArrayList<>();
        for (AlertTransition alert : notification.alerts()) {
            Map<String, Object> event = PagerDutyEvents.event(alert, notification, config.routingKey());
            DeliveryOutcome outcome = sender.post(enqueueUrl, Map.of(), WireJson.bytes(event));
            if (outcome instanceof DeliveryOutcome.RetryLater retry) {
                return retry;
            }
            if (outcome instanceof DeliveryOutcome.Rejected rejected) {
                rejections.add(PagerDutyEvents.dedupKey(alert.fingerprint()) + ": " + rejected.reason());
            }
        }
        if (!rejections.isEmpty()) {
            return DeliveryOutcome.rejected("PagerDuty rejected " + rejections.size() + " of "
                    + notification.alerts().size() + " events: " + String.join("; ", rejections));
        }
        return DeliveryOutcome.delivered();
    }

    @Override
    public String toString() {
        return "PagerDutyNotifier[" + JsonHttpSender.origin(config.baseUrl()) + ", routingKey=" + config.routingKey() + "]";
    }
}
