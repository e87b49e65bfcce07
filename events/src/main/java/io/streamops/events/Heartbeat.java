package io.streamops.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.Objects;

/** The {@code heartbeat} object of a heartbeat event: a running query as the listener saw it. Immutable. */
public final class Heartbeat {
    static final String FIELD = "heartbeat";
    private static final String SEQUENCE = "sequence";
    private static final String STATUS = "status";
    private static final String SECONDS_SINCE_LAST_PROGRESS = "secondsSinceLastProgress";
    private static final String LAST_BATCH_ID = "lastBatchId";
    private static final String TRIGGER_INTERVAL_MS = "triggerIntervalMs";
    private static final String INTERVAL_MS = "intervalMs";
    private static final String LISTENER_EVENTS_DROPPED = "listenerEventsDropped";

    /** {@code heartbeat.status}: Spark's {@code query.status()} at the time of the heartbeat. Immutable. */
    public static final class Status {
        private static final String MESSAGE = "message";
        private static final String DATA_AVAILABLE = "isDataAvailable";
        private static final String TRIGGER_ACTIVE = "isTriggerActive";

        private final String message;
        private final boolean dataAvailable;
        private final boolean triggerActive;

        public Status(String message, boolean dataAvailable, boolean triggerActive) {
            this.message = message;
            this.dataAvailable = dataAvailable;
            this.triggerActive = triggerActive;
        }

        public String message() { return message; }
        public boolean dataAvailable() { return dataAvailable; }
        public boolean triggerActive() { return triggerActive; }

        private void write(JsonGenerator out) throws IOException {
            out.writeObjectFieldStart(STATUS);
            out.writeStringField(MESSAGE, message);
            out.writeBooleanField(DATA_AVAILABLE, dataAvailable);
            out.writeBooleanField(TRIGGER_ACTIVE, triggerActive);
            out.writeEndObject();
        }

        /** Lenient as readers always were: a missing flag reads as data available, trigger not active. */
        private static Status read(JsonNode json) {
            return new Status(json.path(MESSAGE).asText(""), json.path(DATA_AVAILABLE).asBoolean(true),
                    json.path(TRIGGER_ACTIVE).asBoolean(false));
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Status)) {
                return false;
            }
            Status that = (Status) o;
            return dataAvailable == that.dataAvailable && triggerActive == that.triggerActive
                    && Objects.equals(message, that.message);
        }

        @Override
        public int hashCode() {
            return Objects.hash(message, dataAvailable, triggerActive);
        }
    }

    private final long sequence;
    private final Status status;
    private final Double secondsSinceLastProgress;
    private final Long lastBatchId;
    private final Long triggerIntervalMs;
    private final Long intervalMs;
    private final Long listenerEventsDropped;

    public Heartbeat(long sequence, Status status, Double secondsSinceLastProgress, Long lastBatchId,
                     Long triggerIntervalMs, Long intervalMs, Long listenerEventsDropped) {
        this.sequence = sequence;
        this.status = status;
        this.secondsSinceLastProgress = secondsSinceLastProgress;
        this.lastBatchId = lastBatchId;
        this.triggerIntervalMs = triggerIntervalMs;
        this.intervalMs = intervalMs;
        this.listenerEventsDropped = listenerEventsDropped;
    }

    /** Per listener JVM, from 0: with the run id, the heartbeat's identity. */
    public long sequence() { return sequence; }
    /** Null if the listener could not reach the query object. */
    public Status status() { return status; }
    /** Null before the first progress. */
    public Double secondsSinceLastProgress() { return secondsSinceLastProgress; }
    public Long lastBatchId() { return lastBatchId; }
    /** The ProcessingTime interval, 0 for as fast as possible; null for one-shot triggers or when unknown. */
    public Long triggerIntervalMs() { return triggerIntervalMs; }
    /** The listener's {@code heartbeat.interval}; null from listeners older than the field. */
    public Long intervalMs() { return intervalMs; }
    /** Events the driver's listener has given up so far (all queries, all reasons); null from older listeners. */
    public Long listenerEventsDropped() { return listenerEventsDropped; }

    void write(JsonGenerator out) throws IOException {
        out.writeObjectFieldStart(FIELD);
        out.writeNumberField(SEQUENCE, sequence);
        if (status == null) {
            out.writeNullField(STATUS);
        } else {
            status.write(out);
        }
        writeNullable(out, SECONDS_SINCE_LAST_PROGRESS, secondsSinceLastProgress);
        writeNullable(out, LAST_BATCH_ID, lastBatchId);
        writeNullable(out, TRIGGER_INTERVAL_MS, triggerIntervalMs);
        // Absent rather than null: the schema has them as integers, only older listeners leave them out.
        if (intervalMs != null) {
            out.writeNumberField(INTERVAL_MS, intervalMs);
        }
        if (listenerEventsDropped != null) {
            out.writeNumberField(LISTENER_EVENTS_DROPPED, listenerEventsDropped);
        }
        out.writeEndObject();
    }

    private static void writeNullable(JsonGenerator out, String field, Number value) throws IOException {
        if (value == null) {
            out.writeNullField(field);
        } else if (value instanceof Double) {
            out.writeNumberField(field, value.doubleValue());
        } else {
            out.writeNumberField(field, value.longValue());
        }
    }

    /** Reads the object back. Lenient: a field that is missing or not a number reads as null (older listeners). */
    static Heartbeat read(JsonNode json) {
        JsonNode status = json.path(STATUS);
        JsonNode seconds = json.path(SECONDS_SINCE_LAST_PROGRESS);
        return new Heartbeat(json.path(SEQUENCE).asLong(0), status.isObject() ? Status.read(status) : null,
                seconds.isNumber() ? Double.valueOf(seconds.asDouble()) : null,
                longOrNull(json.path(LAST_BATCH_ID)), longOrNull(json.path(TRIGGER_INTERVAL_MS)),
                longOrNull(json.path(INTERVAL_MS)), longOrNull(json.path(LISTENER_EVENTS_DROPPED)));
    }

    private static Long longOrNull(JsonNode node) {
        return node.isNumber() ? Long.valueOf(node.asLong()) : null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Heartbeat)) {
            return false;
        }
        Heartbeat that = (Heartbeat) o;
        return sequence == that.sequence && Objects.equals(status, that.status)
                && Objects.equals(secondsSinceLastProgress, that.secondsSinceLastProgress)
                && Objects.equals(lastBatchId, that.lastBatchId) && Objects.equals(triggerIntervalMs, that.triggerIntervalMs)
                && Objects.equals(intervalMs, that.intervalMs) && Objects.equals(listenerEventsDropped, that.listenerEventsDropped);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, status, secondsSinceLastProgress, lastBatchId, triggerIntervalMs, intervalMs,
                listenerEventsDropped);
    }
}
