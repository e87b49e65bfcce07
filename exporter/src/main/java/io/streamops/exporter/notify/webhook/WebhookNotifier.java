package io.streamops.exporter.notify.webhook;

import io.streamops.exporter.notify.DeliveryOutcome;
import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.notify.Notifier;
import io.streamops.exporter.notify.http.HttpEndpoint;
import io.streamops.exporter.notify.http.JsonHttpSender;
import io.streamops.exporter.notify.http.WireJson;

import java.time.Clock;

/** POSTs the {@link WebhookPayload} JSON to a URL, with an optional bearer token. */
public final class WebhookNotifier implements Notifier {
    private final HttpEndpoint config;
    private final JsonHttpSender sender;

    public WebhookNotifier(HttpEndpoint config) {
        this(config, Clock.systemUTC());
    }

    public WebhookNotifier(HttpEndpoint config, Clock clock) {
        this.config = config;
        this.sender = config.sender(clock);
    }

    @Override
    public String channel() {
        return "webhook";
    }

    @Override
    public DeliveryOutcome send(Notification notification) {
        return sender.post(config.url(), config.authHeaders(), WireJson.bytes(WebhookPayload.of(notification)));
    }

    @Override
    public String toString() {
        return "WebhookNotifier[" + config + "]";
    }
}
