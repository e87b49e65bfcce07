package io.streamops.exporter.streams;

import io.streamops.exporter.rules.RuleEvaluationError;
import io.streamops.exporter.support.LogLimiter;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where rule expressions that failed at run time go: counted per rule
 * ({@code streamops_exporter_rule_errors_total{rule}}) and logged at a bounded rate. A rule that fails
 * on every query would otherwise write a line per query per second.
 */
public final class RuleErrors implements Consumer<List<RuleEvaluationError>> {
    private final ExporterMetrics metrics;
    private final LogLimiter log;

    public RuleErrors(ExporterMetrics metrics, LogLimiter log) {
        this.metrics = metrics;
        this.log = log;
    }

    @Override
    public void accept(List<RuleEvaluationError> errors) {
        errors.forEach(e -> metrics.ruleFailed(e.rule()));
        if (!errors.isEmpty()) {
            log.warn(null, "rule evaluation failed: {}", errors.get(0));
        }
    }
}
