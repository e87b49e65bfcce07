package io.streamops.exporter.config;

import io.streamops.exporter.support.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    private static final Path FILE = Path.of("/etc/streamops/exporter.yaml");

    private static ExporterConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return new ConfigLoader(env::get).parse(yaml, FILE);
    }

    @Test
    void readsSettingsWithDefaultsAndSubstitutesEnvironmentAndFileSecrets(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("routing-key");
        Files.writeString(secret, "R0UT1NG#key: with yaml chars\n");
        ExporterConfig config = parse("""
                kafka:
                  bootstrap_servers: ${KAFKA}
                  properties: {security.protocol: SASL_SSL}
                http:
                  port: 9999
                  token: ${API_TOKEN}
                status:
                  driver_lost_after: 1m30s
                receivers:
                  pagerduty: {type: pagerduty, routing_key: "${file:%s}"}
                  email: {type: email, host: "${SMTP_HOST:-localhost}"}
                """.formatted(secret), Map.of("KAFKA", "broker:9092", "API_TOKEN", "s3cret"));

        assertThat(config.kafka().bootstrapServers()).isEqualTo("broker:9092");
        assertThat(config.kafka().eventsTopic()).isEqualTo("streamops-events");
        assertThat(config.kafka().properties()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(config.http().port()).isEqualTo(9999);
        assertThat(config.http().token()).contains(Secret.of("s3cret"));
        assertThat(config.http().toString()).doesNotContain("s3cret");
        assertThat(config.status().driverLostAfter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.receivers().get("pagerduty").path("routing_key").asText()).isEqualTo("R0UT1NG#key: with yaml chars");
        assertThat(config.receivers().get("email").path("host").asText()).isEqualTo("localhost");
        assertThat(config.rulesFile()).isEqualTo(Path.of("/etc/streamops/streamops-rules.yaml"));
        assertThat(config.metrics().partitionLag()).as("per-partition series are opt-in").isFalse();
        assertThat(parse("kafka: {bootstrap_servers: b:9092}\nmetrics:\n  partition_lag: true\n", Map.of())
                .metrics().partitionLag()).isTrue();
    }

    @Test
    void everyProblemIsReportedWithFileLineAndSetting() {
        assertThatThrownBy(() -> parse("""
                kafka:
                  bootstrap_servers: broker:9092
                status:
                  window: five minutes
                receivers:
                  pagerduty: {type: pagerduty, routing_key: "${PD_KEY}"}
                colour: blue
                metrics:
                  partition_lag: sometimes
                """, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/etc/streamops/exporter.yaml:4: status.window: 'five minutes' is not a duration")
                .hasMessageContaining("/etc/streamops/exporter.yaml:6: receivers.pagerduty.routing_key: environment variable PD_KEY is not set")
                .hasMessageContaining("/etc/streamops/exporter.yaml:7: colour: unknown setting")
                .hasMessageContaining("/etc/streamops/exporter.yaml:9: metrics.partition_lag: expected true or false, got 'sometimes'");
    }

    @Test
    void yamlSyntaxErrorsNameTheLineAndAMissingBrokerIsRequired() {
        assertThatThrownBy(() -> parse("kafka:\n  bootstrap_servers: [unclosed\n", Map.of()))
                .hasMessageStartingWith("/etc/streamops/exporter.yaml:")
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> parse("http:\n  port: 1\n", Map.of()))
                .hasMessageContaining("kafka.bootstrap_servers: required");
    }
}
