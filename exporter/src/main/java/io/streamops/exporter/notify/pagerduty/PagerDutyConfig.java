package io.streamops.exporter.notify.pagerduty;

import io.streamops.exporter.notify.DashboardLinks;
import io.streamops.exporter.notify.http.JsonHttpSender;
import io.streamops.exporter.support.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * A PagerDuty receiver (Events API v2). The routing key is a {@link Secret}: it prints as {@code ***}.
 *
 * @param baseUrl {@code https://events.pagerduty.com}, or a test server
 */
public record PagerDutyConfig(Secret routingKey, URI baseUrl, Duration timeout) {

    public static final URI DEFAULT_BASE_URL = URI.create("https://events.pagerduty.com");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public PagerDutyConfig {
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(timeout, "timeout");
        if (!DashboardLinks.isWebUrl(baseUrl.toString())) {
            throw new IllegalArgumentException("PagerDuty base URL must be http(s): " + JsonHttpSender.origin(baseUrl));
        }
    }

    public static PagerDutyConfig of(Secret routingKey) {
        return new PagerDutyConfig(routingKey, DEFAULT_BASE_URL, DEFAULT_TIMEOUT);
    }

    public PagerDutyConfig withBaseUrl(URI url) {
        return new PagerDutyConfig(routingKey, url, timeout);
    }

    public PagerDutyConfig withTimeout(Duration newTimeout) {
        return new PagerDutyConfig(routingKey, baseUrl, newTimeout);
    }
}
