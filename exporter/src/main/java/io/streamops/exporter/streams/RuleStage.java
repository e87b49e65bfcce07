package io.streamops.exporter.streams;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.signals.Signals;

import java.time.Instant;
import java.util.List;

/**
 * The rule stage as the topology sees it: signals and the query's alert state in, new alert state and
 * transitions out. The state is opaque JSON to the topology, so the rules package owns its shape.
 */
public interface RuleStage {
    record Outcome(JsonNode alertState, List<AlertTransition> transitions) {
    }

    Outcome evaluate(Signals signals, JsonNode alertState, Instant now);
}
