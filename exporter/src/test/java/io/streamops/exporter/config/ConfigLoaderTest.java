package io.streamops.exporter.config;

import io.streamops.exporter.notify.email.EmailSecurity;
import io.streamops.exporter.support.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    private static final Path FILE = Path.of("/etc/streamops/exporter.yaml");
    private static final String KAFKA = "kafka: {bootstrap_servers: b:9092}\n";

    private static ExporterConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return new ConfigLoader(env::get).parse(yaml, FILE);
    }

    private static ExporterConfig parse(String yaml) throws ConfigException {
        return parse(yaml, Map.of());
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
                  port: ${PORT}
                  token: ${API_TOKEN}
                status:
                  driver_lost_after: 1m30s
                receivers:
                  pagerduty: {type: pagerduty, routing_key: "${file:%s}"}
                  email: {type: email, host: "${SMTP_HOST:-localhost}", from: a@example.com, to: [b@example.com]}
                """.formatted(secret), Map.of("KAFKA", "broker:9092", "API_TOKEN", "s3cret", "PORT", "9999"));

        assertThat(config.kafka().bootstrapServers()).isEqualTo("broker:9092");
        assertThat(config.kafka().eventsTopic()).isEqualTo("streamops-events");
        assertThat(config.kafka().properties()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(config.http().port()).as("a number that arrives through ${PORT}").isEqualTo(9999);
        assertThat(config.http().token()).contains(Secret.of("s3cret"));
        assertThat(config.http().toString()).doesNotContain("s3cret");
        assertThat(config.status().driverLostAfter()).isEqualTo(Duration.ofSeconds(90));
        ReceiverConfig.PagerDuty pagerDuty = (ReceiverConfig.PagerDuty) config.receivers().get("pagerduty").channel();
        assertThat(pagerDuty.config().routingKey().reveal()).isEqualTo("R0UT1NG#key: with yaml chars");
        assertThat(config.receivers().toString()).doesNotContain("R0UT1NG");
        ReceiverConfig.Email email = (ReceiverConfig.Email) config.receivers().get("email").channel();
        assertThat(email.config().host()).isEqualTo("localhost");
        assertThat(email.config().port()).isEqualTo(25);
        assertThat(email.config().security()).isEqualTo(EmailSecurity.NONE);
        assertThat(config.rulesFile()).isEqualTo(Path.of("/etc/streamops/streamops-rules.yaml"));
        assertThat(config.metrics().partitionLag()).as("per-partition series are opt-in").isFalse();
        assertThat(parse(KAFKA + "metrics:\n  partition_lag: true\n").metrics().partitionLag()).isTrue();
    }

    @Test
    void anEmptyTokenMeansNoneAndAnEmptySectionMeansItsDefaults() throws Exception {
        ExporterConfig config = parse(KAFKA + "http:\n  token: ${API_TOKEN:-}\nstatus:\n", Map.of());
        assertThat(config.http().token()).isEmpty();
        assertThat(config.http().port()).isEqualTo(9465);
        assertThat(config.status().window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.receivers()).isEmpty();
    }

    @Test
    void everyProblemIsReportedWithFileLineAndSetting() {
        assertThatThrownBy(() -> parse("""
                kafka:
                  bootstrap_servers: broker:9092
                status:
                  window: five minutes
                  stalled_afer: 2m
                receivers:
                  pagerduty: {type: pagerduty, routing_key: "${PD_KEY}"}
                colour: blue
                metrics:
                  partition_lag: sometimes
                http:
                  port: eighty
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/etc/streamops/exporter.yaml:4:11: status.window: 'five minutes' is not a duration")
                .hasMessageContaining("/etc/streamops/exporter.yaml:5:3: status: unknown field 'stalled_afer' (known: driver_lost_after, stalled_after,")
                .hasMessageContaining("/etc/streamops/exporter.yaml:7:45: receivers.pagerduty.routing_key: environment variable PD_KEY is not set")
                .hasMessageContaining("/etc/streamops/exporter.yaml:8:1: unknown field 'colour'")
                .hasMessageContaining("/etc/streamops/exporter.yaml:10:18: metrics.partition_lag: expected true or false, found 'sometimes'")
                .hasMessageContaining("/etc/streamops/exporter.yaml:12:9: http.port: expected a whole number, found 'eighty'")
                .satisfies(e -> assertThat(e.getMessage().lines()).as("one line per problem, no echo").hasSize(6));
        assertThatThrownBy(() -> parse(KAFKA + "status: {forget_after: 30s}\n"))
                .hasMessageContaining("exporter.yaml:2:24: status.forget_after: must be longer than status.driver_lost_after");
    }

    @Test
    void emptyValuesMeanTheDefaultAndPassThroughPropertiesMayBeEmpty() throws Exception {
        ExporterConfig config = parse("""
                kafka:
                  bootstrap_servers: b:9092
                  properties: {ssl.endpoint.identification.algorithm: "", security.protocol: SSL}
                routing:
                  group_wait:
                dashboard_url: ${DASHBOARD_URL:-}
                metrics:
                  partition_lag: yes
                receivers:
                  email: {type: email, host: h, port:, from: a@example.com, to: [b@example.com]}
                """);
        assertThat(config.kafka().properties()).containsEntry("ssl.endpoint.identification.algorithm", "");
        assertThat(config.routing().groupWait()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.dashboard()).isEqualTo(io.streamops.exporter.notify.DashboardLinks.NONE);
        assertThat(config.metrics().partitionLag()).as("YAML 1.1's yes").isTrue();
        assertThat(((ReceiverConfig.Email) config.receivers().get("email").channel()).config().port()).isEqualTo(25);
    }

    @Test
    void aValueSubstitutedFromTheEnvironmentIsNeverEchoedInAnError() {
        assertThatThrownBy(() -> parse(KAFKA + """
                receivers:
                  email: {type: email, host: h, port: "${SMTP_PASSWORD}", from: a@example.com, to: [b@example.com]}
                """, Map.of("SMTP_PASSWORD", "hunter2")))
                .hasMessageContaining("receivers.email.port: expected a whole number, found '${SMTP_PASSWORD}'")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void theDashboardLinkIsThePrefixAsGivenOrNoneAndOnlyAWebUrl() throws Exception {
        assertThat(parse(KAFKA).dashboard().forQuery("q-1")).as("no dashboard_url, no link").isEmpty();
        assertThat(parse(KAFKA + "dashboard_url: https://grafana.test/d/q?var-query_id=\n").dashboard().forQuery("q 1"))
                .isEqualTo("https://grafana.test/d/q?var-query_id=q+1");
        assertThatThrownBy(() -> parse(KAFKA + "dashboard_url: javascript:alert(1)\n"))
                .hasMessageContaining("exporter.yaml:2:16: dashboard_url: dashboard URL prefix must start with http:// or https://");
    }

    @Test
    void yamlSyntaxErrorsNameTheLineAndAMissingBrokerIsRequired() {
        assertThatThrownBy(() -> parse("kafka:\n  bootstrap_servers: [unclosed\n"))
                .hasMessageStartingWith("/etc/streamops/exporter.yaml:")
                .hasMessageContaining("invalid YAML");
        assertThatThrownBy(() -> parse("http:\n  port: 1\n"))
                .hasMessageContaining("kafka: missing required field 'bootstrap_servers'");
    }

    @Test
    void eachReceiverWaitsItsOwnGroupWaitElseItsTypesDefault() throws Exception {
        ExporterConfig config = parse(KAFKA + """
                routing: {group_wait: 30s}
                receivers:
                  pagerduty: {type: pagerduty, routing_key: k}
                  pagerduty-batched: {type: pagerduty, routing_key: k, group_wait: 10s, give_up_after: 3d}
                  email: {type: email, host: h, from: a@example.com, to: [c@example.com]}
                  slack: {type: webhook, url: "http://127.0.0.1:1/", group_wait: 0s}
                  am: {type: alertmanager, url: "http://127.0.0.1:9093", token: t0k}
                """);
        assertThat(config.groupWaitOf("pagerduty")).as("PagerDuty groups incidents itself").isZero();
        assertThat(config.groupWaitOf("pagerduty-batched")).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.groupWaitOf("email")).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.groupWaitOf("slack")).isZero();
        assertThat(config.receivers().get("pagerduty-batched").retryPolicy().maxAge()).isEqualTo(Duration.ofDays(3));
        assertThat(config.receivers().get("pagerduty").retryPolicy().maxAge()).as("the default: a day").isEqualTo(Duration.ofDays(1));
        ReceiverConfig.Alertmanager am = (ReceiverConfig.Alertmanager) config.receivers().get("am").channel();
        assertThat(am.endpoint().url()).isEqualTo(URI.create("http://127.0.0.1:9093"));
        assertThat(am.endpoint().bearerToken()).contains(Secret.of("t0k"));
    }

    @Test
    void badReceiversAreReportedWhereTheyAreAndNamed() {
        assertThatThrownBy(() -> parse(KAFKA + """
                receivers:
                  pd: {type: pagerduty}
                  sms: {type: sms}
                  mail:
                    type: email
                    host: smtp.example.com
                    security: ssl
                    from: not an address
                    to: [oncall@example.com]
                    username: streamops
                    group_wait: soon
                  hook: {type: webhook, url: "ftp://example.com/hook", colour: red}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("exporter.yaml:3:7: receivers.pd: missing required field 'routing_key'")
                .hasMessageContaining("exporter.yaml:4:8: receivers.sms: unknown type 'sms' (known: pagerduty, email, webhook, alertmanager)")
                .hasMessageContaining("exporter.yaml:8:15: receivers.mail.security: 'ssl' is not one of none, starttls, tls")
                .hasMessageContaining("receivers.mail: missing required field 'password'")
                .hasMessageContaining("exporter.yaml:12:17: receivers.mail.group_wait: 'soon' is not a duration")
                .hasMessageContaining("exporter.yaml:13:56: receivers.hook: unknown field 'colour'")
                .hasMessageContaining("receivers.hook: URL must be http(s)");
    }

    @Test
    void anInvalidAddressIsNamedWithItsReceiver() {
        assertThatThrownBy(() -> parse(KAFKA + """
                receivers:
                  mail: {type: email, host: h, from: "not an address", to: [oncall@example.com]}
                """))
                .hasMessageContaining("exporter.yaml:3:9: receivers.mail: invalid email address 'not an address'");
    }
}
