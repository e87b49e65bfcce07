package io.streamops.exporter.streams;

import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.event.QueryEvent;
import io.streamops.exporter.state.StatusPolicy;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Event -> state -> signals -> rules for one query's record: the step that both the live topology and
 * {@code replay} run, so a replayed file gives exactly the alerts the service would have given.
 */
public final class QueryEvaluation {
    private final StatusPolicy policy;
    private final Supplier<RuleStage> rules;

    public QueryEvaluation(StatusPolicy policy, Supplier<RuleStage> rules) {
        this.policy = policy;
        this.rules = rules;
    }

    public void fold(QueryRecord record, QueryEvent event) {
        record.state.apply(event, policy);
    }

    /** Runs the rules at {@code now}; updates the record's alert state and returns the transitions. */
    public List<AlertTransition> evaluate(QueryRecord record, Instant now) {
        RuleStage.Outcome outcome = rules.get().evaluate(record.state.signals(now, policy), record.alerts, now);
        record.alerts = outcome.alertState();
        return outcome.transitions();
    }

    public StatusPolicy policy() {
        return policy;
    }
}
