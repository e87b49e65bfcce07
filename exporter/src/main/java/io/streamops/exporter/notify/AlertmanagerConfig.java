package io.streamops.exporter.notify;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An Alertmanager to hand alerts to (its API v2), for teams that route everything through theirs.
 *
 * @param url the Alertmanager's base URL, e.g. {@code http://alertmanager:9093}
 */
public record AlertmanagerConfig(URI url, Optional<Secret> bearerToken, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public AlertmanagerConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(bearerToken, "bearerToken");
        Objects.requireNonNull(timeout, "timeout");
        bearerToken.ifPresent(JsonHttpSender::checkBearerToken);
        if (!DashboardLinks.isWebUrl(url.toString())) {
            throw new IllegalArgumentException("Alertmanager URL must be http(s): " + JsonHttpSender.origin(url));
        }
    }

    public static AlertmanagerConfig of(URI url) {
        return new AlertmanagerConfig(url, Optional.empty(), DEFAULT_TIMEOUT);
    }

    public AlertmanagerConfig withBearerToken(Secret token) {
        return new AlertmanagerConfig(url, Optional.of(token), timeout);
    }

    public AlertmanagerConfig withTimeout(Duration newTimeout) {
        return new AlertmanagerConfig(url, bearerToken, newTimeout);
    }

    @Override
    public String toString() {
        return "AlertmanagerConfig[url=" + JsonHttpSender.origin(url) + ", bearerToken="
                + bearerToken.map(Secret::toString).orElse("none") + ", timeout=" + timeout + "]";
    }
}
