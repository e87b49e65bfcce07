package io.streamops.exporter.rules;

/**
 * A rule expression (condition or annotation) that failed at run time for one query. Evaluation never
 * throws: failures come back as values like this one, to be counted and logged at a bounded rate.
 *
 * @param what {@code expr} or {@code annotations.<name>}
 */
public record RuleEvaluationError(String rule, String queryId, String what, String message) {

    @Override
    public String toString() {
        return "rule '" + rule + "' on query " + queryId + ": " + what + ": " + message;
    }
}
