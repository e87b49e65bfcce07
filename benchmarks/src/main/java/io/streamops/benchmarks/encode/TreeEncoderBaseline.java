package io.streamops.benchmarks.encode;

import io.streamops.events.AppIdentity;
import io.streamops.events.ProgressSignals;
import io.streamops.events.SourceLag;
import io.streamops.events.TopicPartitionOffset;
import io.streamops.shaded.com.fasterxml.jackson.core.JsonProcessingException;
import io.streamops.shaded.com.fasterxml.jackson.databind.JsonNode;
import io.streamops.shaded.com.fasterxml.jackson.databind.ObjectMapper;
import io.streamops.shaded.com.fasterxml.jackson.databind.node.ArrayNode;
import io.streamops.shaded.com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The baseline for {@link EncoderBench}: how the listener encoded an event before {@code EventCodec}
 * (its {@code encode/EventEncoder} and the signals' {@code toJson()} as of commit 10394aa), kept here
 * only to be measured against: build a Jackson tree of the whole event (Spark's progress tree included),
 * then serialise it.
 */
final class TreeEncoderBaseline {
    private final ObjectMapper json = new ObjectMapper();
    private final String listenerVersion;

    TreeEncoderBaseline(String listenerVersion) {
        this.listenerVersion = listenerVersion;
    }

    byte[] progress(String eventId, String timestamp, long emittedAtMillis, AppIdentity app, UUID queryId, UUID runId,
                    String name, JsonNode progress, ProgressSignals signals) throws JsonProcessingException {
        ObjectNode root = envelope("progress", eventId, timestamp, emittedAtMillis, app, queryId, runId, name);
        root.set("progress", progress);
        root.set("signals", signals(signals));
        return json.writeValueAsBytes(root);
    }

    byte[] heartbeat(String eventId, long capturedAtMillis, long emittedAtMillis, AppIdentity app, UUID queryId, UUID runId,
                     String name, long sequence, String message, boolean dataAvailable, boolean triggerActive,
                     Double secondsSinceLastProgress, Long lastBatchId, Long triggerIntervalMs, long intervalMs,
                     long dropped) throws JsonProcessingException {
        ObjectNode root = envelope("heartbeat", eventId, Instant.ofEpochMilli(capturedAtMillis).toString(), emittedAtMillis,
                app, queryId, runId, name);
        ObjectNode node = root.putObject("heartbeat");
        node.put("sequence", sequence);
        node.putObject("status").put("message", message).put("isDataAvailable", dataAvailable).put("isTriggerActive", triggerActive);
        node.put("secondsSinceLastProgress", secondsSinceLastProgress);
        node.put("lastBatchId", lastBatchId);
        node.put("triggerIntervalMs", triggerIntervalMs);
        node.put("intervalMs", intervalMs);
        node.put("listenerEventsDropped", dropped);
        return json.writeValueAsBytes(root);
    }

    private ObjectNode envelope(String type, String eventId, String timestamp, long emittedAtMillis, AppIdentity app,
                               UUID queryId, UUID runId, String name) {
        ObjectNode root = json.createObjectNode();
        root.put("version", 1);
        root.put("type", type);
        root.put("eventId", eventId);
        root.put("timestamp", timestamp);
        root.put("emittedAt", Instant.ofEpochMilli(emittedAtMillis).toString());
        ObjectNode a = root.putObject("app");
        a.put("id", app.id()).put("name", app.name()).put("job", app.job()).put("host", app.host())
                .put("sparkVersion", app.sparkVersion()).put("listenerVersion", listenerVersion);
        ObjectNode tags = a.putObject("tags");
        for (Map.Entry<String, String> tag : app.tags().entrySet()) {
            tags.put(tag.getKey(), tag.getValue());
        }
        root.putObject("query").put("id", queryId.toString()).put("runId", runId.toString()).put("name", name);
        return root;
    }

    private ObjectNode signals(ProgressSignals s) {
        ObjectNode out = json.createObjectNode();
        out.put("batchId", s.batchId());
        out.put("numInputRows", s.numInputRows());
        rate(out, "inputRowsPerSecond", s.inputRowsPerSecond());
        rate(out, "processedRowsPerSecond", s.processedRowsPerSecond());
        out.put("batchDurationMs", s.batchDurationMs());
        out.put("watermarkDelayMs", s.watermarkDelayMs());
        out.put("recordsBehindLatest", s.recordsBehindLatest());
        out.put("stateRows", s.stateRows());
        out.put("stateMemoryBytes", s.stateMemoryBytes());
        out.put("stateRowsDroppedByWatermark", s.stateRowsDroppedByWatermark());
        ArrayNode sources = out.putArray("sources");
        for (SourceLag source : s.sources()) {
            ObjectNode o = sources.addObject();
            o.put("index", source.index()).put("kind", source.kind()).put("description", source.description())
                    .put("recordsBehindLatest", source.recordsBehind());
            ArrayNode parts = o.putArray("partitions");
            for (TopicPartitionOffset p : source.partitions()) {
                parts.addObject().put("topic", p.topic()).put("partition", p.partition()).put("endOffset", p.endOffset())
                        .put("latestOffset", p.latestOffset()).put("recordsBehind", p.recordsBehind());
            }
        }
        return out;
    }

    private static void rate(ObjectNode out, String field, double value) {
        if (Double.isNaN(value)) {
            out.putNull(field);
        } else {
            out.put(field, value);
        }
    }
}
