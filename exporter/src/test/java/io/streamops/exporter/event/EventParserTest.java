package io.streamops.exporter.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamops.events.AppIdentity;
import io.streamops.events.EventCodec;
import io.streamops.events.EventType;
import io.streamops.events.Heartbeat;
import io.streamops.events.HeartbeatEvent;
import io.streamops.events.IdleEvent;
import io.streamops.events.MalformedEventException.Problem;
import io.streamops.events.ProgressEvent;
import io.streamops.events.ProgressSignals;
import io.streamops.events.QueryIdentity;
import io.streamops.events.StartedEvent;
import io.streamops.events.StreamOpsEvent;
import io.streamops.events.TerminatedEvent;
import io.streamops.events.Termination;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exporter reads what the listener's codec writes, every kind, as {@link QueryEvent}s with their
 * typed parts; a real listener's recorded run reads whole; bad messages are refused with the reason
 * the bad-events counter is labelled with and a detail naming the field and the event.
 */
class EventParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventCodec CODEC = new EventCodec();
    private static final Path RECORDED = Path.of("src", "test", "resources", "recorded", "listener-e2e-run.jsonl");
    private static final AppIdentity APP = new AppIdentity("local-1", "orders", "orders-job", "driver-7", "3.5.7", "0.1.0",
            Map.of("team", "payments"));
    private static final QueryIdentity QUERY = new QueryIdentity("1caf0a09-eebe-484b-8a57-55b197752f36",
            "188f6339-f650-4e84-91d7-a95c383cf33a", "orders-to-warehouse");
    private static final String AT = "2025-11-21T15:02:57.123Z";

    private final EventParser parser = new EventParser(64 * 1024);

    private static List<StreamOpsEvent> everyKind() throws Exception {
        ObjectNode progress = (ObjectNode) JSON.readTree("""
                {"id":"1caf0a09-eebe-484b-8a57-55b197752f36","runId":"188f6339-f650-4e84-91d7-a95c383cf33a",
                 "name":"orders-to-warehouse","timestamp":"2025-11-21T15:02:57.123Z","batchId":3,"numInputRows":300,
                 "inputRowsPerSecond":250.0,"processedRowsPerSecond":240.0,"durationMs":{"triggerExecution":1200},
                 "stateOperators":[],"sources":[{"description":"KafkaV2[Subscribe[purchases]]",
                 "endOffset":{"purchases":{"0":110,"1":220}},"latestOffset":{"purchases":{"0":150,"1":220}},
                 "numInputRows":300}],"sink":{"description":"KafkaSink","numOutputRows":300}}""");
        String id = QUERY.runId();
        return List.of(
                new StartedEvent(id + ":started", AT, AT, APP, QUERY),
                new ProgressEvent(id + ":progress:3", AT, AT, APP, QUERY, progress, progress.toString(), ProgressSignals.from(progress)),
                new IdleEvent(id + ":idle:" + AT, AT, AT, APP, QUERY),
                new TerminatedEvent(id + ":terminated", AT, AT, APP, QUERY,
                        Termination.of("java.lang.IllegalStateException: 503\n\tat Fixtures", "FOREACH_BATCH_USER_FUNCTION_ERROR")),
                new HeartbeatEvent(id + ":heartbeat:4", AT, AT, APP, QUERY,
                        new Heartbeat(4, new Heartbeat.Status("Waiting for next trigger", true, false), 2.5, 3L, 1000L, 10_000L, 2L)));
    }

    @Test
    void everyKindTheListenerWritesIsRead() throws Exception {
        Set<EventType> kinds = EnumSet.noneOf(EventType.class);
        for (StreamOpsEvent written : everyKind()) {
            EventParser.Result result = parser.parse(CODEC.write(written));

            assertThat(result.ok()).as("%s: %s", written, result.detail()).isTrue();
            QueryEvent e = result.event();
            assertThat(e.event()).isEqualTo(written);
            assertThat(e.timestamp()).isEqualTo(Instant.parse(AT));
            assertThat(e.job()).isEqualTo("orders-job");
            assertThat(e.host()).isEqualTo("driver-7");
            assertThat(e.tags()).containsExactly(Map.entry("team", "payments"));
            assertThat(e.queryId()).isEqualTo(QUERY.id());
            assertThat(e.runId()).isEqualTo(QUERY.runId());
            assertThat(e.queryName()).isEqualTo("orders-to-warehouse");
            assertThat(e.signals() != null).isEqualTo(e.type() == EventType.PROGRESS);
            assertThat(e.termination() != null).isEqualTo(e.type() == EventType.TERMINATED);
            assertThat(e.heartbeat() != null).isEqualTo(e.type() == EventType.HEARTBEAT);
            kinds.add(e.type());
        }
        assertThat(kinds).containsExactlyInAnyOrder(EventType.values());
    }

    @Test
    void theTypedPartsAreWhatTheListenerSent() throws Exception {
        List<StreamOpsEvent> events = everyKind();
        QueryEvent progress = parser.parse(CODEC.write(events.get(1))).event();
        assertThat(progress.signals().recordsBehindLatest()).isEqualTo(40L);
        assertThat(progress.signals().batchDurationMs()).isEqualTo(1200L);
        QueryEvent terminated = parser.parse(CODEC.write(events.get(3))).event();
        assertThat(terminated.termination().outcome()).isEqualTo(Termination.Outcome.FAILED);
        assertThat(terminated.termination().exceptionMessage()).isEqualTo("java.lang.IllegalStateException: 503");
        QueryEvent beat = parser.parse(CODEC.write(events.get(4))).event();
        assertThat(beat.heartbeat().intervalMs()).isEqualTo(10_000L);
        assertThat(beat.heartbeat().status().triggerActive()).isFalse();
    }

    @Test
    void aRecordedListenerRunReadsWhole() throws Exception {
        List<String> lines = Files.readAllLines(RECORDED, StandardCharsets.UTF_8);
        Set<EventType> kinds = EnumSet.noneOf(EventType.class);
        for (String line : lines) {
            EventParser.Result result = parser.parse(line.getBytes(StandardCharsets.UTF_8));
            assertThat(result.ok()).as(result.detail()).isTrue();
            kinds.add(result.event().type());
        }
        assertThat(lines).hasSize(297);
        assertThat(kinds).containsExactlyInAnyOrder(EventType.values());
    }

    @Test
    void badMessagesAreRefusedNamingWhatAndWhere() throws Exception {
        EventParser.Result oversized = new EventParser(100).parse(CODEC.write(everyKind().get(4)));
        assertThat(oversized.problem()).isEqualTo(Problem.OVERSIZED);
        assertThat(oversized.detail()).endsWith("bytes, limit 100");

        assertThat(parser.parse("{\"version\":1,".getBytes(StandardCharsets.UTF_8)).problem()).isEqualTo(Problem.MALFORMED);
        assertThat(parser.parse(new byte[0]).detail()).isEqualTo("empty message");

        ObjectNode noJob = (ObjectNode) JSON.readTree(CODEC.write(everyKind().get(4)));
        ((ObjectNode) noJob.get("app")).remove("job");
        EventParser.Result missing = parser.parse(JSON.writeValueAsBytes(noJob));
        assertThat(missing.ok()).isFalse();
        assertThat(missing.problem()).isEqualTo(Problem.MISSING_FIELD);
        assertThat(missing.detail()).contains("'app.job'").contains("heartbeat event").contains(QUERY.runId() + ":heartbeat:4");

        ObjectNode v2 = ((ObjectNode) JSON.readTree(CODEC.write(everyKind().get(0)))).put("version", 2);
        assertThat(parser.parse(JSON.writeValueAsBytes(v2)).problem()).isEqualTo(Problem.UNKNOWN_VERSION);
    }

    /** A newer listener's outcome is not a bad event: the termination arrives, failed by its exception. */
    @Test
    void anUnknownOutcomeStillTerminates() throws Exception {
        for (StreamOpsEvent e : everyKind()) {
            if (e.type() == EventType.TERMINATED && ((TerminatedEvent) e).termination().exception() != null) {
                ObjectNode newer = (ObjectNode) JSON.readTree(CODEC.write(e));
                ((ObjectNode) newer.get("termination")).put("outcome", "preempted");
                EventParser.Result result = parser.parse(JSON.writeValueAsBytes(newer));
                assertThat(result.ok()).as(result.detail()).isTrue();
                assertThat(result.event().termination().outcome()).isEqualTo(Termination.Outcome.FAILED);
                return;
            }
        }
        throw new AssertionError("no failed termination among the kinds");
    }
}
