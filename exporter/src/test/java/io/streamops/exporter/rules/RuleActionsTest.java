package io.streamops.exporter.rules;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A rule's {@code actions}: validated with their place in the file; the shipped rules restart on failures. */
class RuleActionsTest {

    @Test
    void aRuleMayAskForARestart() throws InvalidRulesException {
        RuleSet rules = RulesLoader.parse("r.yaml", """
                rules:
                  - {name: Failed, expr: 'status == "failed"', severity: critical, actions: [restart]}
                  - {name: Behind, expr: 'records_behind > 10.0', severity: warning}
                  - {name: Quiet, expr: 'status == "stalled"', severity: warning, actions: []}
                """);
        assertThat(rules.rule("Failed").orElseThrow().restarts()).isTrue();
        assertThat(rules.rule("Behind").orElseThrow().restarts()).isFalse();
        assertThat(rules.rule("Quiet").orElseThrow().actions()).isEmpty();
    }

    @Test
    void unknownRepeatedOrMistypedActionsAreReportedWhereTheyAre() {
        assertThatThrownBy(() -> RulesLoader.parse("r.yaml", """
                rules:
                  - name: A
                    expr: 'status == "failed"'
                    severity: critical
                    actions: [restart, reboot]
                  - name: B
                    expr: 'status == "failed"'
                    severity: critical
                    actions: [restart, restart]
                  - name: C
                    expr: 'status == "failed"'
                    severity: critical
                    actions: restart
                """))
                .isInstanceOf(InvalidRulesException.class)
                .hasMessageContaining("r.yaml:5:24: rule 'A': actions: unknown action 'reboot' (known: restart)")
                .hasMessageContaining("r.yaml:9:24: rule 'B': actions: 'restart' is listed twice")
                .hasMessageContaining("r.yaml:13:14: rule 'C': actions: expected a list, found a string");
    }

    @Test
    void theShippedRulesRestartOnFailureAndLostDriversButNotOnStalls() throws InvalidRulesException {
        RuleSet shipped = RulesLoader.load(Path.of("..", "alert-rules", "streamops-rules.yaml"));
        assertThat(shipped.rules().stream().filter(Rule::restarts).map(Rule::name)).containsExactly("QueryFailed", "DriverLost");
    }
}
