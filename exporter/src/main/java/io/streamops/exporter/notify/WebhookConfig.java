package io.streamops.exporter.notify;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A webhook receiver (Slack incoming webhook, Mattermost, Teams via a relay, any HTTP endpoint).
 *
 * <p>The URL itself may be a secret (a Slack webhook URL is), so {@code toString} and every reason
 * show only its scheme, host and port.
 */
public record WebhookConfig(URI url, Optional<Secret> bearerToken, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public WebhookConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(bearerToken, "bearerToken");
        Objects.requireNonNull(timeout, "timeout");
        bearerToken.ifPresent(JsonHttpSender::checkBearerToken);
        if (!DashboardLinks.isWebUrl(url.toString())) {
            throw new IllegalArgumentException("webhook URL must be http(s): " + JsonHttpSender.origin(url));
        }
    }

    public static WebhookConfig of(URI url) {
        return new WebhookConfig(url, Optional.empty(), DEFAULT_TIMEOUT);
    }

    public WebhookConfig withBearerToken(Secret token) {
        return new WebhookConfig(url, Optional.of(token), timeout);
    }

    public WebhookConfig withTimeout(Duration newTimeout) {
        return new WebhookConfig(url, bearerToken, newTimeout);
    }

    @Override
    public String toString() {
        return "WebhookConfig[url=" + JsonHttpSender.origin(url) + "/***, bearerToken="
                + bearerToken.map(Secret::toString).orElse("none") + ", timeout=" + timeout + "]";
    }
}
