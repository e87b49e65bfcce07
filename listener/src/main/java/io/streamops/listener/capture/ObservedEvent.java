package io.streamops.listener.capture;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamops.events.EventType;
import io.streamops.events.ProgressSignals;
import io.streamops.listener.config.AppInfo;

import java.util.UUID;

/**
 * One event as the rest of the listener sees it: Spark's event read into plain values, with the
 * query's name filled in and the derived signals computed. Encoding and metrics both start here.
 * Immutable; fields that do not apply to the type are null.
 */
public final class ObservedEvent {
    /** How a query ended, as far as Spark lets us tell (see the schema's {@code termination.outcome}). */
    public enum Outcome { FAILED, STOPPED }

    public final EventType type;
    public final AppInfo app;
    public final UUID queryId;
    public final UUID runId;
    public final String queryName;
    public final String eventId;
    /** ISO-8601. */
    public final String timestamp;
    public final long capturedAtMillis;

    public final JsonNode progress;
    public final ProgressSignals signals;

    public final Outcome outcome;
    public final String exception;
    public final String errorClass;

    public final HeartbeatSnapshot heartbeat;
    public final Double secondsSinceLastProgress;
    public final Long lastBatchId;

    private ObservedEvent(Builder b) {
        type = b.type;
        app = b.app;
        queryId = b.queryId;
        runId = b.runId;
        queryName = b.queryName;
        eventId = b.eventId;
        timestamp = b.timestamp;
        capturedAtMillis = b.capturedAtMillis;
        progress = b.progress;
        signals = b.signals;
        outcome = b.outcome;
        exception = b.exception;
        errorClass = b.errorClass;
        heartbeat = b.heartbeat;
        secondsSinceLastProgress = b.secondsSinceLastProgress;
        lastBatchId = b.lastBatchId;
    }

    /** The first line of the exception text: what a page or a dashboard shows. */
    public String exceptionMessage() {
        if (exception == null) {
            return null;
        }
        int newline = exception.indexOf('\n');
        return newline < 0 ? exception : exception.substring(0, newline);
    }

    static Builder builder(EventType type, CapturedEvent captured, AppInfo app) {
        return new Builder(type, captured, app);
    }

    static final class Builder {
        final EventType type;
        final AppInfo app;
        final long capturedAtMillis;
        UUID queryId;
        UUID runId;
        String queryName;
        String eventId;
        String timestamp;
        JsonNode progress;
        ProgressSignals signals;
        Outcome outcome;
        String exception;
        String errorClass;
        HeartbeatSnapshot heartbeat;
        Double secondsSinceLastProgress;
        Long lastBatchId;

        Builder(EventType type, CapturedEvent captured, AppInfo app) {
            this.type = type;
            this.app = app;
            this.capturedAtMillis = captured.capturedAtMillis();
        }

        Builder query(UUID id, UUID run, String name) {
            this.queryId = id;
            this.runId = run;
            this.queryName = name;
            return this;
        }

        ObservedEvent build() {
            return new ObservedEvent(this);
        }
    }
}
