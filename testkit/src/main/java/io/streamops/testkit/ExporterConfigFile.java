package io.streamops.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exporter.yaml for tests and benchmarks that run the packaged exporter: HTTP on 127.0.0.1, a test
 * broker, the receivers the test asks for. PagerDuty's routing key is written as
 * {@code ${PD_ROUTING_KEY}}, as users are told to, so the process needs it in its environment
 * ({@link #ROUTING_KEY_ENV}). Only what tests vary is settable; everything else keeps the exporter's
 * defaults.
 */
public final class ExporterConfigFile {
    public static final String ROUTING_KEY_ENV = "PD_ROUTING_KEY";

    private final String bootstrapServers;
    private final int httpPort;
    private final Path rules;
    private final Path dataDir;
    private final Map<String, String> kafka = new LinkedHashMap<>();
    private final Map<String, String> kafkaProperties = new LinkedHashMap<>();
    private String groupWait;
    private String dashboardUrl;
    private String pagerDutyUrl;
    private int smtpPort;
    private String mailTo;
    private String webhookUrl;
    private String alertmanagerUrl;
    private final Map<String, String> status = new LinkedHashMap<>();

    private ExporterConfigFile(String bootstrapServers, int httpPort, Path rules, Path dataDir) {
        this.bootstrapServers = bootstrapServers;
        this.httpPort = httpPort;
        this.rules = rules.toAbsolutePath().normalize();
        this.dataDir = dataDir.toAbsolutePath();
    }

    public static ExporterConfigFile of(String bootstrapServers, int httpPort, Path rules, Path dataDir) {
        return new ExporterConfigFile(bootstrapServers, httpPort, rules, dataDir);
    }

    public ExporterConfigFile topics(String events, String alerts) {
        kafka.put("events_topic", events);
        kafka.put("alerts_topic", alerts);
        return this;
    }

    public ExporterConfigFile applicationId(String id) {
        kafka.put("application_id", id);
        return this;
    }

    /** A Kafka client / Streams setting under {@code kafka.properties}. */
    public ExporterConfigFile kafkaProperty(String name, String value) {
        kafkaProperties.put(name, value);
        return this;
    }

    public ExporterConfigFile groupWait(String duration) {
        this.groupWait = duration;
        return this;
    }

    public ExporterConfigFile dashboardUrl(String url) {
        this.dashboardUrl = url;
        return this;
    }

    /** A {@code pagerduty} receiver sending to {@code baseUrl} (a contract server). */
    public ExporterConfigFile pagerDuty(java.net.URI baseUrl) {
        this.pagerDutyUrl = baseUrl.toString();
        return this;
    }

    /** An {@code email} receiver: plain SMTP on 127.0.0.1:{@code port}, from streamops@example.com. */
    public ExporterConfigFile email(int port, String to) {
        this.smtpPort = port;
        this.mailTo = to;
        return this;
    }

    /** A {@code webhook} receiver posting to {@code url}. */
    public ExporterConfigFile webhook(java.net.URI url) {
        this.webhookUrl = url.toString();
        return this;
    }

    /** An {@code alertmanager} receiver posting to the Alertmanager at {@code url}. */
    public ExporterConfigFile alertmanager(java.net.URI url) {
        this.alertmanagerUrl = url.toString();
        return this;
    }

    /** A setting under {@code status} (driver_lost_after, ...). */
    public ExporterConfigFile status(String name, String value) {
        status.put(name, value);
        return this;
    }

    public String yaml() {
        StringBuilder y = new StringBuilder("kafka:\n  bootstrap_servers: ").append(bootstrapServers).append('\n');
        kafka.forEach((k, v) -> y.append("  ").append(k).append(": ").append(v).append('\n'));
        if (!kafkaProperties.isEmpty()) {
            y.append("  properties:\n");
            kafkaProperties.forEach((k, v) -> y.append("    ").append(k).append(": \"").append(v).append("\"\n"));
        }
        y.append("http:\n  host: 127.0.0.1\n  port: ").append(httpPort).append('\n');
        y.append("rules:\n  file: ").append(rules).append('\n');
        y.append("data_dir: ").append(dataDir).append('\n');
        if (!status.isEmpty()) {
            y.append("status:\n");
            status.forEach((k, v) -> y.append("  ").append(k).append(": ").append(v).append('\n'));
        }
        if (groupWait != null) {
            y.append("routing:\n  group_wait: ").append(groupWait).append('\n');
        }
        if (dashboardUrl != null) {
            y.append("dashboard_url: ").append(dashboardUrl).append('\n');
        }
        y.append("receivers:\n");
        if (pagerDutyUrl != null) {
            y.append("  pagerduty:\n    type: pagerduty\n    routing_key: ${").append(ROUTING_KEY_ENV).append("}\n    url: ")
                    .append(pagerDutyUrl).append('\n');
        }
        if (mailTo != null) {
            y.append("  email:\n    type: email\n    host: 127.0.0.1\n    port: ").append(smtpPort)
                    .append("\n    security: none\n    from: streamops@example.com\n    to: [").append(mailTo).append("]\n");
        }
        if (webhookUrl != null) {
            y.append("  webhook:\n    type: webhook\n    url: ").append(webhookUrl).append('\n');
        }
        if (alertmanagerUrl != null) {
            y.append("  alertmanager:\n    type: alertmanager\n    url: ").append(alertmanagerUrl).append('\n');
        }
        return y.toString();
    }

    public Path writeTo(Path file) throws IOException {
        Files.writeString(file, yaml(), StandardCharsets.UTF_8);
        return file;
    }
}
