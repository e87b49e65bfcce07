package io.streamops.exporter.query;

import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.alert.AlertUpdate;
import io.streamops.exporter.alert.RuleStage;
import io.streamops.exporter.event.QueryEvent;
import io.streamops.exporter.rules.RuleEvaluationError;
import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.streams.QueryRecord;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Event -> state -> signals -> rules for one query's record: the step that both the live topology and
 * {@code replay} run, so a replayed file gives exactly the alerts the service would have given.
 */
public final class QueryEvaluation {
    private final StatusPolicy policy;
    private final Supplier<RuleStage> rules;
    private final Consumer<List<RuleEvaluationError>> errors;

    /** {@code errors} hears of rules that failed to evaluate (counted as not matching). */
    public QueryEvaluation(StatusPolicy policy, Supplier<RuleStage> rules, Consumer<List<RuleEvaluationError>> errors) {
        this.policy = policy;
        this.rules = rules;
        this.errors = errors;
    }

    /**
     * Folds the event in. True if it must be evaluated (and saved) at once rather than by the next pass
     * (see {@link QueryCadence}): a lifecycle event, or the first event of a new run.
     */
    public boolean fold(QueryRecord record, QueryEvent event) {
        return fold(record, event, event.timestamp());
    }

    /** As {@link #fold(QueryRecord, QueryEvent)}, the event heard at {@code heardAt} on the exporter's clock. */
    public boolean fold(QueryRecord record, QueryEvent event, Instant heardAt) {
        String runBefore = record.state.runId;
        record.state.apply(event, policy, heardAt.toEpochMilli());
        return event.type().isLifecycle() || !java.util.Objects.equals(runBefore, record.state.runId);
    }

    /** What one evaluation did: the signals it saw, the transitions, and whether the record's alert state changed. */
    public record Evaluated(Signals signals, List<AlertTransition> transitions, boolean changed) {
    }

    /** Runs the rules at {@code now}; updates the record's alert state and returns the transitions. */
    public List<AlertTransition> evaluate(QueryRecord record, Instant now) {
        return evaluateTracked(record, now).transitions();
    }

    /** As {@link #evaluate}, also saying whether the record changed (and so must be stored again). */
    public Evaluated evaluateTracked(QueryRecord record, Instant now) {
        return evaluateTracked(record, signals(record, now), now);
    }

    /** The record's signals at {@code now}: what the rules see. */
    public Signals signals(QueryRecord record, Instant now) {
        return signals(record, now, true);
    }

    /**
     * The record's signals at {@code now}; with {@code judgeSilence} false (this instance is still
     * catching up on what was sent) silence makes no query lost or stalled.
     */
    public Signals signals(QueryRecord record, Instant now, boolean judgeSilence) {
        return record.state.signals(now, policy, judgeSilence);
    }

    /** Runs the rules on signals already computed for this record at {@code now}. */
    public Evaluated evaluateTracked(QueryRecord record, Signals signals, Instant now) {
        AlertUpdate update = rules.get().evaluate(signals, record.alerts, now);
        boolean changed = update.stateChanged() || record.alerts == null;
        record.alerts = update.state();
        if (!update.errors().isEmpty()) {
            errors.accept(update.errors());
        }
        return new Evaluated(signals, update.transitions(), changed);
    }

    /**
     * If the query ended (or lost its driver) longer than {@code forget_after} ago, the transitions that
     * resolve its firing alerts; the caller then drops the record. Empty if it is kept.
     */
    public Optional<List<AlertTransition>> forgetIfOver(QueryRecord record, Signals signals, Instant now) {
        if (!policy.forgets(signals.status(), record.state.lastHeardAtMillis(), now.toEpochMilli())) {
            return Optional.empty();
        }
        if (record.alerts == null) {
            return Optional.of(List.of());
        }
        AlertUpdate update = rules.get().forget(record.alerts, now);
        if (!update.errors().isEmpty()) {
            errors.accept(update.errors());
        }
        return Optional.of(update.transitions());
    }

    public StatusPolicy policy() {
        return policy;
    }
}
