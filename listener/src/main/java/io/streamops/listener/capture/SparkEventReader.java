package io.streamops.listener.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamops.events.EventType;
import io.streamops.events.ProgressSignals;
import io.streamops.listener.config.ListenerConfig;
import org.apache.spark.sql.streaming.StreamingQueryListener.QueryIdleEvent;
import org.apache.spark.sql.streaming.StreamingQueryListener.QueryProgressEvent;
import org.apache.spark.sql.streaming.StreamingQueryListener.QueryStartedEvent;
import org.apache.spark.sql.streaming.StreamingQueryListener.QueryTerminatedEvent;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import scala.Option;

import java.io.IOException;
import java.time.Instant;

/** Reads a {@link CapturedEvent} (Spark's objects) into an {@link ObservedEvent} (plain values). */
public final class SparkEventReader {
    private final ObjectMapper json = new ObjectMapper();
    private final KnownQueries known;
    private final ListenerConfig config;

    public SparkEventReader(KnownQueries known, ListenerConfig config) {
        this.known = known;
        this.config = config;
    }

    public ObservedEvent read(CapturedEvent captured) throws IOException {
        switch (captured.type()) {
            case STARTED:
                return started(captured, (QueryStartedEvent) captured.payload());
            case PROGRESS:
                return progress(captured, ((QueryProgressEvent) captured.payload()).progress());
            case IDLE:
                return idle(captured, (QueryIdleEvent) captured.payload());
            case TERMINATED:
                return captured.payload() instanceof EndedWithApplication
                        ? endedWithApplication(captured, (EndedWithApplication) captured.payload())
                        : terminated(captured, (QueryTerminatedEvent) captured.payload());
            case HEARTBEAT:
                return heartbeat(captured, (HeartbeatSnapshot) captured.payload());
            default:
                throw new IllegalArgumentException("unknown event type " + captured.type());
        }
    }

    private ObservedEvent started(CapturedEvent captured, QueryStartedEvent e) {
        ObservedEvent.Builder b = builder(EventType.STARTED, captured).query(e.id(), e.runId(), e.name());
        b.eventId = e.runId() + ":started";
        b.timestamp = e.timestamp();
        return b.build();
    }

    private ObservedEvent progress(CapturedEvent captured, StreamingQueryProgress p) throws IOException {
        ObservedEvent.Builder b = builder(EventType.PROGRESS, captured).query(p.id(), p.runId(), p.name());
        b.eventId = p.runId() + ":progress:" + p.batchId();
        b.timestamp = p.timestamp();
        JsonNode tree = json.readTree(p.json());
        b.progress = tree;
        b.signals = ProgressSignals.from(tree);
        return b.build();
    }

    private ObservedEvent idle(CapturedEvent captured, QueryIdleEvent e) {
        ObservedEvent.Builder b = builder(EventType.IDLE, captured)
                .query(e.id(), e.runId(), known.name(e.id()));
        b.eventId = e.runId() + ":idle:" + e.timestamp();
        b.timestamp = e.timestamp();
        return b.build();
    }

    private ObservedEvent terminated(CapturedEvent captured, QueryTerminatedEvent e) {
        ObservedEvent.Builder b = builder(EventType.TERMINATED, captured)
                .query(e.id(), e.runId(), known.name(e.id()));
        b.eventId = e.runId() + ":terminated";
        b.timestamp = Instant.ofEpochMilli(captured.capturedAtMillis()).toString();
        b.exception = orNull(e.exception());
        b.errorClass = SparkListenerApi.errorClassOnException(e);
        // Spark reports no exception both for stop() and for a query killed by a fatal JVM Error.
        b.outcome = b.exception != null ? ObservedEvent.Outcome.FAILED : ObservedEvent.Outcome.STOPPED;
        return b.build();
    }

    private ObservedEvent endedWithApplication(CapturedEvent captured, EndedWithApplication e) {
        ObservedEvent.Builder b = builder(EventType.TERMINATED, captured)
                .query(e.queryId(), e.runId(), known.name(e.queryId()));
        b.eventId = e.runId() + ":terminated";
        b.timestamp = Instant.ofEpochMilli(captured.capturedAtMillis()).toString();
        b.outcome = ObservedEvent.Outcome.STOPPED;
        return b.build();
    }

    private ObservedEvent heartbeat(CapturedEvent captured, HeartbeatSnapshot s) {
        ObservedEvent.Builder b = builder(EventType.HEARTBEAT, captured)
                .query(s.queryId(), s.runId(), known.name(s.queryId()));
        b.eventId = s.runId() + ":heartbeat:" + s.sequence();
        b.timestamp = Instant.ofEpochMilli(captured.capturedAtMillis()).toString();
        b.heartbeat = s;
        long last = known.lastProgressAtMillis(s.queryId());
        b.secondsSinceLastProgress = last < 0 ? null : Math.max(0, captured.capturedAtMillis() - last) / 1000.0;
        long batch = known.lastBatchId(s.queryId());
        b.lastBatchId = batch < 0 ? null : batch;
        return b.build();
    }

    /** Our thread: the first event of each origin is where its application (host name included) is worked out. */
    private ObservedEvent.Builder builder(EventType type, CapturedEvent captured) {
        return ObservedEvent.builder(type, captured, captured.origin().app(config));
    }

    static String orNull(Option<String> option) {
        return option != null && option.isDefined() ? option.get() : null;
    }
}
