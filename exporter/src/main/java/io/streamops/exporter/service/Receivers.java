package io.streamops.exporter.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamops.exporter.config.ConfigException;
import io.streamops.exporter.notify.AlertmanagerNotifier;
import io.streamops.exporter.notify.EmailConfig;
import io.streamops.exporter.notify.EmailNotifier;
import io.streamops.exporter.notify.EmailSecurity;
import io.streamops.exporter.notify.Notifier;
import io.streamops.exporter.notify.PagerDutyConfig;
import io.streamops.exporter.notify.PagerDutyNotifier;
import io.streamops.exporter.notify.Receiver;
import io.streamops.exporter.support.Secret;
import io.streamops.exporter.notify.HttpEndpoint;
import io.streamops.exporter.notify.WebhookNotifier;

import io.streamops.exporter.support.DurationText;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the notifiers named under {@code receivers:} in exporter.yaml. */
public final class Receivers {
    private Receivers() {
    }

    /** The receiver's channel type ("pagerduty", "email", "webhook", "alertmanager"). */
    public static String type(Map<String, JsonNode> config, String receiver) {
        JsonNode node = config.get(receiver);
        return node == null ? "" : node.path("type").asText("");
    }

    /**
     * How long the router gathers a new group for this receiver before notifying: the receiver's own
     * {@code group_wait}, else the default of its type. PagerDuty's is 0s: it gets one event per alert
     * with a stable dedup_key and groups incidents itself, so waiting would only delay the page. The
     * other types take {@code routing.group_wait}.
     */
    public static Duration groupWait(Map<String, JsonNode> config, String receiver, Duration routingGroupWait) {
        JsonNode node = config.get(receiver);
        if (node != null && node.hasNonNull("group_wait")) {
            return groupWaitOf(node);
        }
        return "pagerduty".equals(type(config, receiver)) ? Duration.ZERO : routingGroupWait;
    }

    private static Duration groupWaitOf(JsonNode receiver) {
        String text = receiver.path("group_wait").asText();
        return DurationText.parse(text.trim()).orElseThrow(() ->
                new IllegalArgumentException("group_wait: '" + text + "' is not a duration (use e.g. 0s, 500ms, 30s)"));
    }

    public static List<Receiver> build(Map<String, JsonNode> config) throws ConfigException {
        List<Receiver> receivers = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : config.entrySet()) {
            try {
                if (entry.getValue().hasNonNull("group_wait")) {
                    groupWaitOf(entry.getValue());
                }
                receivers.add(Receiver.of(entry.getKey(), notifier(entry.getValue())));
            } catch (RuntimeException e) {
                problems.add("receivers." + entry.getKey() + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("\n", problems));
        }
        return receivers;
    }

    private static Notifier notifier(JsonNode c) {
        String type = c.path("type").asText("");
        return switch (type) {
            case "pagerduty" -> {
                PagerDutyConfig pd = PagerDutyConfig.of(Secret.of(required(c, "routing_key")));
                if (c.hasNonNull("url")) {
                    pd = pd.withBaseUrl(URI.create(c.path("url").asText()));
                }
                yield new PagerDutyNotifier(pd);
            }
            case "email" -> {
                List<String> to = new ArrayList<>();
                c.path("to").forEach(v -> to.add(v.asText()));
                if (to.isEmpty()) {
                    throw new IllegalArgumentException("'to' needs at least one address");
                }
                EmailConfig email = EmailConfig.of(required(c, "host"), c.path("port").asInt(25),
                        EmailSecurity.valueOf(c.path("security").asText("none").toUpperCase()), required(c, "from"), to);
                if (c.hasNonNull("username")) {
                    email = email.withAuth(c.path("username").asText(), Secret.of(required(c, "password")));
                }
                yield new EmailNotifier(email);
            }
            case "webhook" -> {
                HttpEndpoint hook = HttpEndpoint.of(URI.create(required(c, "url")));
                if (c.hasNonNull("token")) {
                    hook = hook.withBearerToken(Secret.of(c.path("token").asText()));
                }
                yield new WebhookNotifier(hook);
            }
            case "alertmanager" -> {
                HttpEndpoint am = HttpEndpoint.of(URI.create(required(c, "url")));
                if (c.hasNonNull("token")) {
                    am = am.withBearerToken(Secret.of(c.path("token").asText()));
                }
                yield new AlertmanagerNotifier(am);
            }
            default -> throw new IllegalArgumentException("unknown type '" + type + "' (pagerduty, email, webhook, alertmanager)");
        };
    }

    private static String required(JsonNode c, String field) {
        if (!c.hasNonNull(field) || c.path(field).asText().isEmpty()) {
            throw new IllegalArgumentException("'" + field + "' is required");
        }
        return c.path(field).asText();
    }
}
