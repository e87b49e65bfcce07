package io.streamops.listener.agent;

import io.streamops.events.EventCodec;
import io.streamops.events.EventType;
import io.streamops.events.HeartbeatEvent;
import io.streamops.events.ProgressEvent;
import io.streamops.events.StreamOpsEvent;
import io.streamops.events.TerminatedEvent;
import io.streamops.events.Termination;
import io.streamops.listener.capture.CapturedEvent;
import io.streamops.listener.capture.EndedWithApplication;
import io.streamops.listener.capture.HeartbeatSnapshot;
import io.streamops.listener.capture.ObservedEvent;
import io.streamops.listener.capture.Origin;
import io.streamops.listener.capture.SparkEventReader;
import io.streamops.listener.config.ListenerConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.SinkProgress;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener.QueryIdleEvent;
import org.apache.spark.sql.streaming.StreamingQueryListener.QueryProgressEvent;
import org.apache.spark.sql.streaming.StreamingQueryListener.QueryStartedEvent;
import org.apache.spark.sql.streaming.StreamingQueryListener.QueryTerminatedEvent;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.junit.jupiter.api.Test;
import scala.Option;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * From Spark's own event objects to the bytes on the topic and back: what the listener writes
 * ({@link SparkEventReader}, then {@link EventCodec#write}) the exporter's reader ({@link EventCodec#read})
 * reads as the same event, for every kind.
 */
class WireEventsTest {
    private static final UUID QUERY = UUID.fromString("1caf0a09-eebe-484b-8a57-55b197752f36");
    private static final UUID RUN = UUID.fromString("188f6339-f650-4e84-91d7-a95c383cf33a");
    private static final long T0 = 1_763_737_377_000L;

    private final SparkConf conf = new SparkConf(false).set("spark.app.id", "local-1").set("spark.app.name", "orders")
            .set("spark.driver.host", "driver-7").set("spark.streamops.job", "orders-job").set("spark.streamops.tags.team", "payments");
    private final Origin origin = new Origin(conf);
    private final QueryRegistry registry = new QueryRegistry();
    private final SparkEventReader reader = new SparkEventReader(registry, ListenerConfig.from(conf), "9.9.9");
    private final EventCodec codec = new EventCodec();

    private static StreamingQueryProgress progress(long batchId) {
        Map<String, Long> durations = new HashMap<>();
        durations.put("triggerExecution", 1200L);
        durations.put("addBatch", 900L);
        Map<String, String> eventTime = new HashMap<>();
        SourceProgress kafka = new SourceProgress("KafkaV2[Subscribe[purchases]]", "{\"purchases\":{\"0\":10,\"1\":20}}",
                "{\"purchases\":{\"0\":110,\"1\":220}}", "{\"purchases\":{\"0\":150,\"1\":220}}", 300, 250.0, 240.0,
                Collections.emptyMap());
        return new StreamingQueryProgress(QUERY, RUN, "orders-to-warehouse", "2025-11-21T15:02:57.123Z", batchId, 1200L,
                durations, eventTime, new StateOperatorProgress[0], new SourceProgress[] {kafka},
                new SinkProgress("KafkaSink", 300L, Collections.emptyMap()), Collections.<String, Row>emptyMap());
    }

    private ObservedEvent read(EventType type, Object payload, long at) throws Exception {
        return reader.read(new CapturedEvent(type, payload, at, origin));
    }

    @Test
    void everyKindReadsBackAsWritten() throws Exception {
        List<ObservedEvent> observed = new ArrayList<>();
        observed.add(read(EventType.STARTED, new QueryStartedEvent(QUERY, RUN, "orders-to-warehouse", "2025-11-21T15:02:56.001Z"), T0));
        registry.started(QUERY, RUN, "orders-to-warehouse", origin, T0);
        observed.add(read(EventType.PROGRESS, new QueryProgressEvent(progress(3)), T0 + 1_000));
        registry.get(QUERY).lastProgressAtMillis = T0 + 1_000;
        registry.get(QUERY).lastBatchId = 3;
        observed.add(read(EventType.IDLE, new QueryIdleEvent(QUERY, RUN, "2025-11-21T15:03:00.000Z"), T0 + 2_000));
        observed.add(read(EventType.HEARTBEAT, new HeartbeatSnapshot(QUERY, RUN, 4, "Waiting for next trigger", true, false,
                1000L, 2, 10_000), T0 + 3_500));
        observed.add(read(EventType.HEARTBEAT, new HeartbeatSnapshot(QUERY, RUN, 5, null, null, null, null, 2, 10_000), T0 + 4_000));
        observed.add(read(EventType.TERMINATED, new QueryTerminatedEvent(QUERY, RUN,
                Option.apply("java.lang.IllegalStateException: warehouse API returned 503\n\tat harness.Fixtures"),
                Option.apply("FOREACH_BATCH_USER_FUNCTION_ERROR")), T0 + 5_000));
        observed.add(read(EventType.TERMINATED, new QueryTerminatedEvent(QUERY, RUN, Option.<String>empty(), Option.<String>empty()), T0 + 6_000));
        observed.add(read(EventType.TERMINATED, new EndedWithApplication(QUERY, RUN), T0 + 7_000));

        Set<EventType> kinds = EnumSet.noneOf(EventType.class);
        for (ObservedEvent o : observed) {
            StreamOpsEvent back = codec.read(codec.write(o.event));
            assertThat(back).as(o.event.toString()).isEqualTo(o.event);
            assertThat(back.app().job()).isEqualTo("orders-job");
            assertThat(back.app().host()).isEqualTo("driver-7");
            assertThat(back.app().listenerVersion()).isEqualTo("9.9.9");
            assertThat(back.app().tags()).containsEntry("team", "payments");
            assertThat(back.query().id()).isEqualTo(QUERY.toString());
            // Spark omits the name from idle and terminated: the listener fills it in from the started.
            assertThat(back.query().name()).isEqualTo("orders-to-warehouse");
            kinds.add(back.type());
        }
        assertThat(kinds).containsExactlyInAnyOrder(EventType.values());

        ProgressEvent progress = (ProgressEvent) codec.read(codec.write(observed.get(1).event));
        assertThat(progress.eventId()).isEqualTo(RUN + ":progress:3");
        assertThat(progress.signals().recordsBehindLatest()).isEqualTo(40L);
        assertThat(progress.progress().path("durationMs").path("addBatch").asLong()).isEqualTo(900L);

        HeartbeatEvent beat = (HeartbeatEvent) codec.read(codec.write(observed.get(3).event));
        assertThat(beat.heartbeat().secondsSinceLastProgress()).isEqualTo(2.5);
        assertThat(beat.heartbeat().lastBatchId()).isEqualTo(3L);
        assertThat(beat.heartbeat().status().message()).isEqualTo("Waiting for next trigger");
        assertThat(beat.heartbeat().intervalMs()).isEqualTo(10_000L);
        assertThat(((HeartbeatEvent) observed.get(4).event).heartbeat().status()).isNull();

        Termination failed = ((TerminatedEvent) codec.read(codec.write(observed.get(5).event))).termination();
        assertThat(failed.outcome()).isEqualTo(Termination.Outcome.FAILED);
        assertThat(failed.exceptionMessage()).isEqualTo("java.lang.IllegalStateException: warehouse API returned 503");
        assertThat(failed.errorClassOnException()).isEqualTo("FOREACH_BATCH_USER_FUNCTION_ERROR");
        assertThat(((TerminatedEvent) observed.get(6).event).termination().outcome()).isEqualTo(Termination.Outcome.STOPPED);
        // Ended with the application: the same event id as Spark's own, so only one is published.
        assertThat(observed.get(7).event.eventId()).isEqualTo(observed.get(6).event.eventId()).isEqualTo(RUN + ":terminated");
    }
}
