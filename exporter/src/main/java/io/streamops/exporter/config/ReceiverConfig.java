package io.streamops.exporter.config;

import io.streamops.exporter.notify.delivery.RetryPolicy;
import io.streamops.exporter.notify.email.EmailConfig;
import io.streamops.exporter.notify.http.HttpEndpoint;
import io.streamops.exporter.notify.pagerduty.PagerDutyConfig;

import java.time.Duration;
import java.util.Optional;

/**
 * One entry under {@code receivers:} in exporter.yaml, validated: which channel, its settings, and how
 * long the router gathers a group for it, and how its failed deliveries are retried.
 */
public record ReceiverConfig(String name, Channel channel, Optional<Duration> ownGroupWait, RetryPolicy retryPolicy) {

    /** The channel and its settings; each is the notifier's own config type. */
    public sealed interface Channel permits PagerDuty, Email, Webhook, Alertmanager {
    }

    public record PagerDuty(PagerDutyConfig config) implements Channel {
    }

    public record Email(EmailConfig config) implements Channel {
    }

    /** A generic JSON webhook (Slack-compatible text). */
    public record Webhook(HttpEndpoint endpoint) implements Channel {
    }

    /** An Alertmanager, {@code POST /api/v2/alerts}. */
    public record Alertmanager(HttpEndpoint endpoint) implements Channel {
    }

    /**
     * The receiver's own {@code group_wait}, else its channel's default. PagerDuty's is 0s: it gets one
     * event per alert with a stable dedup_key and groups incidents itself, so waiting would only delay
     * the page. The other channels take {@code routing.group_wait}.
     */
    public Duration groupWait(Duration routingGroupWait) {
        return ownGroupWait.orElse(channel instanceof PagerDuty ? Duration.ZERO : routingGroupWait);
    }
}
