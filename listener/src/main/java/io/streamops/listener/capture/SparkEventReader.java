package io.streamops.listener.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamops.events.AppIdentity;
import io.streamops.events.Heartbeat;
import io.streamops.events.HeartbeatEvent;
import io.streamops.events.IdleEvent;
import io.streamops.events.ProgressEvent;
import io.streamops.events.ProgressSignals;
import io.streamops.events.QueryIdentity;
import io.streamops.events.StartedEvent;
import io.streamops.events.TerminatedEvent;
import io.streamops.events.Termination;
import io.streamops.listener.config.ListenerConfig;
import org.apache.spark.sql.streaming.StreamingQueryListener.QueryIdleEvent;
import org.apache.spark.sql.streaming.StreamingQueryListener.QueryProgressEvent;
import org.apache.spark.sql.streaming.StreamingQueryListener.QueryStartedEvent;
import org.apache.spark.sql.streaming.StreamingQueryListener.QueryTerminatedEvent;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import scala.Option;

import java.io.IOException;
import java.time.Instant;
import java.util.UUID;

/**
 * Reads a {@link CapturedEvent} (Spark's objects) into an {@link ObservedEvent}: the wire event of the
 * contract ({@code io.streamops.events}) that {@code EventCodec} writes. Runs on the dispatcher thread,
 * just before the event is written, so {@code emittedAt} is taken here.
 */
public final class SparkEventReader {
    private final ObjectMapper json = new ObjectMapper();
    private final KnownQueries known;
    private final ListenerConfig config;
    private final String listenerVersion;

    public SparkEventReader(KnownQueries known, ListenerConfig config, String listenerVersion) {
        this.known = known;
        this.config = config;
        this.listenerVersion = listenerVersion;
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
        return observed(captured, e.id(), e.runId(), new StartedEvent(e.runId() + ":started", e.timestamp(), now(),
                app(captured), query(e.id(), e.runId(), e.name())));
    }

    private ObservedEvent progress(CapturedEvent captured, StreamingQueryProgress p) throws IOException {
        String text = p.json();
        JsonNode tree = json.readTree(text);
        return observed(captured, p.id(), p.runId(), new ProgressEvent(p.runId() + ":progress:" + p.batchId(), p.timestamp(),
                now(), app(captured), query(p.id(), p.runId(), p.name()), tree, text, ProgressSignals.from(tree)));
    }

    private ObservedEvent idle(CapturedEvent captured, QueryIdleEvent e) {
        return observed(captured, e.id(), e.runId(), new IdleEvent(e.runId() + ":idle:" + e.timestamp(), e.timestamp(), now(),
                app(captured), query(e.id(), e.runId(), known.name(e.id()))));
    }

    /** Spark gives no timestamp: the capture time stands in. */
    private ObservedEvent terminated(CapturedEvent captured, QueryTerminatedEvent e) {
        // Spark reports no exception both for stop() and for a query killed by a fatal JVM Error.
        Termination termination = Termination.of(orNull(e.exception()), SparkListenerApi.errorClassOnException(e));
        return observed(captured, e.id(), e.runId(), new TerminatedEvent(e.runId() + ":terminated", capturedAt(captured),
                now(), app(captured), query(e.id(), e.runId(), known.name(e.id())), termination));
    }

    /** Same event id as Spark's own terminated event: if that arrives too, only one is published. */
    private ObservedEvent endedWithApplication(CapturedEvent captured, EndedWithApplication e) {
        return observed(captured, e.queryId(), e.runId(), new TerminatedEvent(e.runId() + ":terminated", capturedAt(captured),
                now(), app(captured), query(e.queryId(), e.runId(), known.name(e.queryId())), Termination.of(null, null)));
    }

    private ObservedEvent heartbeat(CapturedEvent captured, HeartbeatSnapshot s) {
        long last = known.lastProgressAtMillis(s.queryId());
        long batch = known.lastBatchId(s.queryId());
        Heartbeat heartbeat = new Heartbeat(s.sequence(),
                s.statusMessage() == null ? null : new Heartbeat.Status(s.statusMessage(),
                        Boolean.TRUE.equals(s.dataAvailable()), Boolean.TRUE.equals(s.triggerActive())),
                last < 0 ? null : Math.max(0, captured.capturedAtMillis() - last) / 1000.0,
                batch < 0 ? null : batch,
                s.triggerIntervalMs(), s.intervalMs(), s.listenerEventsDropped());
        return observed(captured, s.queryId(), s.runId(), new HeartbeatEvent(s.runId() + ":heartbeat:" + s.sequence(),
                capturedAt(captured), now(), app(captured), query(s.queryId(), s.runId(), known.name(s.queryId())), heartbeat));
    }

    private static ObservedEvent observed(CapturedEvent captured, UUID queryId, UUID runId, io.streamops.events.StreamOpsEvent event) {
        return new ObservedEvent(event, queryId, runId, captured.capturedAtMillis());
    }

    /** Our thread: the first event of each origin is where its application (host name included) is worked out. */
    private AppIdentity app(CapturedEvent captured) {
        return captured.origin().app(config, listenerVersion);
    }

    private static QueryIdentity query(UUID id, UUID runId, String name) {
        return new QueryIdentity(id.toString(), runId.toString(), name);
    }

    private static String capturedAt(CapturedEvent captured) {
        return Instant.ofEpochMilli(captured.capturedAtMillis()).toString();
    }

    private static String now() {
        return Instant.ofEpochMilli(System.currentTimeMillis()).toString();
    }

    static String orNull(Option<String> option) {
        return option != null && option.isDefined() ? option.get() : null;
    }
}
