package io.streamops.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamops.testkit.AlertmanagerServer;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Alertmanager on alert-rules/prometheus/alertmanager.example.yml, pointed at local parts: PagerDuty
 * at a contract server, SMTP at GreenMail (no TLS or login there), the restart webhook at {@code restartUrl};
 * secrets in files, as the example has them. Groups are sent after 1 s instead of 30 s; everything else
 * (routes, grouping, inhibition) is the example's.
 */
final class ExampleAlertmanager {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static AlertmanagerServer start(Path dir, URI pagerDutyBase, String routingKey, int smtpPort, URI restartUrl) throws Exception {
        ObjectNode config = (ObjectNode) YAML.readTree(Tool.REPO.resolve(PrometheusRulesTest.DIR).resolve("alertmanager.example.yml").toFile());
        ObjectNode global = (ObjectNode) config.path("global");
        global.put("smtp_smarthost", "127.0.0.1:" + smtpPort).put("smtp_require_tls", false);
        global.remove(List.of("smtp_auth_username", "smtp_auth_password_file"));
        ((ObjectNode) config.path("route")).put("group_wait", "1s");
        for (JsonNode receiver : config.path("receivers")) {
            for (JsonNode pd : receiver.path("pagerduty_configs")) {
                ((ObjectNode) pd).put("url", pagerDutyBase.resolve("/v2/enqueue").toString())
                        .put("routing_key_file", Files.writeString(dir.resolve("pagerduty-routing-key"), routingKey).toString());
            }
            for (JsonNode hook : receiver.path("webhook_configs")) {
                ((ObjectNode) hook).put("url", restartUrl.toString());
                ((ObjectNode) hook.path("http_config").path("authorization"))
                        .put("credentials_file", Files.writeString(dir.resolve("streamops-token"), "test-token").toString());
            }
        }
        Path file = dir.resolve("alertmanager.yml");
        YAML.writeValue(file.toFile(), config);
        Tool check = Tool.run(List.of("amtool", "check-config", file.toString()));
        assertThat(check.ok()).as(check.output()).isTrue();
        return AlertmanagerServer.start(dir, file);
    }

    private ExampleAlertmanager() {
    }
}
