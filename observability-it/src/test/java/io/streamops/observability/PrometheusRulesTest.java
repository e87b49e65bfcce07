package io.streamops.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Prometheus side of alert-rules/ with the real tools: promtool checks and unit-tests the rules,
 * amtool checks and routes the example Alertmanager config, and the rules say what the exporter's
 * default rules say (names, severities, thresholds, for, keep_firing_for).
 */
class PrometheusRulesTest {
    static final Path DIR = Path.of("alert-rules", "prometheus");
    static final Path RULES = DIR.resolve("streamops.rules.yml");
    static final Path EXPORTER_RULES = Path.of("alert-rules", "streamops-rules.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static JsonNode yaml(Path file) throws IOException {
        return YAML.readTree(Tool.REPO.resolve(file).toFile());
    }

    /** Alert name -> rule, in file order. */
    static Map<String, JsonNode> prometheusAlerts() throws IOException {
        Map<String, JsonNode> alerts = new LinkedHashMap<>();
        for (JsonNode group : yaml(RULES).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                alerts.put(rule.path("alert").asText(), rule);
            }
        }
        return alerts;
    }

    @Test
    void promtoolChecksTheRules() throws Exception {
        Tool check = Tool.run(List.of("promtool", "check", "rules", RULES.toString()));
        assertThat(check.ok()).as(check.output()).isTrue();
        assertThat(check.output()).contains("SUCCESS: 9 rules found");
    }

    @Test
    void promtoolUnitTestsPass() throws Exception {
        Tool test = Tool.run(Tool.REPO.resolve(DIR), List.of("promtool", "test", "rules", "streamops.rules.test.yml"));
        assertThat(test.ok()).as(test.output()).isTrue();
        assertThat(test.output()).contains("SUCCESS");
    }

    /** Each alert has a test where it fires, a later one where it no longer does, and is silent on the idle query. */
    @Test
    void everyAlertIsTestedFiringResolvingAndIdle() throws Exception {
        Map<String, Integer> firstFiring = new HashMap<>();
        Map<String, Integer> resolvedAfter = new HashMap<>();
        List<String> silentOnIdle = new ArrayList<>();
        for (JsonNode test : yaml(DIR.resolve("streamops.rules.test.yml")).path("tests")) {
            boolean idle = test.path("name").asText().contains("idle");
            for (JsonNode check : test.path("alert_rule_test")) {
                String alert = check.path("alertname").asText();
                int at = minutes(check.path("eval_time").asText());
                boolean fires = check.path("exp_alerts").size() > 0;
                if (idle) {
                    if (!fires) {
                        silentOnIdle.add(alert);
                    }
                } else if (fires) {
                    firstFiring.merge(alert, at, Math::min);
                } else if (firstFiring.containsKey(alert) && at > firstFiring.get(alert)) {
                    resolvedAfter.put(alert, at);
                }
            }
        }
        assertThat(firstFiring.keySet()).containsExactlyInAnyOrderElementsOf(prometheusAlerts().keySet());
        assertThat(resolvedAfter.keySet()).containsExactlyInAnyOrderElementsOf(prometheusAlerts().keySet());
        assertThat(silentOnIdle).containsExactlyInAnyOrderElementsOf(prometheusAlerts().keySet());
    }

    private static int minutes(String duration) {
        assertThat(duration).endsWith("m");
        return Integer.parseInt(duration.substring(0, duration.length() - 1));
    }

    /** Names, severities, for, keep_firing_for, thresholds and the restart action. */
    @Test
    void theRulesSayWhatTheExportersDefaultRulesSay() throws Exception {
        JsonNode exporter = yaml(EXPORTER_RULES);
        String defaultSeverity = exporter.path("defaults").path("severity").asText();
        Map<String, JsonNode> prometheus = prometheusAlerts();
        List<String> names = new ArrayList<>();
        for (JsonNode rule : exporter.path("rules")) {
            String name = rule.path("name").asText();
            names.add(name);
            JsonNode ours = prometheus.get(name);
            assertThat(ours).as("a Prometheus alert for the exporter's rule " + name).isNotNull();
            assertThat(ours.path("labels").path("severity").asText()).as(name + " severity")
                    .isEqualTo(rule.path("severity").asText(defaultSeverity));
            assertThat(ours.path("for").asText("0s")).as(name + " for").isEqualTo(rule.path("for").asText("0s"));
            assertThat(ours.path("keep_firing_for").asText("0s")).as(name + " keep_firing_for")
                    .isEqualTo(rule.path("keep_firing_for").asText("0s"));
            boolean restarts = false;
            for (JsonNode action : rule.path("actions")) {
                restarts |= action.asText().equals("restart");
            }
            assertThat(ours.path("labels").path("action").asText()).as(name + " action label (the exporter's actions)")
                    .isEqualTo(restarts ? "restart" : "");
            for (double threshold : numbers(rule.path("expr").asText())) {
                assertThat(numbers(ours.path("expr").asText())).as(name + ": the exporter's threshold " + threshold).contains(threshold);
            }
            for (String annotation : List.of("summary", "description", "runbook")) {
                assertThat(ours.path("annotations").path(annotation).asText()).as(name + " " + annotation).isNotBlank();
            }
        }
        assertThat(prometheus.keySet()).containsExactlyElementsOf(names);
    }

    /** The fleet series that exports each variable the exporter's default rules test. */
    private static final Map<String, String> SERIES_OF_VARIABLE = Map.ofEntries(
            Map.entry("status", "streamops_fleet_query_status"),
            Map.entry("input_rate", "streamops_fleet_query_input_rows_per_second"),
            Map.entry("rate_ratio", "streamops_fleet_query_rate_ratio"),
            Map.entry("batch_duration_seconds", "streamops_fleet_query_batch_duration_seconds"),
            Map.entry("trigger_interval_seconds", "streamops_fleet_query_trigger_interval_seconds"),
            Map.entry("records_behind", "streamops_fleet_query_records_behind_latest"),
            Map.entry("records_behind_growth_per_minute", "streamops_fleet_query_records_behind_growth_per_minute"),
            Map.entry("time_behind_seconds", "streamops_fleet_query_time_behind_seconds"),
            Map.entry("watermark_delay_seconds", "streamops_fleet_query_watermark_delay_seconds"),
            Map.entry("state_memory_bytes", "streamops_fleet_query_state_memory_bytes"),
            Map.entry("state_memory_growth_bytes_per_minute", "streamops_fleet_query_state_memory_growth_bytes_per_minute"),
            Map.entry("listener_dropped_events", "streamops_fleet_query_listener_dropped_events"));
    private static final Pattern IDENTIFIER = Pattern.compile("\\b[a-z_][a-z0-9_]*\\b");

    /**
     * Each Prometheus rule tests what the exporter's rule of its name tests, as the exporter computed it:
     * it reads the fleet series of every variable the exporter's expression uses, and never works out a
     * figure of its own over a range (rate, delta, increase: the exporter's growth and drops are exported).
     */
    @Test
    void theRulesReadTheExportersOwnFiguresForEachVariable() throws Exception {
        Map<String, JsonNode> prometheus = prometheusAlerts();
        for (JsonNode rule : yaml(EXPORTER_RULES).path("rules")) {
            String name = rule.path("name").asText();
            String ours = prometheus.get(name).path("expr").asText();
            assertThat(ours).as(name + ": a range selector computes what the exporter exports").doesNotContain("[");
            Matcher variable = IDENTIFIER.matcher(rule.path("expr").asText().replaceAll("\"[^\"]*\"", ""));
            while (variable.find()) {
                String series = SERIES_OF_VARIABLE.get(variable.group());
                assertThat(series).as(name + ": the fleet series of the exporter's variable " + variable.group()).isNotNull();
                assertThat(ours).as(name + " reads " + series + " for " + variable.group()).containsPattern("\\b" + series + "\\b");
            }
        }
    }

    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.])\\d+(\\.\\d+)?(?![\\w.\\[])");

    private static List<Double> numbers(String expr) {
        List<Double> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(expr.replaceAll("\\[[^]]*]", "")); // not range durations like [5m]
        while (m.find()) {
            out.add(Double.parseDouble(m.group()));
        }
        return out;
    }

    @Test
    void amtoolChecksTheExampleAlertmanagerConfig() throws Exception {
        Tool check = Tool.run(List.of("amtool", "check-config", DIR.resolve("alertmanager.example.yml").toString()));
        assertThat(check.ok()).as(check.output()).isTrue();
        assertThat(check.output()).contains("SUCCESS").contains("1 inhibit rules").contains("3 receivers");
    }

    @Test
    void theExampleRoutesCriticalToPagerDutyWarningsToEmailAndRestartsToTheExporter() throws Exception {
        assertThat(routes("alertname=QueryFailed", "severity=critical", "action=restart", "job=shop")).isEqualTo("pagerduty,email,streamops-restart");
        assertThat(routes("alertname=QueryStalled", "severity=error", "job=shop")).isEqualTo("pagerduty,email");
        assertThat(routes("alertname=KafkaLagGrowing", "severity=warning", "job=shop")).isEqualTo("email");
        // A warning the operator labelled for restart still gets its email (the restart route continues).
        assertThat(routes("alertname=KafkaLagGrowing", "severity=warning", "action=restart", "job=shop")).isEqualTo("streamops-restart,email");
    }

    private static String routes(String... labels) throws Exception {
        List<String> command = new ArrayList<>(List.of("amtool", "config", "routes", "test",
                "--config.file=" + DIR.resolve("alertmanager.example.yml")));
        command.addAll(List.of(labels));
        Tool test = Tool.run(command);
        assertThat(test.ok()).as(test.output()).isTrue();
        return test.stdout().strip();
    }

    @Test
    void promtoolChecksTheExamplePrometheusConfig() throws Exception {
        Tool check = Tool.run(List.of("promtool", "check", "config", DIR.resolve("prometheus.example.yml").toString()));
        assertThat(check.ok()).as(check.output()).isTrue();
        assertThat(check.output()).contains("SUCCESS: 9 rules found");
    }
}
