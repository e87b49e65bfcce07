package io.streamops.exporter.config;

import io.streamops.exporter.notify.delivery.RetryPolicy;
import io.streamops.exporter.notify.email.EmailConfig;
import io.streamops.exporter.notify.email.EmailSecurity;
import io.streamops.exporter.notify.http.HttpEndpoint;
import io.streamops.exporter.notify.pagerduty.PagerDutyConfig;
import io.streamops.exporter.support.Secret;
import io.streamops.exporter.yaml.YamlFields;
import io.streamops.exporter.yaml.YamlNode;
import io.streamops.exporter.yaml.YamlValues;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads {@code receivers:}: one mapping per receiver, its {@code type} choosing which settings it takes.
 * Every problem is recorded at its place in the file; a receiver with any problem is left out.
 */
final class ReceiversSection {
    private static final List<String> TYPES = List.of("pagerduty", "email", "webhook", "alertmanager");
    private static final List<String> COMMON = List.of("type", "group_wait", "give_up_after");
    private static final Map<String, List<String>> FIELDS = Map.of(
            "pagerduty", List.of("routing_key", "url"),
            "email", List.of("host", "port", "security", "username", "password", "from", "to", "trusted_certificates"),
            "webhook", List.of("url", "token"),
            "alertmanager", List.of("url", "token"));

    private final YamlValues values;
    private final Path base;

    ReceiversSection(YamlValues values, Path base) {
        this.values = values;
        this.base = base;
    }

    Map<String, ReceiverConfig> read(YamlNode node) {
        Map<String, ReceiverConfig> receivers = new LinkedHashMap<>();
        values.mapping(node, "receivers").ifPresent(mapping -> mapping.entries().forEach((name, entry) ->
                values.mapping(entry.value(), "receivers." + name)
                        .flatMap(receiver -> read(name, receiver))
                        .ifPresent(receiver -> receivers.put(name, receiver))));
        return receivers;
    }

    private Optional<ReceiverConfig> read(String name, YamlNode.Mapping mapping) {
        YamlFields fields = YamlFields.section(mapping, "receivers." + name, values.problems());
        Optional<String> type = ConfigLoader.type(fields, values, TYPES);
        if (type.isEmpty()) {
            return Optional.empty();
        }
        values.rejectUnknownKeys(mapping, concat(COMMON, FIELDS.get(type.get())), "receivers." + name);
        Optional<Duration> groupWait = fields.optional("group_wait", values::duration);
        RetryPolicy retry = fields.optional("give_up_after", values::duration)
                .map(RetryPolicy.DEFAULT::withMaxAge).orElse(RetryPolicy.DEFAULT);
        Optional<ReceiverConfig.Channel> channel;
        try {
            channel = switch (type.get()) {
                case "pagerduty" -> pagerDuty(fields);
                case "email" -> email(fields);
                case "webhook" -> endpoint(fields).map(ReceiverConfig.Webhook::new);
                default -> endpoint(fields).map(ReceiverConfig.Alertmanager::new);
            };
        } catch (IllegalArgumentException e) {
            // The notifiers' own configs check what YAML cannot: URL schemes, addresses, port ranges.
            fields.problem(e.getMessage());
            return Optional.empty();
        }
        if (channel.isEmpty() || fields.hadProblems()) {
            return Optional.empty();
        }
        return Optional.of(new ReceiverConfig(name, channel.get(), groupWait, retry));
    }

    private Optional<ReceiverConfig.Channel> pagerDuty(YamlFields fields) {
        Optional<Secret> routingKey = fields.required("routing_key", values::text).map(Secret::of);
        Optional<URI> url = fields.optional("url", (n, c) -> ConfigLoader.uri(values, n, c));
        return routingKey.map(key -> {
            PagerDutyConfig config = PagerDutyConfig.of(key);
            return new ReceiverConfig.PagerDuty(url.map(config::withBaseUrl).orElse(config));
        });
    }

    private Optional<ReceiverConfig.Channel> email(YamlFields fields) {
        Optional<String> host = fields.required("host", values::text);
        int port = fields.optional("port", values::integer).orElse(25);
        EmailSecurity security = fields.optional("security", this::security).orElse(EmailSecurity.NONE);
        Optional<String> from = fields.required("from", values::text);
        Optional<List<String>> to = fields.required("to", values::stringList);
        Optional<String> username = fields.optional("username", values::text);
        Optional<Secret> password = username.isEmpty() ? Optional.empty()
                : fields.required("password", values::text).map(Secret::of);
        Optional<Path> trusted = fields.optional("trusted_certificates", (n, c) -> ConfigLoader.readableFile(values, base, n, c));
        if (host.isEmpty() || from.isEmpty() || to.isEmpty() || username.isPresent() && password.isEmpty()) {
            return Optional.empty();
        }
        EmailConfig config = EmailConfig.of(host.get(), port, security, from.get(), to.get());
        if (username.isPresent()) {
            config = config.withAuth(username.get(), password.get());
        }
        if (trusted.isPresent()) {
            config = config.withTrustedCertificates(trusted.get());
        }
        return Optional.of(new ReceiverConfig.Email(config));
    }

    private Optional<HttpEndpoint> endpoint(YamlFields fields) {
        Optional<URI> url = fields.required("url", (n, c) -> ConfigLoader.uri(values, n, c));
        Optional<Secret> token = fields.optional("token", values::text).map(Secret::of); // ${TOKEN:-} unset: none
        return url.map(u -> {
            HttpEndpoint endpoint = HttpEndpoint.of(u);
            return token.map(endpoint::withBearerToken).orElse(endpoint);
        });
    }

    private Optional<EmailSecurity> security(YamlNode node, String context) {
        return values.text(node, context).flatMap(text -> {
            try {
                return Optional.of(EmailSecurity.valueOf(text.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                values.problems().add(node.at(), context + ": " + YamlValues.quoted(node) + " is not one of none, starttls, tls");
                return Optional.empty();
            }
        });
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
