package io.streamops.exporter.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamops.events.EventType;

import java.time.Instant;
import java.util.Map;

/**
 * One listener event as the exporter uses it: the fields every type has, plus the type's own part
 * as JSON ({@code signals} for progress, {@code termination}, {@code heartbeat}). Immutable.
 */
public record QueryEvent(
        EventType type,
        String eventId,
        Instant timestamp,
        String appId,
        String job,
        String host,
        Map<String, String> tags,
        String queryId,
        String runId,
        String queryName,
        /** progress: {@code signals}; terminated: {@code termination}; heartbeat: {@code heartbeat}; else empty. */
        JsonNode body) {

    public QueryEvent {
        tags = Map.copyOf(tags);
    }
}
