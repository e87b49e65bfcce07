package io.streamops.exporter.notify.http;

import io.streamops.exporter.notify.DashboardLinks;
import io.streamops.exporter.support.Secret;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an HTTP notifier posts: a webhook (Slack incoming webhook, Mattermost, any HTTP endpoint) or an
 * Alertmanager's base URL, with an optional bearer token.
 *
 * <p>The URL itself may be a secret (a Slack webhook URL is), so {@code toString} and every reason
 * show only its scheme, host and port.
 */
public record HttpEndpoint(URI url, Optional<Secret> bearerToken, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public HttpEndpoint {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(bearerToken, "bearerToken");
        Objects.requireNonNull(timeout, "timeout");
        bearerToken.ifPresent(JsonHttpSender::checkBearerToken);
        if (!DashboardLinks.isWebUrl(url.toString())) {
            throw new IllegalArgumentException("URL must be http(s): " + JsonHttpSender.origin(url));
        }
    }

    public static HttpEndpoint of(URI url) {
        return new HttpEndpoint(url, Optional.empty(), DEFAULT_TIMEOUT);
    }

    public HttpEndpoint withBearerToken(Secret token) {
        return new HttpEndpoint(url, Optional.of(token), timeout);
    }

    /** The request headers the endpoint needs: its bearer token, if it has one. */
    public Map<String, String> authHeaders() {
        return bearerToken.map(token -> Map.of("Authorization", "Bearer " + token.reveal())).orElse(Map.of());
    }

    /** A sender for this endpoint: its timeout, and its URL and token redacted from every reason it gives. */
    public JsonHttpSender sender(Clock clock) {
        return new JsonHttpSender(timeout, HttpRedaction.of(url, bearerToken), clock);
    }

    public HttpEndpoint withTimeout(Duration newTimeout) {
        return new HttpEndpoint(url, bearerToken, newTimeout);
    }

    @Override
    public String toString() {
        return "HttpEndpoint[url=" + JsonHttpSender.origin(url) + "/***, bearerToken="
                + bearerToken.map(Secret::toString).orElse("none") + ", timeout=" + timeout + "]";
    }
}
