package io.streamops.exporter;

import io.streamops.exporter.config.ConfigLoader;
import io.streamops.exporter.config.ExporterConfig;
import io.streamops.exporter.rules.RuleSet;
import io.streamops.exporter.rules.RulesLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code check-config}: exit 0 with "ok", or exit 1 with every problem of the config and the rules as file:line. */
class CheckConfigTest {

    private record Outcome(int exitCode, String out, String err) {
    }

    private static Outcome checkConfig(Path config) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("check-config", "--config", config.toString());
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void theShippedExampleIsValidAndPointsAtTheDefaultRules() throws Exception {
        ExporterConfig config = new ConfigLoader(Map.of("PAGERDUTY_ROUTING_KEY", "k", "SMTP_PASSWORD", "p")::get)
                .load(Path.of("exporter.example.yaml"));
        RuleSet rules = RulesLoader.load(config.rulesFile());

        assertThat(config.rulesFile()).isEqualTo(Path.of("..", "alert-rules", "streamops-rules.yaml").toAbsolutePath().normalize());
        assertThat(rules.undefinedReceivers(config.receivers().keySet())).as("every receiver the rules notify is defined").isEmpty();
    }

    @Test
    void aGoodConfigIsOk(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
        Path config = Files.writeString(dir.resolve("exporter.yaml"), """
                kafka: {bootstrap_servers: "127.0.0.1:9092"}
                rules: {file: rules.yaml}
                """);

        Outcome outcome = checkConfig(config);

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).contains("ok: " + config, "0 rules");
    }

    @Test
    void everyProblemOfTheConfigIsListedWithItsPlace(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("exporter.yaml"), """
                kafka: {bootstrap_servers: "127.0.0.1:9092"}
                receivers:
                  pagerduty: {type: pagerduty, routing_key: k, url: "ftp://events.example.com"}
                  email: {type: email, host: h, from: a@example.com}
                """);

        Outcome outcome = checkConfig(config);

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err().lines()).containsExactly(
                config + ":3:14: receivers.pagerduty: PagerDuty base URL must be http(s): ftp://events.example.com",
                config + ":4:10: receivers.email: missing required field 'to'");
    }

    @Test
    void rulesThatDoNotCompileOrNotifyUnknownReceiversAreListed(@TempDir Path dir) throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.yaml"), """
                rules:
                  - name: Broken
                    expr: records_behind >
                    severity: critical
                  - name: Fine
                    expr: records_behind > 10.0
                    severity: critical
                    notify: [pagerduty, nobody]
                """);
        Path config = Files.writeString(dir.resolve("exporter.yaml"), """
                kafka: {bootstrap_servers: "127.0.0.1:9092"}
                rules: {file: rules.yaml}
                receivers:
                  pagerduty: {type: pagerduty, routing_key: k}
                """);

        Outcome outcome = checkConfig(config);
        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).startsWith(rules + ":3:");

        Files.writeString(rules, "rules:\n  - {name: Fine, expr: records_behind > 10.0, severity: critical, notify: [pagerduty, nobody]}\n");
        outcome = checkConfig(config);
        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).contains(rules + ":2:5: rule 'Fine': notify: nobody is not a receiver in the exporter's config (it has: pagerduty)");
        assertThat(outcome.out()).as("no 'ok' beside a problem").isEmpty();
    }
}
