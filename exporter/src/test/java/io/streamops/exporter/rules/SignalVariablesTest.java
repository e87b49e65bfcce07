package io.streamops.exporter.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.signals.TestSignals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CEL declarations, Signals.toVariables() and the rules README must list the same variables. */
class SignalVariablesTest {

    final Map<String, Object> variables = TestSignals.healthy().build().toVariables();

    @Test
    void declaredVariablesAreExactlyTheSignalVariables() {
        assertThat(SignalVariables.ALL).extracting(SignalVariables.Variable::name)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(variables.keySet());
    }

    @Test
    void declaredTypesMatchTheJavaValues() {
        for (SignalVariables.Variable variable : SignalVariables.ALL) {
            Object value = variables.get(variable.name());
            Class<?> expected = switch (variable.typeName()) {
                case "double" -> Double.class;
                case "int" -> Long.class;
                case "bool" -> Boolean.class;
                case "string" -> String.class;
                case "map(string, string)", "map(string, double)" -> Map.class;
                default -> throw new AssertionError("undocumented type " + variable.typeName());
            };
            assertThat(value).as(variable.name()).isInstanceOf(expected);
        }
    }

    @Test
    void everyVariableCanBeUsedInARule() throws InvalidRulesException {
        StringBuilder rules = new StringBuilder("rules:\n");
        for (SignalVariables.Variable variable : SignalVariables.ALL) {
            String use = switch (variable.typeName()) {
                case "double" -> variable.name() + " >= 0.0";
                case "int" -> variable.name() + " >= 0";
                case "bool" -> variable.name() + " || true";
                case "string" -> variable.name() + " != \"x\"";
                default -> "size(" + variable.name() + ") >= 0";
            };
            rules.append("  - name: Uses_").append(variable.name()).append("\n    expr: '").append(use)
                    .append("'\n    severity: info\n");
        }
        RuleSet set = RulesLoader.parse("all-variables.yaml", rules.toString());
        Signals signals = TestSignals.healthy().with(s -> s.recordsBehindGrowthPerMinute = 1).build();
        RuleSetEvaluation evaluation = set.evaluate(signals);
        assertThat(evaluation.errors()).isEmpty();
        assertThat(evaluation.matching()).hasSize(SignalVariables.ALL.size());
    }

    @Test
    void lagPerTopicAndTheWorstPartitionComeFromTheSources() throws InvalidRulesException {
        Signals signals = TestSignals.healthy().build();
        assertThat(signals.maxPartitionRecordsBehind()).isEqualTo(250);
        assertThat(signals.topicRecordsBehind()).containsExactly(Map.entry("purchases", 500.0));
        RuleSet set = RulesLoader.parse("lag.yaml", """
                rules:
                  - name: PurchasesBehind
                    expr: '"purchases" in topic_records_behind && topic_records_behind["purchases"] > 400.0'
                    severity: warning
                  - name: OnePartitionSkewed
                    expr: 'max_partition_records_behind > 0.4 * records_behind'
                    severity: warning
                  - name: OrdersBehind
                    expr: '"orders" in topic_records_behind && topic_records_behind["orders"] > 0.0'
                    severity: warning
                """);
        RuleSetEvaluation evaluation = set.evaluate(signals);
        assertThat(evaluation.errors()).isEmpty();
        assertThat(evaluation.matching()).extracting(Rule::name).containsExactlyInAnyOrder("PurchasesBehind", "OnePartitionSkewed");
        assertThat(TestSignals.unknown().build().maxPartitionRecordsBehind()).isNaN();
    }

    @Test
    void readmeDocumentsEveryVariableWithItsType() throws IOException {
        String readme = Files.readString(Path.of("..", "alert-rules", "README.md"));
        for (SignalVariables.Variable variable : SignalVariables.ALL) {
            assertThat(readme).as(variable.name()).contains("| `" + variable.name() + "` | " + variable.typeName() + " |");
        }
    }
}
