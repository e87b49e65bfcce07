package io.streamops.exporter.streams;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.rules.RuleEvaluationError;
import io.streamops.exporter.support.LogLimiter;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RuleErrorsTest {

    @Test
    void everyFailureIsCountedUnderItsRule() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RuleErrors errors = new RuleErrors(new ExporterMetrics(registry), new LogLimiter(LoggerFactory.getLogger(RuleErrorsTest.class)));

        for (int query = 0; query < 3; query++) {
            errors.accept(List.of(new RuleEvaluationError("TagRule", "q-" + query, "expr", "no such key: team"),
                    new RuleEvaluationError("Other", "q-" + query, "annotations.summary", "division by zero")));
        }
        errors.accept(List.of());

        assertThat(registry.get("streamops.exporter.rule.errors").tag("rule", "TagRule").counter().count()).isEqualTo(3);
        assertThat(registry.get("streamops.exporter.rule.errors").tag("rule", "Other").counter().count()).isEqualTo(3);
    }
}
