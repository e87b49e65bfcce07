package io.streamops.exporter.notify;

import java.time.Clock;
import java.util.Map;

/** POSTs the {@link WebhookPayload} JSON to a URL, with an optional bearer token. */
public final class WebhookNotifier implements Notifier {
    private final HttpEndpoint config;
    private final JsonHttpSender sender;

    public WebhookNotifier(HttpEndpoint config) {
        this(config, Clock.systemUTC());
    }

    public WebhookNotifier(HttpEndpoint config, Clock clock) {
        this.config = config;
        this.sender = new JsonHttpSender(config.timeout(), HttpRedaction.of(config.url(), config.bearerToken()), clock);
    }

    @Override
    public String channel() {
        return "webhook";
    }

    @Override
    public DeliveryOutcome send(Notification notification) {
        Map<String, String> headers = config.bearerToken()
                .map(token -> Map.of("Authorization", "Bearer " + token.reveal()))
                .orElse(Map.of());
        return sender.post(config.url(), headers, WireJson.bytes(WebhookPayload.of(notification)));
    }

    @Override
    public String toString() {
        return "WebhookNotifier[" + config + "]";
    }
}
