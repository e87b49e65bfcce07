package io.streamops.exporter.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamops.exporter.support.Json;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds version-1 events shaped exactly like the listener's (see the schema in the events module). */
final class TestEvents {
    private final String job;
    private final String queryId;
    private final String runId;
    private final String name;

    TestEvents(String job, String queryId, String runId, String name) {
        this.job = job;
        this.queryId = queryId;
        this.runId = runId;
        this.name = name;
    }

    String queryId() {
        return queryId;
    }

    ObjectNode base(String type, String eventId, Instant at) {
        ObjectNode e = Json.MAPPER.createObjectNode();
        e.put("version", 1).put("type", type).put("eventId", runId + ":" + eventId)
                .put("timestamp", at.toString()).put("emittedAt", at.toString());
        e.putObject("app").put("id", "app-1").put("name", job).put("job", job).put("host", "driver-1")
                .put("sparkVersion", "3.5.7").put("listenerVersion", "test").putObject("tags").put("env", "test");
        e.putObject("query").put("id", queryId).put("runId", runId).put("name", name);
        return e;
    }

    byte[] started(Instant at) {
        return bytes(base("started", "started", at));
    }

    byte[] progress(long batchId, Instant at, double inputRate, double processedRate, long recordsBehind) {
        ObjectNode e = base("progress", "progress:" + batchId, at);
        e.putObject("progress").put("batchId", batchId);
        e.putObject("signals").put("batchId", batchId).put("numInputRows", 100)
                .put("inputRowsPerSecond", inputRate).put("processedRowsPerSecond", processedRate)
                .put("batchDurationMs", 400).putNull("watermarkDelayMs").put("recordsBehindLatest", recordsBehind)
                .put("stateRows", batchId * 100).put("stateMemoryBytes", 0).put("stateRowsDroppedByWatermark", 0).putArray("sources");
        return bytes(e);
    }

    /** A progress whose rates Spark left out (it does when a batch had no time to divide by). */
    byte[] progressWithoutRates(long batchId, Instant at, long recordsBehind) {
        ObjectNode e = base("progress", "progress:" + batchId, at);
        e.putObject("progress").put("batchId", batchId);
        e.putObject("signals").put("batchId", batchId).put("numInputRows", 0)
                .putNull("inputRowsPerSecond").putNull("processedRowsPerSecond")
                .put("batchDurationMs", 0).putNull("watermarkDelayMs").put("recordsBehindLatest", recordsBehind)
                .put("stateRows", 0).put("stateMemoryBytes", 0).put("stateRowsDroppedByWatermark", 0).putArray("sources");
        return bytes(e);
    }

    byte[] idle(Instant at) {
        return bytes(base("idle", "idle:" + at, at));
    }

    byte[] heartbeat(long sequence, Instant at, boolean triggerActive, boolean dataAvailable) {
        return bytes(heartbeatNode(sequence, at, triggerActive, dataAvailable));
    }

    /** A heartbeat that states the listener's heartbeat interval. */
    byte[] heartbeat(long sequence, Instant at, boolean triggerActive, boolean dataAvailable, java.time.Duration interval) {
        ObjectNode e = heartbeatNode(sequence, at, triggerActive, dataAvailable);
        ((ObjectNode) e.get("heartbeat")).put("intervalMs", interval.toMillis());
        return bytes(e);
    }

    private ObjectNode heartbeatNode(long sequence, Instant at, boolean triggerActive, boolean dataAvailable) {
        ObjectNode e = base("heartbeat", "heartbeat:" + sequence, at);
        ObjectNode h = e.putObject("heartbeat").put("sequence", sequence);
        h.putObject("status").put("message", triggerActive ? "Processing new data" : "Waiting for data to arrive")
                .put("isDataAvailable", dataAvailable).put("isTriggerActive", triggerActive);
        h.putNull("secondsSinceLastProgress").putNull("lastBatchId").put("triggerIntervalMs", 500).put("listenerEventsDropped", 0);
        return e;
    }

    byte[] failed(Instant at, String message, String errorClass) {
        ObjectNode e = base("terminated", "terminated", at);
        e.putObject("termination").put("outcome", "failed").put("exception", message + "\n\tat somewhere")
                .put("exceptionMessage", message).put("errorClassOnException", errorClass);
        return bytes(e);
    }

    private static byte[] bytes(ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
