package io.streamops.exporter.alert;

import io.streamops.exporter.rules.RuleSet;
import io.streamops.exporter.signals.Signals;

import java.time.Instant;

/**
 * The rule stage as the topology sees it: one query's signals and alert state in, the updated state and
 * its transitions out. Holds one compiled rule set; a reload swaps in a new stage.
 */
public final class RuleStage {
    private final AlertTracker tracker;

    public RuleStage(RuleSet rules) {
        this.tracker = new AlertTracker(rules);
    }

    public RuleSet rules() {
        return tracker.rules();
    }

    /** Resolves every firing alert of a query that is being forgotten. */
    public AlertUpdate forget(QueryAlertState previous, Instant now) {
        return tracker.forget(previous, now);
    }

    public AlertUpdate evaluate(Signals signals, QueryAlertState previous, Instant now) {
        return tracker.evaluate(previous == null ? QueryAlertState.empty(signals.queryId()) : previous, signals, now);
    }
}
