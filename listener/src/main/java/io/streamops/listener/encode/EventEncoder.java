package io.streamops.listener.encode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamops.events.EventContract;
import io.streamops.listener.capture.HeartbeatSnapshot;
import io.streamops.listener.capture.ObservedEvent;
import io.streamops.listener.config.AppInfo;

import java.time.Instant;
import java.util.Map;

/** Renders an {@link ObservedEvent} as a version-1 event (events/.../streamops-event-v1.schema.json). */
public final class EventEncoder {
    private final ObjectMapper json = new ObjectMapper();
    private final String listenerVersion;

    public EventEncoder(String listenerVersion) {
        this.listenerVersion = listenerVersion;
    }

    public byte[] encode(ObservedEvent e, long emittedAtMillis) throws JsonProcessingException {
        ObjectNode root = json.createObjectNode();
        root.put("version", EventContract.VERSION);
        root.put("type", e.type.wireName());
        root.put("eventId", e.eventId);
        root.put("timestamp", e.timestamp);
        root.put("emittedAt", Instant.ofEpochMilli(emittedAtMillis).toString());
        app(root.putObject("app"), e.app);
        root.putObject("query")
                .put("id", e.queryId.toString())
                .put("runId", e.runId.toString())
                .put("name", e.queryName);
        switch (e.type) {
            case PROGRESS:
                root.set("progress", e.progress);
                root.set(e.type.bodyField(), e.signals.toJson());
                break;
            case TERMINATED:
                root.putObject(e.type.bodyField())
                        .put("outcome", e.outcome.name().toLowerCase())
                        .put("exception", e.exception)
                        .put("exceptionMessage", e.exceptionMessage())
                        .put("errorClassOnException", e.errorClass);
                break;
            case HEARTBEAT:
                heartbeat(root.putObject(e.type.bodyField()), e);
                break;
            default:
                break;
        }
        return json.writeValueAsBytes(root);
    }

    private void app(ObjectNode node, AppInfo app) {
        node.put("id", app.appId())
                .put("name", app.appName())
                .put("job", app.job())
                .put("host", app.host())
                .put("sparkVersion", app.sparkVersion())
                .put("listenerVersion", listenerVersion);
        ObjectNode tags = node.putObject("tags");
        for (Map.Entry<String, String> tag : app.tags().entrySet()) {
            tags.put(tag.getKey(), tag.getValue());
        }
    }

    private void heartbeat(ObjectNode node, ObservedEvent e) {
        HeartbeatSnapshot s = e.heartbeat;
        node.put("sequence", s.sequence());
        if (s.statusMessage() == null) {
            node.putNull("status");
        } else {
            node.putObject("status")
                    .put("message", s.statusMessage())
                    .put("isDataAvailable", s.dataAvailable())
                    .put("isTriggerActive", s.triggerActive());
        }
        node.put("secondsSinceLastProgress", e.secondsSinceLastProgress);
        node.put("lastBatchId", e.lastBatchId);
        node.put("triggerIntervalMs", s.triggerIntervalMs());
        node.put("intervalMs", s.intervalMs());
        node.put("listenerEventsDropped", s.listenerEventsDropped());
    }
}
